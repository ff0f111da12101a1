import { useEffect, useId, useRef, useState } from 'react';
import type { send as sendMessage } from '../lib/messaging';
import { emailKey } from '../lib/sites/people';
import type { Recipient } from '../lib/sites/types';

export type AnywhereAction = 'share' | 'video';

const LENGTHS = [15, 20, 30, 45, 60, 90];

/**
 * Who a link typed into an unknown site's text box is for: a recent recipient's own key, an
 * e-mail address ("email:…"), or a name on this site ("web:<host>:<name>").
 */
export function recipientFrom(text: string, recent: Recipient[], host: string): Recipient | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const known = recent.find((r) => r.name === value || r.key === value);
  if (known) return known;
  const email = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.exec(value)?.[0];
  if (email) return { key: emailKey(email) };
  const slug = value.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  if (!slug) return undefined;
  return { key: `web:${host.toLowerCase() || 'page'}:${slug}`, name: value.slice(0, 200) };
}

type State =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'copied'; text: string }
  | { kind: 'manual'; text: string }
  | { kind: 'no-interview'; recipient: Recipient }
  | { kind: 'error'; message: string; signIn?: boolean };

export interface AnywhereDialogProps {
  action: AnywhereAction;
  host: string;
  send: typeof sendMessage;
  /** Types the text where the recruiter right-clicked; false when the site refused it. */
  insert(text: string): boolean;
  close(): void;
}

/** The context menu's small dialog: for whom, then Insert (typed), with a copy fallback the recruiter can see. */
export function AnywhereDialog({ action, host, send, insert, close }: AnywhereDialogProps) {
  const [who, setWho] = useState('');
  const [recent, setRecent] = useState<Recipient[]>([]);
  const [length, setLength] = useState(30);
  const [when, setWhen] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const manual = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    void send('recipients.recent', {}).then((r) => r.ok && setRecent(r.data.recipients));
    void send('settings.get', {}).then((r) => r.ok && setLength(r.data.settings.durationMinutes));
  }, [send]);
  useEffect(() => {
    if (state.kind === 'manual') manual.current?.select();
  }, [state]);

  async function deliver(text: string) {
    if (insert(text)) return close();
    try {
      await navigator.clipboard.writeText(text);
      setState({ kind: 'copied', text });
    } catch {
      setState({ kind: 'manual', text });
    }
  }

  async function onInsert() {
    const recipient = recipientFrom(who, recent, host);
    if (!recipient) return setState({ kind: 'error', message: 'Enter the name or e-mail address of the person you are writing to.' });
    setState({ kind: 'working' });
    if (action === 'share') {
      const r = await send('invitation.forRecipient', { recipient, durationMinutes: length, expiresInDays: 14 });
      if (!r.ok) return setState({ kind: 'error', message: r.error, signIn: r.code === 'signed-out' });
      return deliver(`View my availability: ${r.data.invitation.url}`);
    }
    if (state.kind === 'no-interview' && when) {
      const start = new Date(when);
      if (Number.isNaN(start.getTime())) return setState({ kind: 'error', message: 'Choose a date and time for the interview.' });
      const made = await send('video.create', { recipient, start: start.toISOString(), durationMinutes: length, video: 'jitsi' });
      if (!made.ok) return setState({ kind: 'error', message: made.error, signIn: made.code === 'signed-out' });
      return deliver(`Join the video interview: ${made.data.interview.video?.candidateJoinUrl ?? ''}`);
    }
    const next = await send('video.nextForRecipient', { recipient });
    if (!next.ok) return setState({ kind: 'error', message: next.error, signIn: next.code === 'signed-out' });
    const video = next.data.interview?.video;
    if (!video) return setState({ kind: 'no-interview', recipient });
    return deliver(`Join the video interview: ${video.candidateJoinUrl}${video.candidateAccessCode ? ` (access code ${video.candidateAccessCode})` : ''}`);
  }

  const busy = state.kind === 'working';
  const title = action === 'share' ? 'Share availability' : 'Add video link';
  return (
    <div className="parley parley-anywhere" role="dialog" aria-modal="true" aria-label={`Parley: ${title}`} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="parley-popover parley-dialog">
        <strong>Parley · {title}</strong>
        <label>
          Who is this for?
          <input ref={input} list={listId} value={who} onInput={(e) => setWho((e.target as HTMLInputElement).value)} placeholder="Name or e-mail address" autoComplete="off" disabled={busy} />
          <datalist id={listId}>{recent.map((r) => <option key={r.key} value={r.name ?? r.key} />)}</datalist>
        </label>
        {(action === 'share' || state.kind === 'no-interview') && (
          <label>
            Meeting length
            <select value={length} onChange={(e) => setLength(Number((e.target as HTMLSelectElement).value))} disabled={busy}>
              {[...new Set([...LENGTHS, length])].sort((a, b) => a - b).map((m) => <option key={m} value={m}>{m} minutes</option>)}
            </select>
          </label>
        )}
        {state.kind === 'no-interview' && (
          <label>
            No interview is booked with this person yet. Create one at
            <input type="datetime-local" value={when} onInput={(e) => setWhen((e.target as HTMLInputElement).value)} />
          </label>
        )}
        <div className="parley-actions">
          <button type="button" className="parley-secondary" onClick={close}>Close</button>
          <button type="button" className="parley-primary" onClick={() => void onInsert()} disabled={busy || (state.kind === 'no-interview' && !when)}>
            {busy ? 'Working…' : 'Insert'}
          </button>
        </div>
        {state.kind === 'error' && (
          <p className="parley-error" role="alert">
            {state.message}{' '}
            {state.signIn && <button type="button" className="parley-link" onClick={() => void send('options.open', {})}>Open Parley</button>}
          </p>
        )}
        {state.kind === 'copied' && <p className="parley-hint" role="status">This site did not accept typed text, so the link was copied. Paste it with Ctrl+V (⌘V on a Mac).</p>}
        {state.kind === 'manual' && (
          <div className="parley-hint" role="status">
            This site did not accept typed text. Copy the link with Ctrl+C (⌘C) and paste it:
            <input ref={manual} readOnly value={state.text} aria-label="Your link" />
          </div>
        )}
      </div>
    </div>
  );
}
