import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { DateTime } from 'luxon';
import { send } from '../lib/messaging';
import { formatDuration, InterviewerInputSchema, type Interviewer, type Template } from '../lib/panels';
import type { VideoProviderId } from '../lib/schemas';
import { TemplateEditor } from './TemplateEditor';

/** What the last action did, shown under the list it concerns. */
type Note = { ok: boolean; text: string; about: 'interviewers' | 'templates' };

/** The pill beside an interviewer: whether Parley can see when they are free. */
function StatusPill({ person }: { person: Interviewer }) {
  if (person.status === 'calendar') return <span className="pill pill-ok">Calendar connected</span>;
  if (person.status === 'hours') return <span className="pill pill-ok">Hours marked</span>;
  const sent = person.invitedAt ? `link sent ${DateTime.fromISO(person.invitedAt).toLocaleString(DateTime.DATE_MED)}` : 'no link sent yet';
  return <span className="pill pill-warn">Pending — {sent}</span>;
}

/** Options page: the interviewers a recruiter works with, and the interview templates that name them. */
export function PanelSettings({ recruiterName }: { recruiterName: string }) {
  const [interviewers, setInterviewers] = useState<Interviewer[]>();
  const [templates, setTemplates] = useState<Template[]>();
  const [defaultVideo, setDefaultVideo] = useState<VideoProviderId>('jitsi');
  const [note, setNote] = useState<Note>();
  const [busy, setBusy] = useState<string>();
  const [editing, setEditing] = useState<Template | 'new'>();
  const [person, setPerson] = useState({ name: '', email: '', sendInvite: true });
  const [personErrors, setPersonErrors] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    const [i, t] = await Promise.all([send('panels.interviewers', {}), send('panels.templates', {})]);
    if (i.ok) setInterviewers(i.data.interviewers);
    if (t.ok) setTemplates(t.data.templates);
    if (!i.ok || !t.ok) setNote({ ok: false, text: !i.ok ? i.error : !t.ok ? t.error : '', about: 'interviewers' });
  }, []);

  useEffect(() => {
    void load();
    void send('settings.get', {}).then((r) => r.ok && setDefaultVideo(r.data.settings.video.provider));
  }, [load]);

  async function act(about: Note['about'], label: string, action: () => Promise<{ ok: true } | { ok: false; error: string }>, done: string) {
    setBusy(label);
    const r = await action();
    setBusy(undefined);
    setNote(r.ok ? { ok: true, text: done, about } : { ok: false, text: r.error, about });
    if (r.ok) await load();
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    const parsed = InterviewerInputSchema.safeParse(person);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const i of parsed.error.issues) next[i.path.join('.')] ??= i.message;
      setPersonErrors(next);
      return;
    }
    setBusy('add');
    const r = await send('panels.addInterviewer', { ...parsed.data, sendInvite: person.sendInvite });
    setBusy(undefined);
    if (!r.ok) {
      setPersonErrors(r.fields ?? {});
      setNote({ ok: false, text: r.error, about: 'interviewers' });
      return;
    }
    setPersonErrors({});
    setPerson({ name: '', email: '', sendInvite: person.sendInvite });
    const invited = r.data.interviewer.status === 'pending' && r.data.interviewer.invitedAt;
    setNote({ ok: true, text: `${r.data.interviewer.name} added${invited ? ': they were sent a link to share when they are free' : ''}.`, about: 'interviewers' });
    await load();
  }

  const noteAbout = (about: Note['about']) =>
    note?.about === about && <p className={note.ok ? 'ok' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>;
  const names = new Map((interviewers ?? []).map((p) => [p.id, p.name]));
  const peopleIn = (t: Template) => new Set(t.sessions.flatMap((s) => [...s.interviewers, ...s.pool]));

  return (
    <section aria-labelledby="panels" className="stack">
      <h2 id="panels">Panel interviews</h2>
      <p className="muted">Interviews with several interviewers: together, or back to back. Parley offers the candidate only times when everyone is free.</p>

      <h3 id="interviewers">Interviewers</h3>
      {!interviewers && !note && <p className="muted" aria-busy="true">Loading…</p>}
      {interviewers?.length === 0 && <p className="muted">No interviewers yet. Add the colleagues who interview with you.</p>}
      {interviewers && interviewers.length > 0 && (
        <ul className="list" aria-labelledby="interviewers">
          {interviewers.map((p) => (
            <li key={p.id}>
              <div>
                <strong>{p.name}</strong> <span className="muted">{p.email}</span>
                <div><StatusPill person={p} />{p.timeZone && <span className="muted"> · {p.timeZone}</span>}</div>
                {p.calendarError && <div className="error">Their calendar cannot be read: {p.calendarError}</div>}
              </div>
              <span className="row">
                {p.status === 'pending' && (
                  <button disabled={busy === `invite:${p.id}`} aria-label={`Send ${p.name} a link again`}
                    onClick={() => void act('interviewers', `invite:${p.id}`, () => send('panels.inviteInterviewer', { id: p.id }), `A new link was sent to ${p.email}.`)}>
                    {p.invitedAt ? 'Send link again' : 'Send link'}
                  </button>
                )}
                <button disabled={busy === `remove:${p.id}`} aria-label={`Remove ${p.name}`}
                  onClick={() => void act('interviewers', `remove:${p.id}`, () => send('panels.removeInterviewer', { id: p.id }), `${p.name} removed.`)}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="stack" aria-label="Add an interviewer" onSubmit={(e) => void add(e)} noValidate>
        <div className="grid">
          <label>Name
            <input value={person.name} onChange={(e) => setPerson({ ...person, name: e.target.value })} aria-invalid={!!personErrors.name} autoComplete="off" />
            {personErrors.name && <span className="field-error">{personErrors.name}</span>}
          </label>
          <label>Email
            <input type="email" value={person.email} onChange={(e) => setPerson({ ...person, email: e.target.value })} aria-invalid={!!personErrors.email} autoComplete="off" />
            {personErrors.email && <span className="field-error">{personErrors.email}</span>}
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={person.sendInvite} onChange={(e) => setPerson({ ...person, sendInvite: e.target.checked })} />
          Email them a link to connect a calendar or mark their hours
        </label>
        <div><button className="primary" type="submit" disabled={busy === 'add'}>{busy === 'add' ? 'Adding…' : 'Add interviewer'}</button></div>
      </form>

      {noteAbout('interviewers')}

      <h3 id="templates">Interview templates</h3>
      {templates?.length === 0 && !editing && <p className="muted">No templates yet. A template names the sessions, who interviews, and the message to send.</p>}
      {templates && templates.length > 0 && (
        <ul className="list" aria-labelledby="templates">
          {templates.map((t) => (
            <li key={t.id}>
              <div>
                <strong>{t.name}</strong>
                <div className="muted">
                  {t.shape === 'together' ? 'Together' : `Back to back, ${t.sessions.length} sessions`} · {formatDuration(t.durationMinutes)} · {peopleIn(t).size} interviewer{peopleIn(t).size === 1 ? '' : 's'}
                </div>
                {t.pending.length > 0 && <div className="warn">Not shared their availability yet: {t.pending.map((p) => p.name).join(', ')}</div>}
              </div>
              <span className="row">
                <button aria-label={`Edit ${t.name}`} onClick={() => setEditing(t)}>Edit</button>
                <button aria-label={`Remove ${t.name}`} disabled={busy === `template:${t.id}`}
                  onClick={() => void act('templates', `template:${t.id}`, () => send('panels.removeTemplate', { id: t.id }), `“${t.name}” removed.`)}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <TemplateEditor
          key={editing === 'new' ? 'new' : editing.id}
          template={editing === 'new' ? undefined : editing}
          interviewers={interviewers ?? []}
          names={names}
          defaultVideo={defaultVideo}
          recruiterName={recruiterName}
          onCancel={() => setEditing(undefined)}
          onSaved={(t) => {
            setEditing(undefined);
            setNote({ ok: true, text: `“${t.name}” saved.`, about: 'templates' });
            void load();
          }}
        />
      ) : (
        <div><button onClick={() => setEditing('new')} disabled={!interviewers?.length} title={interviewers?.length ? undefined : 'Add an interviewer first'}>New template</button></div>
      )}
      {noteAbout('templates')}
    </section>
  );
}
