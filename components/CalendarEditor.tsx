import { useCallback, useEffect, useState } from 'react';
import { DateTime } from 'luxon';
import { send } from '../lib/messaging';

type Event = { id: string; start: string; end: string; summary: string; source: string };

/** Parley's built-in calendar: the busy time candidates cannot book, editable and importable. */
export function CalendarEditor() {
  const [events, setEvents] = useState<Event[]>();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [draft, setDraft] = useState({ date: DateTime.local().plus({ days: 1 }).toISODate()!, start: '12:00', end: '13:00', summary: '' });

  const load = useCallback(async () => {
    const now = DateTime.utc();
    const r = await send('calendar.list', { from: now.minus({ days: 1 }).toISO(), to: now.plus({ days: 60 }).toISO() });
    if (r.ok) setEvents(r.data.events);
    else setMessage({ ok: false, text: r.error });
  }, []);
  useEffect(() => void load(), [load]);

  async function add() {
    const start = DateTime.fromISO(`${draft.date}T${draft.start}`);
    const end = DateTime.fromISO(`${draft.date}T${draft.end}`);
    if (!start.isValid || !end.isValid) return setMessage({ ok: false, text: 'Enter a valid date and times.' });
    if (end <= start) return setMessage({ ok: false, text: 'The end must be after the start.' });
    const r = await send('calendar.add', { start: start.toISO()!, end: end.toISO()!, summary: draft.summary });
    setMessage(r.ok ? { ok: true, text: 'Busy time added.' } : { ok: false, text: r.error });
    if (r.ok) void load();
  }

  async function importFile(file: File) {
    if (file.size > 2 * 1024 * 1024) return setMessage({ ok: false, text: 'The .ics file is larger than 2 MB.' });
    const r = await send('calendar.import', { ics: await file.text() });
    setMessage(r.ok ? { ok: true, text: `Imported ${r.data.imported} busy ${r.data.imported === 1 ? 'time' : 'times'}.` } : { ok: false, text: r.error });
    if (r.ok) void load();
  }

  return (
    <section aria-labelledby="cal">
      <h2 id="cal">Parley calendar</h2>
      <p className="muted">Candidates are never offered times that overlap these. Booked interviews appear here too.</p>
      <div className="range">
        <input type="date" aria-label="Date" value={draft.date} onChange={(e) => setDraft({ ...draft, date: e.target.value })} />
        <input type="time" aria-label="From" value={draft.start} onChange={(e) => setDraft({ ...draft, start: e.target.value })} />–
        <input type="time" aria-label="To" value={draft.end} onChange={(e) => setDraft({ ...draft, end: e.target.value })} />
        <input aria-label="What" placeholder="What (optional)" value={draft.summary} onChange={(e) => setDraft({ ...draft, summary: e.target.value })} />
        <button onClick={() => void add()}>Add busy time</button>
      </div>
      <label>Import an .ics file<input type="file" accept=".ics,text/calendar" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} /></label>
      {message && <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
      {events && events.length === 0 && <p className="muted">Nothing in the next 60 days.</p>}
      {events && events.length > 0 && (
        <ul className="list" aria-label="Busy times">
          {events.map((e) => (
            <li key={e.id}>
              <span>{DateTime.fromISO(e.start).toFormat('ccc, LLL d, h:mm a')} – {DateTime.fromISO(e.end).toFormat('h:mm a')} {e.summary && <span className="muted">· {e.summary}</span>}</span>
              {e.source === 'booking' ? <span className="muted">Interview</span> : <button onClick={() => void send('calendar.remove', { id: e.id }).then(load)}>Remove</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
