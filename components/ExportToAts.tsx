import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { send as sendMessage } from '../lib/messaging';
import type { CandidateProfile } from '../lib/sites/types';
import { ATS_NAMES, type AtsId } from '../lib/names';
import type { AtsCandidate, AtsEntry, PostingView } from '../lib/schemas';

type Send = typeof sendMessage;
const SOURCE = { linkedin: 'LinkedIn', 'linkedin-recruiter': 'LinkedIn Recruiter', talentio: 'talent.io' } as const;

interface Status { connected: boolean; ats: AtsId | null; exportOnlyAfterReply: boolean }

/**
 * The profile's ATS control: "Export to ATS" with its panel (posting, fields, the minimum the ATS
 * needs), then "In <ATS>" opening the record, "Export pending" meanwhile, and notes pushed after export.
 */
export function ExportToAts({ profile, send }: { profile: CandidateProfile; send: Send }) {
  const [status, setStatus] = useState<Status>();
  const [candidate, setCandidate] = useState<AtsCandidate | null>();
  const [entries, setEntries] = useState<AtsEntry[]>([]);
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState(false);
  const panelId = useId();

  const load = useCallback(async (refresh = false) => {
    const r = await send('ats.candidate', { key: profile.profileKey, refresh });
    if (r.ok) {
      setCandidate(r.data.candidate);
      setEntries(r.data.entries);
      setError(undefined);
    } else if (r.code !== 'signed-out') setError(r.error);
    else setCandidate(null);
  }, [profile.profileKey, send]);

  useEffect(() => {
    void send('ats.status', {}).then((r) => r.ok && setStatus({ connected: r.data.connected, ats: r.data.ats, exportOnlyAfterReply: r.data.policy.exportOnlyAfterReply }));
    void load();
  }, [load, send]);

  // "Export pending": the backend finishes it (rate limits, outages); look again every few seconds.
  useEffect(() => {
    if (candidate?.status !== 'pending') return;
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [candidate?.status, load]);

  const atsName = status?.ats ? ATS_NAMES[status.ats] : 'ATS';
  const blockedByConsent = status?.exportOnlyAfterReply && profile.replied !== true;

  if (candidate && (candidate.status === 'exported' || candidate.status === 'linked')) {
    return (
      <div className="parley parley-ats">
        <a className="parley-badge" href={candidate.atsUrl ?? '#'} target="_blank" rel="noreferrer" aria-label={`In ${ATS_NAMES[candidate.ats]}`}
          title={candidate.status === 'linked' ? `Already in ${ATS_NAMES[candidate.ats]}: linked to the existing record` : `Exported to ${ATS_NAMES[candidate.ats]}`}>
          In {ATS_NAMES[candidate.ats]}
        </a>
        <button type="button" className="parley-trigger" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>Notes</button>
        {open && <NotesPanel id={panelId} profile={profile} entries={entries} atsName={ATS_NAMES[candidate.ats]} send={send} onChange={setEntries} onRefresh={() => load(true)} />}
      </div>
    );
  }
  if (candidate?.status === 'pending') {
    return <div className="parley parley-ats"><span className="parley-note" role="status">Export pending…</span></div>;
  }

  return (
    <div className="parley parley-ats">
      <button type="button" className="parley-trigger" aria-label="Export to ATS" aria-expanded={open} aria-controls={panelId}
        disabled={status !== undefined && !status.connected} onClick={() => setOpen(!open)}
        title={status && !status.connected ? 'Connect your ATS in Parley’s settings first' : undefined}>
        Export to {atsName}
      </button>
      {candidate?.status === 'failed' && <span className="parley-error" role="alert">Export failed: {candidate.error}</span>}
      {error && <span className="parley-error" role="alert">{error}</span>}
      {status && !status.connected && <span className="parley-hint">Connect Lever or Greenhouse in Parley’s settings to export.</span>}
      {open && blockedByConsent && (
        <div className="parley-popover" id={panelId} role="dialog" aria-label="Export to ATS">
          <p className="parley-hint">Export becomes available once {profile.firstName} has replied. Your workspace keeps candidates’ contact details private until they accept contact.</p>
        </div>
      )}
      {open && !blockedByConsent && status?.connected && (
        <ExportPanel id={panelId} profile={profile} atsName={atsName} send={send} onExported={(c) => { setCandidate(c); setOpen(false); }} />
      )}
    </div>
  );
}

function ExportPanel({ id, profile, atsName, send, onExported }: { id: string; profile: CandidateProfile; atsName: string; send: Send; onExported(c: AtsCandidate): void }) {
  const [postings, setPostings] = useState<PostingView[]>();
  const [query, setQuery] = useState('');
  const [postingId, setPostingId] = useState('');
  const [firstName, setFirstName] = useState(profile.firstName);
  const [lastName, setLastName] = useState(profile.lastName);
  const [email, setEmail] = useState(profile.emails[0] ?? '');
  const [include, setInclude] = useState({ headline: true, company: true, location: true, phones: true });
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>();
  const contextKey = profile.context ? `${profile.site}:${profile.context.kind}:${profile.context.id}` : undefined;

  const loadPostings = useCallback(async (reload: boolean) => {
    const r = await send('ats.postings', { reload });
    if (r.ok) setPostings(r.data.postings);
    else setMessage(r.error);
  }, [send]);

  useEffect(() => {
    void loadPostings(false);
    if (contextKey) void send('ats.postingDefault', { contextKey }).then((r) => r.ok && r.data.postingId && setPostingId(r.data.postingId));
  }, [contextKey, loadPostings, send]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (postings ?? []).filter((p) => !q || `${p.title} ${p.location ?? ''} ${p.team ?? ''}`.toLowerCase().includes(q)).slice(0, 200);
  }, [postings, query]);

  async function exportNow() {
    setBusy(true);
    setMessage(undefined);
    const emails = [...new Set([email.trim(), ...profile.emails].filter(Boolean))];
    const r = await send('ats.export', {
      profileKey: profile.profileKey, profileUrl: profile.profileUrl, source: SOURCE[profile.site], firstName, lastName, emails,
      phones: include.phones ? profile.phones : [],
      ...(include.headline && profile.headline ? { headline: profile.headline } : {}),
      ...(profile.title ? { title: profile.title } : {}),
      ...(include.company && profile.company ? { company: profile.company } : {}),
      ...(include.location && profile.location ? { location: profile.location } : {}),
      ...(postingId ? { postingId } : {}),
      ...(profile.replied !== undefined ? { replied: profile.replied } : {}),
    });
    setBusy(false);
    if (!r.ok) {
      setErrors(r.fields ?? {});
      setMessage(r.error);
      return;
    }
    if (contextKey && postingId) void send('ats.postingDefault', { contextKey, postingId });
    onExported(r.data.candidate);
  }

  const field = (label: string, key: 'headline' | 'company' | 'location' | 'phones', value?: string) =>
    value ? <label className="parley-check"><input type="checkbox" checked={include[key]} onChange={(e) => setInclude({ ...include, [key]: e.target.checked })} /> {label}: {value}</label> : null;

  return (
    <div className="parley-popover parley-wide" id={id} role="dialog" aria-label="Export to ATS">
      <strong>Posting</strong>
      <input type="search" placeholder="Search postings" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search postings" />
      <div className="parley-row">
        <select aria-label="Posting" value={postingId} onChange={(e) => setPostingId(e.target.value)} size={Math.min(6, shown.length + 1)}>
          <option value="">No posting (sourced candidate)</option>
          {shown.map((p) => <option key={p.id} value={p.id}>{p.title}{p.location ? ` · ${p.location}` : ''}</option>)}
        </select>
        <button type="button" className="parley-secondary" onClick={() => void loadPostings(true)} title="Postings are not fetched live: reload them from the ATS">Reload</button>
      </div>
      <fieldset className="parley-fields">
        <legend>Sent to {atsName}</legend>
        <label>First name<input value={firstName} onChange={(e) => setFirstName(e.target.value)} aria-invalid={!!errors.firstName} /></label>
        {errors.firstName && <span className="parley-error">{errors.firstName}</span>}
        <label>Last name<input value={lastName} onChange={(e) => setLastName(e.target.value)} aria-invalid={!!errors.lastName} /></label>
        {errors.lastName && <span className="parley-error">{errors.lastName}</span>}
        <label>E-mail<input type="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={!!errors.emails || !!errors['emails.0']} placeholder="Required by the ATS" /></label>
        {(errors.emails || errors['emails.0']) && <span className="parley-error">{errors.emails ?? errors['emails.0']}</span>}
        {field('Headline', 'headline', profile.headline)}
        {field('Company', 'company', profile.company)}
        {field('Location', 'location', profile.location)}
        {field('Phone', 'phones', profile.phones.join(', ') || undefined)}
        <span className="parley-hint">Profile: {profile.profileUrl}</span>
      </fieldset>
      {message && <p className="parley-error" role="alert">{message}</p>}
      <div className="parley-actions">
        <button type="button" className="parley-primary" disabled={busy} onClick={() => void exportNow()}>{busy ? 'Exporting…' : `Export to ${atsName}`}</button>
      </div>
    </div>
  );
}

