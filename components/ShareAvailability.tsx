import { useEffect, useId, useRef, useState } from 'react';
import type { send as sendMessage } from '../lib/messaging';
import type { Template } from '../lib/panels';
import type { Recipient } from '../lib/sites';
import { VIDEO_PROVIDERS, VIDEO_PROVIDER_NAMES, type VideoProviderId } from '../lib/names';
import { RecipientChoice, useRecipientChoice } from './RecipientChoice';

const LENGTHS = [15, 20, 30, 45, 60, 90];
const EXPIRIES = [1, 3, 7, 14, 30];

/** "1 h 45 min": kept here so the content script does not bundle the panel schemas for one helper. */
const minutesLabel = (m: number) => [Math.floor(m / 60) ? `${Math.floor(m / 60)} h` : '', m % 60 ? `${m % 60} min` : ''].filter(Boolean).join(' ');
const interviewerIds = (t: Template) => new Set(t.sessions.flatMap((s) => [...s.interviewers, ...s.pool]));
type Pending = Template['pending'];

type Status =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'inserted'; reused: boolean; message: boolean }
  | { kind: 'copied'; text: string }
  | { kind: 'manual'; text: string }
  | { kind: 'error'; message: string; signIn?: boolean };

export interface ShareAvailabilityProps {
  getRecipient(): Recipient | undefined;
  /** Everyone the message goes to, when there are several: the popover then asks who the link is for. */
  getRecipientChoices?(): Recipient[];
  insert(text: string): boolean;
  send: typeof sendMessage;
  format(url: string): string;
}

/**
 * The composer's calendar button and its popover: meeting length, link expiry, Insert. With interview
 * templates, a panel can be chosen instead: Insert then types the template's message with the link.
 */
