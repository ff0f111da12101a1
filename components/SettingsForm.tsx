import { useEffect, useState } from 'react';
import { send } from '../lib/messaging';
import { SchedulerSettingsSchema, VIDEO_PROVIDERS, VIDEO_PROVIDER_NAMES, WEEKDAYS, WEEKDAY_NAMES, type SchedulerSettings, type VideoSettings } from '../lib/schemas';

const ZONES = Intl.supportedValuesOf('timeZone');

/** Scheduler settings with the same zod schema the backend enforces, errors shown beside each field. */
export function SettingsForm() {
  const [settings, setSettings] = useState<SchedulerSettings>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  useEffect(() => {
    void send('settings.get', {}).then((r) => (r.ok ? setSettings(r.data.settings) : setMessage({ ok: false, text: r.error })));
  }, []);
  if (!settings) return <section aria-busy="true">{message ? <p className="error" role="alert">{message.text}</p> : 'Loading settings…'}</section>;

  const set = <K extends keyof SchedulerSettings>(key: K, value: SchedulerSettings[K]) => setSettings({ ...settings, [key]: value });
  const setVideo = (patch: Partial<VideoSettings>) => setSettings({ ...settings, video: { ...settings.video, ...patch } });
  const num = (v: string) => (v === '' ? Number.NaN : Number(v));
  const err = (k: string) => errors[k] && <span className="field-error">{errors[k]}</span>;

  async function save() {
    const parsed = SchedulerSettingsSchema.safeParse(settings);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const i of parsed.error.issues) next[i.path.join('.')] ??= i.message;
      setErrors(next);
      setMessage({ ok: false, text: 'Please correct the highlighted settings.' });
      return;
    }
    const r = await send('settings.save', { settings: parsed.data });
    if (r.ok) {
      setErrors({});
      setMessage({ ok: true, text: 'Settings saved.' });
    } else {
      setErrors(r.fields ?? {});
      setMessage({ ok: false, text: r.error });
    }
  }

  const dayRanges = (d: (typeof WEEKDAYS)[number]) => settings.workingHours[d];
  const setDay = (d: (typeof WEEKDAYS)[number], ranges: { start: string; end: string }[]) => set('workingHours', { ...settings.workingHours, [d]: ranges });

  return (
    <section aria-labelledby="sched">
      <h2 id="sched">Scheduler settings</h2>
      <div className="grid">
        <label>How long do meetings last by default? (minutes)
          <input type="number" min={5} max={480} value={settings.durationMinutes} onChange={(e) => set('durationMinutes', num(e.target.value))} aria-invalid={!!errors.durationMinutes} />{err('durationMinutes')}
        </label>
        <label>Preferred time zone
          <select value={settings.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
            {(ZONES.includes(settings.timeZone) ? ZONES : [settings.timeZone, ...ZONES]).map((z) => <option key={z} value={z}>{z}</option>)}
          </select>{err('timeZone')}
        </label>
        <label>Links expire after (days)
          <input type="number" min={1} max={90} value={settings.linkExpiryDays} onChange={(e) => set('linkExpiryDays', num(e.target.value))} aria-invalid={!!errors.linkExpiryDays} />{err('linkExpiryDays')}
        </label>
        <label>Buffer before (minutes)
          <input type="number" min={0} max={240} value={settings.bufferBeforeMinutes} onChange={(e) => set('bufferBeforeMinutes', num(e.target.value))} aria-invalid={!!errors.bufferBeforeMinutes} />{err('bufferBeforeMinutes')}
        </label>
        <label>Buffer after (minutes)
          <input type="number" min={0} max={240} value={settings.bufferAfterMinutes} onChange={(e) => set('bufferAfterMinutes', num(e.target.value))} aria-invalid={!!errors.bufferAfterMinutes} />{err('bufferAfterMinutes')}
        </label>
        <label>Minimum notice (minutes)
          <input type="number" min={0} value={settings.minimumNoticeMinutes} onChange={(e) => set('minimumNoticeMinutes', num(e.target.value))} aria-invalid={!!errors.minimumNoticeMinutes} />{err('minimumNoticeMinutes')}
        </label>
        <label>Bookable up to (days ahead)
          <input type="number" min={1} max={365} value={settings.horizonDays} onChange={(e) => set('horizonDays', num(e.target.value))} aria-invalid={!!errors.horizonDays} />{err('horizonDays')}
        </label>
        <label>Daily limit (empty = none)
          <input type="number" min={1} max={50} value={settings.dailyLimit ?? ''} onChange={(e) => set('dailyLimit', e.target.value === '' ? null : num(e.target.value))} aria-invalid={!!errors.dailyLimit} />{err('dailyLimit')}
        </label>
        <label>Start times every
          <select value={settings.slotStepMinutes} onChange={(e) => set('slotStepMinutes', Number(e.target.value) as SchedulerSettings['slotStepMinutes'])}>
            {[5, 10, 15, 20, 30, 60].map((m) => <option key={m} value={m}>{m} minutes</option>)}
          </select>
        </label>
        <label className="check"><input type="checkbox" checked={settings.noSameDay} onChange={(e) => set('noSameDay', e.target.checked)} /> No same-day meetings</label>
      </div>
      <h2>Video interviews</h2>
      <div className="grid">
        <label>Default video provider
          <select value={settings.video.provider} onChange={(e) => setVideo({ provider: e.target.value as VideoSettings['provider'] })}>
            {VIDEO_PROVIDERS.map((p) => <option key={p} value={p}>{VIDEO_PROVIDER_NAMES[p]}</option>)}
          </select>
        </label>
        <label>Join links open (minutes before)
          <input type="number" min={0} max={120} value={settings.video.openMinutesBefore} onChange={(e) => setVideo({ openMinutesBefore: num(e.target.value) })} aria-invalid={!!errors['video.openMinutesBefore']} />{err('video.openMinutesBefore')}
        </label>
        <label className="check"><input type="checkbox" checked={settings.video.useByDefault} onChange={(e) => setVideo({ useByDefault: e.target.checked })} /> Use video conferencing by default</label>
        <label className="check"><input type="checkbox" checked={settings.video.accessCodes} onChange={(e) => setVideo({ accessCodes: e.target.checked })} /> Protect join links with an access code</label>
        <label className="check"><input type="checkbox" checked={settings.video.hideInterviewerLinksUntilDay} onChange={(e) => setVideo({ hideInterviewerLinksUntilDay: e.target.checked })} /> Interviewer links show nothing before the interview day</label>
      </div>
      <h2>Working hours</h2>
      {WEEKDAYS.map((d) => (
        <div className="day" key={d}>
          <strong>{WEEKDAY_NAMES[d]}</strong>
          <div className="ranges">
            {dayRanges(d).length === 0 && <span className="muted">Off</span>}
            {dayRanges(d).map((r, i) => (
              <div className="range" key={i}>
                <input type="time" aria-label={`${WEEKDAY_NAMES[d]} range ${i + 1} start`} value={r.start} onChange={(e) => setDay(d, dayRanges(d).map((x, j) => (j === i ? { ...x, start: e.target.value } : x)))} />
                –
                <input type="time" aria-label={`${WEEKDAY_NAMES[d]} range ${i + 1} end`} value={r.end === '24:00' ? '23:59' : r.end} onChange={(e) => setDay(d, dayRanges(d).map((x, j) => (j === i ? { ...x, end: e.target.value } : x)))} />
                <button aria-label={`Remove ${WEEKDAY_NAMES[d]} range ${i + 1}`} onClick={() => setDay(d, dayRanges(d).filter((_, j) => j !== i))}>×</button>
                {err(`workingHours.${d}.${i}.end`)}
              </div>
            ))}
            {err(`workingHours.${d}`)}
            <button className="link" onClick={() => setDay(d, [...dayRanges(d), { start: '09:00', end: '17:00' }])}>+ Add hours</button>
          </div>
        </div>
      ))}
      <h2>Blocked dates</h2>
      <label>One date a line (YYYY-MM-DD)
        <textarea rows={3} value={settings.blockedDates.join('\n')} onChange={(e) => set('blockedDates', e.target.value.split(/\s+/).filter(Boolean))} aria-invalid={Object.keys(errors).some((k) => k.startsWith('blockedDates'))} />
        {Object.entries(errors).filter(([k]) => k.startsWith('blockedDates')).slice(0, 1).map(([k, v]) => <span key={k} className="field-error">{v}</span>)}
      </label>
      <div className="row">
        {message && <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
        <button className="primary" onClick={() => void save()}>Save settings</button>
      </div>
    </section>
  );
}