function NotesPanel({ id, profile, entries, atsName, send, onChange, onRefresh }: {
  id: string; profile: CandidateProfile; entries: AtsEntry[]; atsName: string; send: Send; onChange(e: AtsEntry[]): void; onRefresh(): Promise<void>;
}) {
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string>();
  async function add() {
    const r = await send('ats.note', { key: profile.profileKey, text });
    if (r.ok) {
      onChange(r.data.entries);
      setText('');
      setMessage(`Saved; it goes to ${atsName} in the background.`);
    } else setMessage(r.error);
  }
  async function forget() {
    if (!confirm(`Delete everything Parley holds about ${profile.firstName} ${profile.lastName}? The ${atsName} record stays.`)) return;
    const r = await send('ats.delete', { key: profile.profileKey });
    setMessage(r.ok ? 'Parley’s data about this person was deleted.' : r.error);
  }
  return (
    <div className="parley-popover parley-wide" id={id} role="dialog" aria-label="Notes">
      <ul className="parley-notes" aria-label="Notes">
        {entries.filter((e) => e.kind === 'note').map((e) => (
          <li key={e.key}>{e.text} <span className="parley-hint">{e.pushed ? `· in ${atsName}` : e.error ? `· not sent yet: ${e.error}` : '· waiting to be sent'}</span></li>
        ))}
      </ul>
      <label>New note<textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={5000} /></label>
      {message && <p className="parley-hint" role="status">{message}</p>}
      <div className="parley-actions">
        <button type="button" className="parley-secondary" onClick={() => void forget()}>Delete data</button>
        <button type="button" className="parley-secondary" onClick={() => void onRefresh()}>Refresh</button>
        <button type="button" className="parley-primary" disabled={!text.trim()} onClick={() => void add()}>Add note</button>
      </div>
    </div>
  );
}

/** The search-result badge: drawn from the cache, opens the record. */
export function InAtsBadge({ ats, url }: { ats: AtsId; url: string | null }) {
  return (
    <a className="parley-badge" href={url ?? '#'} target="_blank" rel="noreferrer" aria-label={`In ${ATS_NAMES[ats]}`}>In {ATS_NAMES[ats]}</a>
  );
}
