import { useId, useRef, useState, type FormEvent } from 'react';
import { send } from '../lib/messaging';
import {
  DEFAULT_MESSAGE, firstName, formatDuration, loopMinutes, PLACEHOLDERS, renderMessage, TemplateInputSchema,
  type Interviewer, type Template, type TemplateInput, type TemplateSession,
} from '../lib/panels';
import { VIDEO_PROVIDERS, VIDEO_PROVIDER_NAMES, type VideoProviderId } from '../lib/schemas';

const MAX_SESSIONS = 6;
const newSession = (n: number): TemplateSession => ({ name: `Session ${n}`, durationMinutes: 45, interviewers: [], pool: [] });

interface Draft {
  name: string;
  shape: 'together' | 'sequence';
  order: 'fixed' | 'free';
  gapMinutes: number;
  video: VideoProviderId | null;
  message: string;
  /** With "together" only the first counts; the others are kept for switching back. */
  sessions: TemplateSession[];
}

const draftOf = (t: Template | undefined, video: VideoProviderId): Draft =>
  t
    ? { name: t.name, shape: t.shape, order: t.order, gapMinutes: t.gapMinutes, video: t.video, message: t.message, sessions: t.sessions }
    : { name: '', shape: 'together', order: 'fixed', gapMinutes: 0, video, message: DEFAULT_MESSAGE, sessions: [newSession(1)] };

/** What is sent: a "together" interview is one session named after the template. */
function inputOf(d: Draft): TemplateInput {
  if (d.shape === 'together') {
    return { ...d, order: 'fixed', gapMinutes: 0, sessions: [{ ...d.sessions[0]!, name: d.name.trim() || 'Interview' }] };
  }
  return d;
}

/** Error keys that have a place beside a field in this form. */
const SHOWN = /^(name|shape|gapMinutes|video|message|sessions(\.\d+\.(name|durationMinutes|interviewers|pool))?)$/;
const SAMPLE_LINK = 'https://parley.example/b/…';

export interface TemplateEditorProps {
  template: Template | undefined;
  interviewers: Interviewer[];
  names: Map<string, string>;
  defaultVideo: VideoProviderId;
  recruiterName: string;
  onSaved(template: Template): void;
  onCancel(): void;
}

