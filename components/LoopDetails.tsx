import { useState, type ReactNode } from 'react';
import { DateTime } from 'luxon';
import { send } from '../lib/messaging';
import type { Interview } from '../lib/schemas';

type Loop = NonNullable<Interview['loop']>;

/**
 * A booked panel in the popup: each session's time in the recruiter's zone, who interviews, and the
 * two things a recruiter does when plans change: send everyone their link again, replace someone.
 */
export function LoopDetails({ interview, loop, zone, actions, onChange }: {
  interview: Interview;
  loop: Loop;
  zone: string;
  actions: ReactNode;
  onChange(interview: Interview): void;
}) {
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState<string>();
  const at = (iso: string) => DateTime.fromISO(iso).setZone(zone);
  const start = at(interview.start);

  async function resend() {
    setBusy('resend');
    const r = await send('interviews.resend', { interviewId: interview.id });
    setBusy(undefined);
    setNote(r.ok ? { ok: true, text: r.data.sent === 1 ? 'Their link was sent again to 1 interviewer.' : `Their links were sent again to ${r.data.sent} interviewers.` } : { ok: false, text: r.error });
  }

  async function replace(participantId: string, name: string) {
    setBusy(participantId);
    const r = await send('interviews.replace', { interviewId: interview.id, participantId });
    setBusy(undefined);
    if (!r.ok) {
      setNote({ ok: false, text: r.error });
      return;
    }
    setNote({ ok: true, text: `${r.data.by.name} replaces ${name}, at the same time.` });
    onChange(r.data.interview);
  }

  return (
    <li className="loop">
      <div className="row">
        <div>
          <strong>{interview.candidateName}</strong> <span className="muted">· {loop.name}</span>
          {interview.video?.status === 'failed' && <div className="error">{interview.video.error}</div>}
          {interview.video?.accessCode && <div className="muted">Your code: {interview.video.accessCode}</div>}
          <div className="muted"><time dateTime={interview.start}>{start.toFormat('ccc, LLL d')}</time></div>
        </div>
        {actions}
      </div>
      <ol aria-label={`Sessions with ${interview.candidateName}`}>
        {loop.sessions.map((s) => (
          <li key={`${s.start}-${s.name}`}>
            <div>
              <time dateTime={s.start}>{at(s.start).toFormat('h:mm a')}–{at(s.end).toFormat('h:mm a ZZZZ')}</time> · <strong>{s.name}</strong>
            </div>
            <ul className="people" aria-label={`Interviewers for ${s.name}`}>
              {s.interviewers.map((p) => (
                <li key={p.participantId} className="row">
                  <span title={p.email}>
                    {p.name}
                    {p.pooled && <> <span className="pill pill-muted" title="Picked from the session's pool">pool</span></>}
                  </span>
                  <button disabled={busy === p.participantId} aria-label={`Replace ${p.name} in ${s.name}`} onClick={() => void replace(p.participantId, p.name)}>
                    {busy === p.participantId ? 'Replacing…' : 'Replace'}
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      <button disabled={busy === 'resend'} onClick={() => void resend()}>{busy === 'resend' ? 'Sending…' : 'Resend interviewer links'}</button>
      {note && <p className={note.ok ? 'ok' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
    </li>
  );
}
