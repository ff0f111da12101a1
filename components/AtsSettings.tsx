import { useEffect, useState, type FormEvent } from 'react';
import { send } from '../lib/messaging';
import { ATS_NAMES, type AtsId, type AtsPolicy } from '../lib/schemas';

/** Options page: connect Lever or Greenhouse (keys stay on the backend), the workspace's export policy, unlink. */
export function AtsSettings() {
  const [status, setStatus] = useState<{ connected: boolean; ats: AtsId | null; policy: AtsPolicy; lastError: string | null }>();
  const [ats, setAts] = useState<AtsId>('lever');
  const [apiKey, setApiKey] = useState('');
  const [user, setUser] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  const load = () => void send('ats.status', {}).then((r) => (r.ok ? setStatus(r.data) : setMessage({ ok: false, text: r.error })));
  useEffect(load, []);

  async function connect(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const policy = status?.policy ?? { exportOnlyAfterReply: false, pushMessages: false };
    const r = await send('ats.connect', ats === 'lever' ? { ats, apiKey, performAs: user, ...policy } : { ats, apiKey, onBehalfOf: user, ...policy });
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: `${ATS_NAMES[ats]} connected.` } : { ok: false, text: r.error });
    if (r.ok) {
      setApiKey('');
      load();
    }
  }

  async function setPolicy(patch: Partial<AtsPolicy>) {
    if (!status) return;
    const policy = { ...status.policy, ...patch };
    const r = await send('ats.policy', policy);
    if (r.ok) setStatus({ ...status, policy });
    else setMessage({ ok: false, text: r.error });
  }

  return (
    <section aria-labelledby="ats">
      <h2 id="ats">ATS</h2>
      {status?.connected ? (
        <>
          <p>Connected to <strong>{ATS_NAMES[status.ats!]}</strong>. {status.lastError && <span className="error">Last error: {status.lastError}</span>}</p>
          <label className="check"><input type="checkbox" checked={status.policy.exportOnlyAfterReply} onChange={(e) => void setPolicy({ exportOnlyAfterReply: e.target.checked })} /> Export candidates only after they replied</label>
          <label className="check"><input type="checkbox" checked={status.policy.pushMessages} onChange={(e) => void setPolicy({ pushMessages: e.target.checked })} /> Push the message thread to the ATS ({status.ats === 'lever' ? 'as notes' : 'as emails in the activity feed'})</label>
          <p className="muted">Unlinking keeps candidates already exported in {ATS_NAMES[status.ats!]}; new notes and messages are no longer pushed.</p>
          <button onClick={() => void send('ats.disconnect', {}).then(load)}>Unlink {ATS_NAMES[status.ats!]}</button>
        </>
      ) : (
        <form className="stack" onSubmit={(e) => void connect(e)} aria-label="Connect an ATS">
          <label>ATS
            <select value={ats} onChange={(e) => setAts(e.target.value as AtsId)}>
              <option value="lever">Lever</option>
              <option value="greenhouse">Greenhouse</option>
            </select>
          </label>
          <label>{ats === 'lever' ? 'Lever API key' : 'Greenhouse Harvest API key'}<input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" /></label>
          <label>{ats === 'lever' ? 'Lever user id to act as (perform_as)' : 'Greenhouse user id (On-Behalf-Of)'}<input value={user} onChange={(e) => setUser(e.target.value)} /></label>
          <button className="primary" type="submit" disabled={busy}>{busy ? 'Checking…' : `Connect ${ATS_NAMES[ats]}`}</button>
        </form>
      )}
      {message && <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </section>
  );
}