/** Create or edit an interview template; the shared schema checks it here first, the backend again. */
export function TemplateEditor({ template, interviewers, names, defaultVideo, recruiterName, onSaved, onCancel }: TemplateEditorProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(template, defaultVideo));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  const ids = useId();

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setSession = (i: number, patch: Partial<TemplateSession>) =>
    setDraft((d) => ({ ...d, sessions: d.sessions.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const num = (v: string) => (v === '' ? Number.NaN : Number(v));
  const err = (key: string) => errors[key] && <span className="field-error" id={`${ids}-${key}`}>{errors[key]}</span>;
  const invalid = (key: string) => ({ 'aria-invalid': !!errors[key], ...(errors[key] ? { 'aria-describedby': `${ids}-${key}` } : {}) });

  const input = inputOf(draft);
  const shown = draft.shape === 'together' ? draft.sessions.slice(0, 1) : draft.sessions;
  const total = loopMinutes({ sessions: input.sessions, gapMinutes: input.gapMinutes ?? 0 });
  const preview = renderMessage(draft.message, {
    candidate_first_name: firstName('Carla Candidate'),
    recruiter_name: recruiterName,
    interview_name: draft.name.trim() || 'interview',
    duration: formatDuration(total),
    booking_link: SAMPLE_LINK,
    join_link: '(your personal video link comes with the confirmation)',
  });

  /** Puts "{placeholder}" where the caret is in the message, and the caret after it. */
  function insertPlaceholder(name: string) {
    const el = messageRef.current;
    const text = `{${name}}`;
    const start = el?.selectionStart ?? draft.message.length;
    const end = el?.selectionEnd ?? start;
    set({ message: draft.message.slice(0, start) + text + draft.message.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  }

  /** An interviewer is either required or in the pool of a session, never both. */
  function toggle(i: number, role: 'interviewers' | 'pool', id: string, on: boolean) {
    const s = draft.sessions[i]!;
    const other = role === 'interviewers' ? 'pool' : 'interviewers';
    setSession(i, { [role]: on ? [...s[role], id] : s[role].filter((x) => x !== id), [other]: s[other].filter((x) => x !== id) });
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const parsed = TemplateInputSchema.safeParse(input);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) next[issue.path.join('.') || '_'] ??= issue.message;
      show(next, 'Please correct the highlighted fields.');
      return;
    }
    setBusy(true);
    const r = await send('panels.saveTemplate', { ...(template ? { id: template.id } : {}), template: parsed.data });
    setBusy(false);
    if (r.ok) {
      onSaved(r.data.template);
      return;
    }
    show(r.fields ?? {}, r.error);
  }

  /** Errors go beside their field; one without a field here is said in the summary instead. */
  function show(fields: Record<string, string>, summary: string) {
    setErrors(fields);
    const stray = Object.entries(fields).find(([key]) => !SHOWN.test(key));
    setProblem(stray ? stray[1] : summary);
  }

  const checkboxes = (i: number, role: 'interviewers' | 'pool', legend: string, hint?: string) => (
    <fieldset>
      <legend>{legend}</legend>
      {hint && <p className="muted">{hint}</p>}
      {interviewers.map((p) => (
        <label className="check" key={p.id}>
          <input type="checkbox" checked={draft.sessions[i]![role].includes(p.id)} onChange={(e) => toggle(i, role, p.id, e.target.checked)} />
          {p.name}{p.status === 'pending' && <span className="muted"> (pending)</span>}
        </label>
      ))}
      {/* Someone removed from the list since: shown so they can be unticked. */}
      {draft.sessions[i]![role].filter((id) => !interviewers.some((p) => p.id === id)).map((id) => (
        <label className="check" key={id}>
          <input type="checkbox" checked onChange={() => toggle(i, role, id, false)} />
          {names.get(id) ?? 'Removed interviewer'}
        </label>
      ))}
      {err(`sessions.${i}.${role}`)}
    </fieldset>
  );

  return (
    <form className="stack editor" aria-label={template ? `Edit ${template.name}` : 'New interview template'} onSubmit={(e) => void save(e)} noValidate>
      <h3>{template ? `Edit “${template.name}”` : 'New interview template'}</h3>
      <label>Template name
        <input value={draft.name} onChange={(e) => set({ name: e.target.value })} {...invalid('name')} placeholder="Onsite loop" />
        {err('name')}
      </label>

      <fieldset>
        <legend>How the candidate meets the interviewers</legend>
        <label className="check"><input type="radio" name={`${ids}-shape`} checked={draft.shape === 'together'} onChange={() => set({ shape: 'together' })} /> Together: everyone in one meeting</label>
        <label className="check"><input type="radio" name={`${ids}-shape`} checked={draft.shape === 'sequence'} onChange={() => set({ shape: 'sequence' })} /> Back to back: one session after another</label>
        {err('shape')}
      </fieldset>

      {shown.map((s, i) => (
        <fieldset key={i} className="session">
          <legend>{draft.shape === 'together' ? 'The interview' : `Session ${i + 1}`}</legend>
          <div className="grid">
            {draft.shape === 'sequence' && (
              <label>Session name
                <input value={s.name} onChange={(e) => setSession(i, { name: e.target.value })} {...invalid(`sessions.${i}.name`)} />
                {err(`sessions.${i}.name`)}
              </label>
            )}
            <label>Length (minutes)
              <input type="number" min={5} max={480} step={5} value={Number.isNaN(s.durationMinutes) ? '' : s.durationMinutes}
                onChange={(e) => setSession(i, { durationMinutes: num(e.target.value) })} {...invalid(`sessions.${i}.durationMinutes`)} />
              {err(`sessions.${i}.durationMinutes`)}
            </label>
          </div>
          {checkboxes(i, 'interviewers', 'Interviewers (all of them)')}
          {checkboxes(i, 'pool', 'Any one of (optional pool)', 'Parley picks whoever of these is free, taking turns.')}
          {draft.shape === 'sequence' && draft.sessions.length > 1 && (
            <div className="row">
              <span className="row">
                <button type="button" disabled={i === 0} aria-label={`Move session ${i + 1} up`}
                  onClick={() => set({ sessions: draft.sessions.map((x, j) => (j === i - 1 ? draft.sessions[i]! : j === i ? draft.sessions[i - 1]! : x)) })}>↑</button>
                <button type="button" disabled={i === draft.sessions.length - 1} aria-label={`Move session ${i + 1} down`}
                  onClick={() => set({ sessions: draft.sessions.map((x, j) => (j === i + 1 ? draft.sessions[i]! : j === i ? draft.sessions[i + 1]! : x)) })}>↓</button>
              </span>
              <button type="button" onClick={() => set({ sessions: draft.sessions.filter((_, j) => j !== i) })}>Remove session {i + 1}</button>
            </div>
          )}
        </fieldset>
      ))}
      {err('sessions')}

      {draft.shape === 'sequence' && (
        <>
          <button type="button" className="link" disabled={draft.sessions.length >= MAX_SESSIONS}
            onClick={() => set({ sessions: [...draft.sessions, newSession(draft.sessions.length + 1)] })}>+ Add session</button>
          <div className="grid">
            <label>Break between sessions (minutes)
              <input type="number" min={0} max={120} step={5} value={Number.isNaN(draft.gapMinutes) ? '' : draft.gapMinutes}
                onChange={(e) => set({ gapMinutes: num(e.target.value) })} {...invalid('gapMinutes')} />
              {err('gapMinutes')}
            </label>
            <fieldset>
              <legend>Order</legend>
              <label className="check"><input type="radio" name={`${ids}-order`} checked={draft.order === 'fixed'} onChange={() => set({ order: 'fixed' })} /> In this order</label>
              <label className="check"><input type="radio" name={`${ids}-order`} checked={draft.order === 'free'} onChange={() => set({ order: 'free' })} /> Any order that fits</label>
            </fieldset>
          </div>
        </>
      )}
      <p className="muted">Total: {Number.isNaN(total) ? '—' : formatDuration(total)}</p>

      <div className="grid">
        <label className="check">
          <input type="checkbox" checked={draft.video !== null} onChange={(e) => set({ video: e.target.checked ? defaultVideo : null })} />
          Video meeting
        </label>
        {draft.video !== null && (
          <label>Video provider
            <select value={draft.video} onChange={(e) => set({ video: e.target.value as VideoProviderId })}>
              {VIDEO_PROVIDERS.map((p) => <option key={p} value={p}>{VIDEO_PROVIDER_NAMES[p]}</option>)}
            </select>
            {err('video')}
          </label>
        )}
      </div>

      <label htmlFor={`${ids}-message`}>Message inserted into the conversation</label>
      <div className="chips" role="group" aria-label="Insert a placeholder">
        {PLACEHOLDERS.map((p) => (
          <button type="button" className="chip" key={p} onClick={() => insertPlaceholder(p)} aria-label={`Insert {${p}}`}>{`{${p}}`}</button>
        ))}
      </div>
      <textarea id={`${ids}-message`} ref={messageRef} rows={5} value={draft.message} onChange={(e) => set({ message: e.target.value })} {...invalid('message')} />
      {err('message')}
      <div className="preview" role="region" aria-label="Message preview">
        <span className="muted">Preview, for a candidate named Carla Candidate</span>
        <p>{preview}</p>
      </div>

      <div className="row">
        {problem && <p className="error" role="alert">{problem}</p>}
        <span className="row">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save template'}</button>
        </span>
      </div>
    </form>
  );
}