export function ShareAvailability({ getRecipient, getRecipientChoices, insert, send, format }: ShareAvailabilityProps) {
  const [open, setOpen] = useState(false);
  const [length, setLength] = useState(30);
  const [expiry, setExpiry] = useState(14);
  const [useVideo, setUseVideo] = useState(true);
  const [provider, setProvider] = useState<VideoProviderId>('jitsi');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [templates, setTemplates] = useState<Template[]>([]);
  const [people, setPeople] = useState<Record<string, string>>({});
  const [templateId, setTemplateId] = useState('');
  const [sharePending, setSharePending] = useState(false);
  /** The backend's "share anyway?" after an Insert, naming who is still pending. */
  const [confirm, setConfirm] = useState<{ message: string; pending: Pending }>();
  const who = useRecipientChoice(getRecipient, getRecipientChoices);
  const popoverId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const manualRef = useRef<HTMLInputElement>(null);
  const manualAreaRef = useRef<HTMLTextAreaElement>(null);
  const template = templates.find((t) => t.id === templateId);

  useEffect(() => {
    if (!open) return;
    let live = true;
    void send('settings.get', {}).then((r) => {
      if (!live) return;
      if (r.ok) {
        setLength(r.data.settings.durationMinutes);
        setExpiry(r.data.settings.linkExpiryDays);
        setUseVideo(r.data.settings.video.useByDefault);
        setProvider(r.data.settings.video.provider);
      } else if (r.code === 'signed-out') {
        setStatus({ kind: 'error', message: r.error, signIn: true });
      }
    });
    // Without templates (or when they cannot be read) the popover stays the one-to-one one.
    setConfirm(undefined);
    void send('panels.templates', {}).then((r) => {
      if (!live || !r.ok) return;
      setTemplates(r.data.templates);
      setPeople(r.data.people);
      setTemplateId((id) => (r.data.templates.some((t) => t.id === id) ? id : ''));
    });
    return () => {
      live = false;
    };
  }, [open, send]);

  useEffect(() => {
    if (status.kind === 'manual') (manualAreaRef.current ?? manualRef.current)?.select();
  }, [status]);

  async function onInsert() {
    const recipient = who.recipient();
    if (!recipient) {
      setStatus({ kind: 'error', message: "Parley couldn't tell who this conversation is with. Open the conversation with one person and try again." });
      return;
    }
    setStatus({ kind: 'working' });
    if (template) {
      const r = await send('panels.share', { recipient, templateId: template.id, sharePending, expiresInDays: expiry });
      if (!r.ok) {
        setStatus({ kind: 'error', message: r.error, signIn: r.code === 'signed-out' });
      } else if (r.data.needsConfirmation) {
        setConfirm({ message: r.data.message, pending: r.data.pending });
        setStatus({ kind: 'idle' });
      } else {
        await deliver(r.data.message, r.data.invitation.reused === true, true);
      }
      return;
    }
    const r = await send('invitation.forRecipient', { recipient, durationMinutes: length, expiresInDays: expiry, video: useVideo ? provider : null });
    if (!r.ok) {
      setStatus({ kind: 'error', message: r.error, signIn: r.code === 'signed-out' });
      return;
    }
    await deliver(format(r.data.invitation.url), r.data.invitation.reused === true, false);
  }

  /** Types the text at the caret; when the editor refuses, copies it, or shows it to copy by hand. */
  async function deliver(text: string, reused: boolean, message: boolean) {
    if (insert(text)) {
      setStatus({ kind: 'inserted', reused, message });
      setOpen(false);
      buttonRef.current?.focus();
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      setStatus({ kind: 'copied', text });
    } catch {
      setStatus({ kind: 'manual', text });
    }
  }

  function chooseTemplate(id: string) {
    setTemplateId(id);
    setSharePending(false);
    setConfirm(undefined);
    if (status.kind !== 'working') setStatus({ kind: 'idle' });
  }

  const lengthLabel = (m: number) => (m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : `${m / 60} hours`);
  const busy = status.kind === 'working';
  const pending = confirm?.pending ?? template?.pending ?? [];
  const nameOf = (id: string) => people[id] ?? 'Removed interviewer';
  const what = template ? 'message' : 'link';

  return (
    <div className="parley">
      <button
        ref={buttonRef}
        type="button"
        className="parley-trigger"
        aria-label="Share availability"
        aria-expanded={open}
        aria-controls={popoverId}
        title="Share availability"
        onClick={() => {
          if (!open) who.reload();
          setOpen(!open);
          if (status.kind !== 'working') setStatus({ kind: 'idle' });
        }}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">
          <path fill="currentColor" d="M7 2v2H5a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7Zm-2 7h14v10H5V9Zm2 2v2h2v-2H7Zm4 0v2h2v-2h-2Zm4 0v2h2v-2h-2Z" />
        </svg>
        <span>Availability</span>
      </button>
      {status.kind === 'inserted' && !open && (
        <span className="parley-note" role="status">
          {status.message ? (status.reused ? 'Message inserted, with their existing link' : 'Message inserted') : status.reused ? 'Their existing link was inserted' : 'Link inserted'}
        </span>
      )}
      {open && (
        <div className="parley-popover" id={popoverId} role="dialog" aria-label="Share availability" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <RecipientChoice choices={who.choices} value={who.forKey} onChange={who.setForKey} disabled={busy} />
          {templates.length > 0 && (
            <label>
              Interview
              <select value={templateId} onChange={(e) => chooseTemplate(e.target.value)} disabled={busy}>
                <option value="">One-to-one ({length} min)</option>
                {templates.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} · {minutesLabel(t.durationMinutes)} · {interviewerIds(t).size} interviewer{interviewerIds(t).size === 1 ? '' : 's'}
                  </option>
                ))}
              </select>
            </label>
          )}
          {template && (
            <ul className="parley-notes" aria-label="Interviewers">
              {template.sessions.map((s, i) => (
                <li key={i}>
                  {template.shape === 'sequence' && <strong>{s.name} ({minutesLabel(s.durationMinutes)}): </strong>}
                  {s.interviewers.map(nameOf).join(', ')}
                  {s.pool.length > 0 && `${s.interviewers.length ? '; ' : ''}any one of ${s.pool.map(nameOf).join(', ')}`}
                </li>
              ))}
            </ul>
          )}
          {template && pending.length > 0 && (
            <div className="parley-warning" role={confirm ? 'alert' : 'status'}>
              {confirm ? confirm.message : `Not shared their availability yet: ${pending.map((p) => p.name).join(', ')}.`}
              <label className="parley-check">
                <input type="checkbox" checked={sharePending} onChange={(e) => setSharePending(e.target.checked)} disabled={busy} />
                Share anyway: they will not limit the times
              </label>
            </div>
          )}
          {!template && (
            <label>
              Meeting length
              <select value={length} onChange={(e) => setLength(Number(e.target.value))} disabled={busy}>
                {[...new Set([...LENGTHS, length])].sort((a, b) => a - b).map((m) => <option key={m} value={m}>{lengthLabel(m)}</option>)}
              </select>
            </label>
          )}
          <label>
            Link expires after
            <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))} disabled={busy}>
              {[...new Set([...EXPIRIES, expiry])].sort((a, b) => a - b).map((d) => <option key={d} value={d}>{d === 1 ? '1 day' : d === 7 ? '1 week' : d === 14 ? '2 weeks' : `${d} days`}</option>)}
            </select>
          </label>
          {/* A template brings its own length and video choice. */}
          {!template && (
            <>
              <label className="parley-check">
                <input type="checkbox" checked={useVideo} onChange={(e) => setUseVideo(e.target.checked)} disabled={busy} />
                Use video conferencing
              </label>
              {useVideo && (
                <label>
                  Video provider
                  <select value={provider} onChange={(e) => setProvider(e.target.value as VideoProviderId)} disabled={busy}>
                    {VIDEO_PROVIDERS.map((p) => <option key={p} value={p}>{VIDEO_PROVIDER_NAMES[p]}</option>)}
                  </select>
                </label>
              )}
            </>
          )}
          <button type="button" className="parley-link" onClick={() => void send('options.open', {})}>
            {templates.length ? 'Edit interview templates' : 'Set up a panel interview template'}
          </button>
          <div className="parley-actions">
            <button type="button" className="parley-secondary" onClick={() => setOpen(false)}>Close</button>
            <button type="button" className="parley-primary" onClick={() => void onInsert()} disabled={busy}>
              {busy ? 'Inserting…' : 'Insert'}
            </button>
          </div>
          {status.kind === 'error' && (
            <p className="parley-error" role="alert">
              {status.message}{' '}
              {status.signIn && <button type="button" className="parley-link" onClick={() => void send('options.open', {})}>Open Parley</button>}
            </p>
          )}
          {status.kind === 'copied' && (
            <p className="parley-hint" role="status">This message box did not accept typed text, so the {what} was copied. Paste it with Ctrl+V (⌘V on a Mac).</p>
          )}
          {status.kind === 'manual' && (
            <div className="parley-hint" role="status">
              This message box did not accept typed text. Copy the {what} below with Ctrl+C (⌘C) and paste it:
              {status.text.includes('\n')
                ? <textarea ref={manualAreaRef} readOnly rows={5} value={status.text} aria-label="Your message" />
                : <input ref={manualRef} readOnly value={status.text} aria-label={template ? 'Your message' : 'Your availability link'} />}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
