import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { DateTime } from 'luxon';
import { send } from '../lib/messaging';
import type { Result } from '../lib/protocol';
import type { Connection } from '../lib/schemas';

const NAMES = { google: 'Google Calendar', microsoft: 'Microsoft 365', caldav: 'CalDAV' } as const;
type Problem = { title: string; cause?: string; whatToDo?: string };
/** Why a "Connect" button is greyed out, and what the server's admin sets to turn it on. */
const UNAVAILABLE = {
  google: 'Google Calendar is not set up on this Parley server: its admin sets GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (a Google OAuth client) and restarts the backend. CalDAV works meanwhile.',
  microsoft: 'Microsoft 365 is not set up on this Parley server: its admin sets MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET (a Microsoft Entra app) and restarts the backend.',
} as const;

/** One line that says whether a calendar is being read, and if not, why. */
export function HealthLine({ connection }: { connection: Connection }) {
  if (connection.status === 'needs_reconnect') {
    return <span className="error">Needs reconnecting{connection.lastError ? `: ${connection.lastError}` : ''}</span>;
  }
  if (connection.lastError) {
    return <span className="error">Last error {connection.lastErrorAt ? DateTime.fromISO(connection.lastErrorAt).toRelative() : ''}: {connection.lastError}</span>;
  }
  return <span className="ok">{connection.lastSyncAt ? `Synced ${DateTime.fromISO(connection.lastSyncAt).toRelative()}` : 'Connected'}</span>;
}

/** Options page: connect, reconnect and disconnect calendars; choose which count and which receives events. */
export function CalendarConnections() {
  const [connections, setConnections] = useState<Connection[]>();
  const [providers, setProviders] = useState<{ google: boolean; microsoft: boolean }>({ google: true, microsoft: true });
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState<string>();
  const [caldavOpen, setCaldavOpen] = useState(false);
  const [caldav, setCaldav] = useState({ serverUrl: '', username: '', password: '' });

  const apply = useCallback((r: Result<{ connections: Connection[]; providers?: { google: boolean; microsoft: boolean } }>) => {
    if (r.ok) {
      setConnections(r.data.connections);
      if (r.data.providers) setProviders(r.data.providers);
      setProblem(undefined);
      return true;
    }
    setProblem(r.connect ? { title: r.connect.title, cause: r.connect.cause, whatToDo: r.connect.whatToDo } : { title: r.error });
    return false;
  }, []);

  useEffect(() => void send('connections.list', {}).then(apply), [apply]);

  async function run(label: string, action: () => ReturnType<typeof send<'connections.list'>>) {
    setBusy(label);
    const ok = apply(await action());
    setBusy(undefined);
    return ok;
  }

  async function connectCaldav(e: FormEvent) {
    e.preventDefault();
    if (await run('caldav', () => send('connections.connectCaldav', caldav))) {
      setCaldavOpen(false);
      setCaldav({ serverUrl: '', username: '', password: '' });
    }
  }

  return (
    <section aria-labelledby="calendars">
      <h2 id="calendars">Calendars</h2>
      <p className="muted">Candidates only see times that are free in every calendar ticked “Check for conflicts”. New interviews are added to the one marked “Add interviews here”.</p>
      {problem && (
        <div className="error" role="alert">
          <strong>{problem.title}</strong>
          {problem.cause && <p>{problem.cause}</p>}
          {problem.whatToDo && <p><strong>What to do:</strong> {problem.whatToDo}</p>}
        </div>
      )}
      {connections?.map((c) => (
        <div key={c.id} className="connection" aria-label={`${NAMES[c.provider]} ${c.accountEmail}`}>
          <div className="row">
            <div><strong>{NAMES[c.provider]}</strong> · {c.accountEmail}<div><HealthLine connection={c} /></div></div>
            <div className="row">
              {c.provider !== 'caldav' && (
                <button disabled={!!busy} onClick={() => void run(c.id, () => send('connections.connectOAuth', { provider: c.provider as 'google' | 'microsoft' }))}>Reconnect</button>
              )}
              <button disabled={!!busy} onClick={() => void run(c.id, () => send('connections.refresh', { connectionId: c.id }))}>Refresh</button>
              <button disabled={!!busy} onClick={() => void run(c.id, () => send('connections.remove', { connectionId: c.id }))}>Disconnect</button>
            </div>
          </div>
          <ul className="list">
            {c.calendars.map((k) => (
              <li key={k.id}>
                <span>{k.name}{k.primary && <span className="muted"> · primary</span>}{k.readOnly && <span className="muted"> · read-only</span>}</span>
                <span className="row">
                  <label className="check"><input type="checkbox" checked={k.useForConflicts} disabled={!!busy}
                    onChange={(e) => void run(k.id, () => send('connections.updateCalendar', { calendarId: k.id, useForConflicts: e.target.checked }))} /> Check for conflicts</label>
                  <label className="check"><input type="radio" name="target" checked={k.isTarget} disabled={k.readOnly || !!busy}
                    onChange={() => void run(k.id, () => send('connections.updateCalendar', { calendarId: k.id, isTarget: true }))} /> Add interviews here</label>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {connections && connections.length === 0 && <p className="muted">No calendar connected: Parley uses its own calendar below.</p>}
      <div className="row">
        <button disabled={!!busy || !providers.google} {...(providers.google ? {} : { title: UNAVAILABLE.google, 'aria-describedby': 'google-unavailable' })}
          onClick={() => void run('google', () => send('connections.connectOAuth', { provider: 'google' }))}>
          {busy === 'google' ? 'Connecting…' : 'Connect Google Calendar'}
        </button>
        <button disabled={!!busy || !providers.microsoft} {...(providers.microsoft ? {} : { title: UNAVAILABLE.microsoft, 'aria-describedby': 'microsoft-unavailable' })}
          onClick={() => void run('microsoft', () => send('connections.connectOAuth', { provider: 'microsoft' }))}>
          {busy === 'microsoft' ? 'Connecting…' : 'Connect Microsoft 365'}
        </button>
        <button disabled={!!busy} aria-expanded={caldavOpen} onClick={() => setCaldavOpen(!caldavOpen)}>Connect CalDAV</button>
      </div>
      {!providers.google && <p className="muted" id="google-unavailable">{UNAVAILABLE.google}</p>}
      {!providers.microsoft && <p className="muted" id="microsoft-unavailable">{UNAVAILABLE.microsoft}</p>}
      {caldavOpen && (
        <form className="stack" onSubmit={(e) => void connectCaldav(e)} aria-label="Connect a CalDAV calendar">
          <p className="muted">iCloud, Fastmail, Nextcloud, Radicale… Use an app-specific password.</p>
          <label>Server address<input value={caldav.serverUrl} placeholder="https://caldav.fastmail.com" inputMode="url" onChange={(e) => setCaldav({ ...caldav, serverUrl: e.target.value })} /></label>
          <label>User name<input value={caldav.username} autoComplete="username" onChange={(e) => setCaldav({ ...caldav, username: e.target.value })} /></label>
          <label>App password<input type="password" value={caldav.password} autoComplete="current-password" onChange={(e) => setCaldav({ ...caldav, password: e.target.value })} /></label>
          <button className="primary" type="submit" disabled={!!busy}>{busy === 'caldav' ? 'Connecting…' : 'Connect'}</button>
        </form>
      )}
    </section>
  );
}
