import { useEffect, useId, useRef, useState } from 'react';
import type { send as sendMessage } from '../lib/messaging';
import type { Recipient } from '../lib/sites';
import { VIDEO_PROVIDERS, VIDEO_PROVIDER_NAMES, type VideoProviderId } from '../lib/schemas';

const LENGTHS = [15, 20, 30, 45, 60, 90];
const EXPIRIES = [1, 3, 7, 14, 30];

type Status =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'inserted'; reused: boolean }
  | { kind: 'copied'; text: string }
  | { kind: 'manual'; text: string }
  | { kind: 'error'; message: string; signIn?: boolean };

export interface ShareAvailabilityProps {
  getRecipient(): Recipient | undefined;
  insert(text: string): boolean;
  send: typeof sendMessage;
  format(url: string): string;
}

/** The composer's calendar button and its popover: meeting length, link expiry, Insert. */
export function ShareAvailability({ getRecipient, insert, send, format }: ShareAvailabilityProps) {
  const [open, setOpen] = useState(false);
  const [length, setLength] = useState(30);
  const [expiry, setExpiry] = useState(14);
  const [useVideo, setUseVideo] = useState(true);
  const [provider, setProvider] = useState<VideoProviderId>('jitsi');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const popoverId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const manualRef = useRef<HTMLInputElement>(null);

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
    return () => {
      live = false;
    };
  }, [open, send]);

  useEffect(() => {
    if (status.kind === 'manual') manualRef.current?.select();
  }, [status]);

  async function onInsert() {
    const recipient = getRecipient();
    if (!recipient) {
      setStatus({ kind: 'error', message: "Parley couldn't tell who this conversation is with. Open the conversation with one person and try again." });
      return;
    }
    setStatus({ kind: 'working' });
    const r = await send('invitation.forRecipient', { recipient, durationMinutes: length, expiresInDays: expiry, video: useVideo ? provider : null });
    if (!r.ok) {
      setStatus({ kind: 'error', message: r.error, signIn: r.code === 'signed-out' });
      return;
    }
    const text = format(r.data.invitation.url);
    if (insert(text)) {
      setStatus({ kind: 'inserted', reused: r.data.invitation.reused === true });
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

  const lengthLabel = (m: number) => (m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : `${m / 60} hours`);
  const busy = status.kind === 'working';

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
        <span className="parley-note" role="status">{status.reused ? 'Their existing link was inserted' : 'Link inserted'}</span>
      )}
      {open && (
        <div className="parley-popover" id={popoverId} role="dialog" aria-label="Share availability" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <label>
            Meeting length
            <select value={length} onChange={(e) => setLength(Number(e.target.value))} disabled={busy}>
              {[...new Set([...LENGTHS, length])].sort((a, b) => a - b).map((m) => <option key={m} value={m}>{lengthLabel(m)}</option>)}
            </select>
          </label>
          <label>
            Link expires after
            <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))} disabled={busy}>
              {[...new Set([...EXPIRIES, expiry])].sort((a, b) => a - b).map((d) => <option key={d} value={d}>{d === 1 ? '1 day' : d === 7 ? '1 week' : d === 14 ? '2 weeks' : `${d} days`}</option>)}
            </select>
          </label>
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
            <p className="parley-hint" role="status">This message box did not accept typed text, so the link was copied. Paste it with Ctrl+V (⌘V on a Mac).</p>
          )}
          {status.kind === 'manual' && (
            <div className="parley-hint" role="status">
              This message box did not accept typed text. Copy the link below with Ctrl+C (⌘C) and paste it:
              <input ref={manualRef} readOnly value={status.text} aria-label="Your availability link" />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
