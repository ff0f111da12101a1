import { useCallback, useEffect, useState } from 'react';
import { DateTime } from 'luxon';
import { send } from '../lib/messaging';
import type { Connection, Interview, Notification, Recruiter } from '../lib/schemas';
import { HealthLine } from './CalendarConnections';
import { LoopDetails } from './LoopDetails';
import { SignIn } from './SignIn';

type Data = { interviews: Interview[]; notifications: Notification[]; cachedAt: number | null };

/** The toolbar popup: who is signed in, upcoming interviews with copy-link, recent notifications. */
export function Popup() {
  const [session, setSession] = useState<{ recruiter: Recruiter | null; backendUrl: string }>();
  const [data, setData] = useState<Data>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState<string>();
  const [connections, setConnections] = useState<Connection[]>([]);
  const [recruiterZone, setRecruiterZone] = useState<string>();

  const load = useCallback(async () => {
    const cached = await send('interviews.list', { refresh: false });
    if (cached.ok && cached.data.cachedAt) setData(cached.data);
    void send('connections.list', {}).then((r) => r.ok && setConnections(r.data.connections));
    void send('settings.get', {}).then((r) => r.ok && setRecruiterZone(r.data.settings.timeZone));
    const fresh = await send('interviews.list', { refresh: true });
    if (fresh.ok) {
      setData(fresh.data);
      setError(undefined);
    } else {
      setError(fresh.error);
      if (fresh.code === 'signed-out') setSession((s) => s && { ...s, recruiter: null });
    }
  }, []);

  useEffect(() => {
    void send('session.get', {}).then((r) => {
      if (r.ok) setSession(r.data);
      if (r.ok && r.data.recruiter) void load();
    });
  }, [load]);

  if (!session) return <main className="popup" aria-busy="true"><p className="muted">Loading…</p></main>;
  if (!session.recruiter) {
    return (
      <main className="popup">
        <SignIn backendUrl={session.backendUrl} onSignedIn={() => void send('session.get', {}).then((r) => { if (r.ok) setSession(r.data); void load(); })} />
      </main>
    );
  }

  const zone = DateTime.local().zoneName;
  // With video, the candidate's own join link is what to share; without, their booking page.
  async function copy(i: Interview) {
    await navigator.clipboard.writeText(i.video ? i.video.candidateJoinUrl : i.link);
    setCopied(i.id);
  }
  const replaced = (next: Interview) => setData((d) => d && { ...d, interviews: d.interviews.map((x) => (x.id === next.id ? next : x)) });

  return (
    <main className="popup stack">
      <header className="row">
        <h1>Parley</h1>
        <span className="muted" title={session.recruiter.email}>Signed in as {session.recruiter.name}</span>
      </header>
      {connections.length > 0 && (
        <section aria-label="Calendar health">
          {connections.map((c) => (
            <p key={c.id} className="muted">{c.accountEmail}: <HealthLine connection={c} /></p>
          ))}
        </section>
      )}
      <section aria-labelledby="upcoming">
        <h2 id="upcoming">Upcoming interviews</h2>
        {error && (
          <p className="error" role="alert">{error} <button className="link" onClick={() => void load()}>Try again</button></p>
        )}
        {data && error && data.cachedAt && <p className="muted">Showing what Parley saw {DateTime.fromMillis(data.cachedAt).toRelative()}.</p>}
        {!data && !error && <p className="muted" aria-busy="true">Loading…</p>}
        {data && data.interviews.length === 0 && (
          <p className="muted">No upcoming interviews. Use “Share availability” in a LinkedIn conversation to invite a candidate.</p>
        )}
        {data && data.interviews.length > 0 && (
          <ul className="list" aria-label="Upcoming interviews">
            {data.interviews.map((i) => {
              const start = DateTime.fromISO(i.start).setZone(zone);
              const actions = (
                <span className="row">
                  {i.video?.status === 'ready' && (
                    <a className="button" href={i.video.joinUrl} target="_blank" rel="noreferrer" aria-label={`Join the interview with ${i.candidateName}`}
                      title={i.video.accessCode ? `Your access code: ${i.video.accessCode}` : undefined}>Join</a>
                  )}
                  <button onClick={() => void copy(i)} aria-label={`Copy link for ${i.candidateName}`}>{copied === i.id ? 'Copied' : 'Copy link'}</button>
                </span>
              );
              if (i.loop) {
                return <LoopDetails key={i.id} interview={i} loop={i.loop} zone={recruiterZone ?? zone} actions={actions} onChange={replaced} />;
              }
              return (
                <li key={i.id}>
                  <div>
                    <strong>{i.candidateName}</strong>
                    {i.video?.status === 'failed' && <div className="error">{i.video.error}</div>}
                    {i.video?.accessCode && <div className="muted">Your code: {i.video.accessCode}</div>}
                    <div className="muted">
                      <time dateTime={i.start}>{start.toFormat('ccc, LLL d')} · {start.toFormat('h:mm a')}–{DateTime.fromISO(i.end).setZone(zone).toFormat('h:mm a ZZZZ')}</time>
                    </div>
                  </div>
                  {actions}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {data && data.notifications.length > 0 && (
        <section aria-labelledby="recent">
          <h2 id="recent">Recent activity</h2>
          <ul className="list">
            {data.notifications.slice(0, 5).map((n) => (
              <li key={n.id}><span>{n.message}</span><span className="muted">{DateTime.fromISO(n.createdAt).toRelative()}</span></li>
            ))}
          </ul>
        </section>
      )}
      <footer className="row">
        <button className="link" onClick={() => void send('options.open', {})}>Settings</button>
        <button className="link" onClick={() => void send('session.signOut', {}).then(() => setSession({ ...session, recruiter: null }))}>Sign out</button>
      </footer>
    </main>
  );
}
