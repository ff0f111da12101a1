import { useEffect, useState } from 'react';
import { send } from '../lib/messaging';
import type { Recruiter } from '../lib/schemas';
import { AtsSettings } from './AtsSettings';
import { CalendarConnections } from './CalendarConnections';
import { CalendarEditor } from './CalendarEditor';
import { PanelSettings } from './PanelSettings';
import { SettingsForm } from './SettingsForm';
import { SignIn } from './SignIn';
import { SiteAccess } from './SiteAccess';

/** The options page: account, scheduler settings, Parley's built-in calendar, panel interviews, the ATS. */
export function Options() {
  const [session, setSession] = useState<{ recruiter: Recruiter | null; backendUrl: string }>();
  // The background's own record: after a sign-in, the backend the session really uses (the form may have changed it).
  const reload = () => void send('session.get', {}).then((r) => r.ok && setSession(r.data));
  useEffect(reload, []);
  if (!session) return <main className="options" aria-busy="true">Loading…</main>;
  return (
    <main className="options">
      <h1>Parley settings</h1>
      {!session.recruiter ? (
        <section><SignIn backendUrl={session.backendUrl} onSignedIn={reload} /></section>
      ) : (
        <>
          <section className="row">
            <span>Signed in as <strong>{session.recruiter.name}</strong> ({session.recruiter.email}) on {session.backendUrl}</span>
            <button onClick={() => void send('session.signOut', {}).then(() => setSession({ ...session, recruiter: null }))}>Sign out</button>
          </section>
          <SettingsForm />
          <CalendarConnections />
          <CalendarEditor />
          <PanelSettings recruiterName={session.recruiter.name} />
          <SiteAccess />
          <AtsSettings />
        </>
      )}
    </main>
  );
}
