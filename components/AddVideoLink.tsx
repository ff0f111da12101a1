import { useEffect, useId, useRef, useState } from 'react';
import type { send as sendMessage } from '../lib/messaging';
import type { Recipient } from '../lib/sites';
import { VIDEO_PROVIDERS, VIDEO_PROVIDER_NAMES, type VideoProviderId } from '../lib/names';
import type { Interview } from '../lib/schemas';
import { RecipientChoice, useRecipientChoice } from './RecipientChoice';

// Intl rather than luxon: the content script stays small.
// Made on first use, not when the content script loads: the first Intl formatter of a page costs
// milliseconds (ICU data), and the script's evaluation is one task on the page's main thread.
let when: Intl.DateTimeFormat | undefined;
let whenWithZone: Intl.DateTimeFormat | undefined;
const WHEN = { format: (d: Date) => (when ??= new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })).format(d) };
const WHEN_WITH_ZONE = {
  format: (d: Date) =>
    (whenWithZone ??= new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' })).format(d),
};
/** The next full hour as a datetime-local value, in the browser's zone. */
function nextFullHour(): string {
  const d = new Date(Date.now() + 3_600_000);
  d.setMinutes(0, 0, 0);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

export interface AddVideoLinkProps {
  getRecipient(): Recipient | undefined;
  /** Everyone the message goes to, when there are several: the popover then asks who the link is for. */
  getRecipientChoices?(): Recipient[];
  insert(text: string): boolean;
  send: typeof sendMessage;
}

/** "Join our video interview: <the candidate's own join link> · access code 123456" */
export function joinText(i: Interview): string {
  const v = i.video!;
  const when = WHEN_WITH_ZONE.format(new Date(i.start));
  return `Join our video interview (${when}): ${v.candidateJoinUrl}${v.candidateAccessCode ? ` · access code ${v.candidateAccessCode}` : ''}`;
}

type State =
  | { kind: 'loading' }
  | { kind: 'error'; message: string; signIn?: boolean }
  | { kind: 'found'; interview: Interview }
  | { kind: 'none' }
  | { kind: 'working' }
  | { kind: 'manual'; text: string };

/**
 * The composer's "Add video link" control: inserts the candidate's join link for the next interview
 * already booked with this person (adding video to it if it has none), or creates a meeting at a
 * time the recruiter picks and inserts its link.
 */
export function AddVideoLink({ getRecipient, getRecipientChoices, insert, send }: AddVideoLinkProps) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [provider, setProvider] = useState<VideoProviderId>('jitsi');
  const [length, setLength] = useState(30);
  const [when, setWhen] = useState(nextFullHour);
  const [done, setDone] = useState<string>();
  const who = useRecipientChoice(getRecipient, getRecipientChoices);
  const popoverId = useId();
  const manualRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setState({ kind: 'loading' });
    const recipient = who.recipient();
    if (!recipient) {
      setState({ kind: 'error', message: "Parley couldn't tell who this conversation is with. Open the conversation with one person and try again." });
      return;
    }
    void Promise.all([send('settings.get', {}), send('video.nextForRecipient', { recipient })]).then(([settings, next]) => {
      if (!live) return;
      if (settings.ok) {
        setProvider(settings.data.settings.video.provider);
        setLength(settings.data.settings.durationMinutes);
      }
      if (!next.ok) return setState({ kind: 'error', message: next.error, signIn: next.code === 'signed-out' });
      setState(next.data.interview ? { kind: 'found', interview: next.data.interview } : { kind: 'none' });
    });
    return () => {
      live = false;
    };
  }, [open, who.choices, who.forKey, getRecipient, send]);

  useEffect(() => {
    if (state.kind === 'manual') manualRef.current?.select();
  }, [state]);

  function put(interview: Interview) {
    if (!interview.video) return setState({ kind: 'error', message: 'This interview has no video link yet.' });
    const text = joinText(interview);
    if (insert(text)) {
      setOpen(false);
      setDone('Video link inserted');
    } else {
      setState({ kind: 'manual', text });
    }
  }

  async function useExisting(interview: Interview) {
    if (interview.video) return put(interview);
    setState({ kind: 'working' });
    const r = await send('video.addToInterview', { interviewId: interview.id, video: provider });
    if (!r.ok) return setState({ kind: 'error', message: r.error, signIn: r.code === 'signed-out' });
    put(r.data.interview);
  }

  async function createMeeting() {
    const recipient = who.recipient();
    // A datetime-local value ("2026-03-03T14:00") without an offset is the browser's local time.
    const start = new Date(when);
    if (!recipient) return setState({ kind: 'error', message: "Parley couldn't tell who this conversation is with." });
    if (Number.isNaN(start.getTime())) return setState({ kind: 'error', message: 'Choose a date and time for the interview.' });
    setState({ kind: 'working' });
    const r = await send('video.create', { recipient, start: start.toISOString(), durationMinutes: length, video: provider });
    if (!r.ok) return setState({ kind: 'error', message: r.error, signIn: r.code === 'signed-out' });
    put(r.data.interview);
  }

  const providerPicker = (
    <label>
      Video provider
      <select value={provider} onChange={(e) => setProvider(e.target.value as VideoProviderId)}>
        {VIDEO_PROVIDERS.map((p) => <option key={p} value={p}>{VIDEO_PROVIDER_NAMES[p]}</option>)}
      </select>
    </label>
  );

  return (
    <div className="parley">
      <button type="button" className="parley-trigger" aria-label="Add video link" aria-expanded={open} aria-controls={popoverId} title="Add video link"
        onClick={() => {
          if (!open) who.reload();
          setOpen(!open);
          setDone(undefined);
        }}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16"><path fill="currentColor" d="M4 6h11a2 2 0 0 1 2 2v1.5l4-2.5v10l-4-2.5V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2Z" /></svg>
        <span>Video</span>
      </button>
      {done && !open && <span className="parley-note" role="status">{done}</span>}
      {open && (
        <div className="parley-popover" id={popoverId} role="dialog" aria-label="Add video link" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <RecipientChoice choices={who.choices} value={who.forKey} onChange={who.setForKey} disabled={state.kind === 'working'} />
          {state.kind === 'loading' && <p aria-busy="true">Looking for an interview with this person…</p>}
          {state.kind === 'working' && <p aria-busy="true">Creating the meeting…</p>}
          {state.kind === 'found' && (
            <>
              <p>Next interview: <strong>{WHEN.format(new Date(state.interview.start))}</strong></p>
              {!state.interview.video && providerPicker}
              <div className="parley-actions">
                <button type="button" className="parley-secondary" onClick={() => setOpen(false)}>Close</button>
                <button type="button" className="parley-primary" onClick={() => void useExisting(state.interview)}>Insert link</button>
              </div>
            </>
          )}
          {state.kind === 'none' && (
            <>
              <p>No interview is booked with this person yet. Create a meeting:</p>
              <label>Date and time<input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} /></label>
              <label>Length
                <select value={length} onChange={(e) => setLength(Number(e.target.value))}>
                  {[...new Set([15, 30, 45, 60, 90, length])].sort((a, b) => a - b).map((m) => <option key={m} value={m}>{m} minutes</option>)}
                </select>
              </label>
              {providerPicker}
              <div className="parley-actions">
                <button type="button" className="parley-secondary" onClick={() => setOpen(false)}>Close</button>
                <button type="button" className="parley-primary" onClick={() => void createMeeting()}>Create and insert</button>
              </div>
            </>
          )}
          {state.kind === 'error' && (
            <p className="parley-error" role="alert">
              {state.message}{' '}
              {state.signIn && <button type="button" className="parley-link" onClick={() => void send('options.open', {})}>Open Parley</button>}
            </p>
          )}
          {state.kind === 'manual' && (
            <div className="parley-hint" role="status">
              This message box did not accept typed text. Copy the link below with Ctrl+C (⌘C) and paste it:
              <input ref={manualRef} readOnly value={state.text} aria-label="Your video link" />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
