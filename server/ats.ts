import { z } from 'zod';
import { ATS_NAMES, type AtsCandidate, type AtsId, type ExportRequest } from '../lib/schemas.js';
import type { Sql } from './db.js';
import type { Deps } from './deps.js';
import { greenhouseConnector } from './providers/ats/greenhouse.js';
import { leverConnector } from './providers/ats/lever.js';
import { AtsError, type AtsConnector, type AtsRecord, type CandidateData } from './providers/ats/types.js';

type AtsDeps = Pick<Deps, 'db' | 'config' | 'sealer'>;

const Credentials = z.discriminatedUnion('ats', [
  z.object({ ats: z.literal('lever'), apiKey: z.string(), performAs: z.string() }),
  z.object({ ats: z.literal('greenhouse'), apiKey: z.string(), onBehalfOf: z.string() }),
]);
export type AtsCredentials = z.infer<typeof Credentials>;

export interface AtsConnectionRow {
  recruiter_id: string;
  ats: AtsId;
  credentials_sealed: string;
  export_only_after_reply: boolean;
  push_messages: boolean;
  status: 'active' | 'revoked';
  postings: unknown;
  postings_at: Date | null;
  last_error: string | null;
}

export interface AtsCandidateRow {
  id: string;
  recruiter_id: string;
  profile_key: string;
  profile_url: string;
  first_name: string;
  last_name: string;
  data: ExportRequest;
  ats: AtsId;
  posting_id: string | null;
  status: AtsCandidate['status'];
  ats_id: string | null;
  ats_url: string | null;
  ats_kind: AtsRecord['kind'] | null;
  error: string | null;
  updated_at: Date;
}

export function connectorFrom(deps: AtsDeps, credentials: AtsCredentials): AtsConnector {
  const timeoutMs = deps.config.providerTimeoutMs;
  return credentials.ats === 'lever'
    ? leverConnector({ apiKey: credentials.apiKey, performAs: credentials.performAs, baseUrl: deps.config.lever.apiUrl, appUrl: deps.config.lever.appUrl, timeoutMs })
    : greenhouseConnector({ auth: { version: 'v1', apiKey: credentials.apiKey }, onBehalfOf: credentials.onBehalfOf, baseUrl: deps.config.greenhouse.apiUrl, appUrl: deps.config.greenhouse.appUrl, timeoutMs });
}

export async function connectionOf(sql: Sql, recruiterId: string): Promise<AtsConnectionRow | undefined> {
  const [row] = await sql.query<AtsConnectionRow>(`select * from ats_connections where recruiter_id = $1`, [recruiterId]);
  return row;
}

export function connectorFor(deps: AtsDeps, row: AtsConnectionRow): AtsConnector {
  return connectorFrom(deps, Credentials.parse(JSON.parse(deps.sealer.open(row.credentials_sealed))));
}

export function candidateJson(row: AtsCandidateRow): AtsCandidate {
  return {
    profileKey: row.profile_key, profileUrl: row.profile_url, name: `${row.first_name} ${row.last_name}`, ats: row.ats, status: row.status,
    atsUrl: row.ats_url, error: row.error, postingId: row.posting_id, updatedAt: row.updated_at.toISOString(),
  };
}

/** Whether the candidate has replied, as far as Parley knows: the page said so, or they booked through a link. */
export async function hasReplied(sql: Sql, recruiterId: string, profileKey: string, pageSays?: boolean): Promise<boolean> {
  if (pageSays) return true;
  const [booked] = await sql.query(
    `select 1 from bookings b join invitations i on i.id = b.invitation_id
      where b.recruiter_id = $1 and i.recipient_key = $2 and b.created_by = 'candidate' limit 1`,
    [recruiterId, profileKey],
  );
  return !!booked;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * The `ats.export` job. Never a duplicate: the person is looked up by every address first (which also
 * finds a create that timed out but happened), and only then created; the local row maps the
 * profile to the record. Temporary failures retry with backoff; the control shows "Export pending".
 */
export async function runExport(deps: AtsDeps, candidateId: string, run: { final: boolean }): Promise<void> {
  const [row] = await deps.db.query<AtsCandidateRow>(`select * from ats_candidates where id = $1`, [candidateId]);
  if (!row || row.status === 'exported' || row.status === 'linked') return;
  const connection = await connectionOf(deps.db, row.recruiter_id);
  if (!connection || connection.status !== 'active') {
    await deps.db.query(`update ats_candidates set status = 'failed', error = $2, updated_at = now() where id = $1`, [candidateId, 'The ATS was disconnected before the export finished.']);
    return;
  }
  const connector = connectorFor(deps, connection);
  try {
    let record: AtsRecord | undefined;
    for (const email of row.data.emails) {
      record = await connector.findByEmail(email);
      if (record) break;
    }
    const status = record ? 'linked' : 'exported';
    if (!record) {
      const data: CandidateData = {
        firstName: row.first_name, lastName: row.last_name, emails: row.data.emails, phones: row.data.phones, links: [row.profile_url], source: row.data.source,
        ...(row.data.headline ? { headline: row.data.headline } : {}), ...(row.data.title ? { title: row.data.title } : {}),
        ...(row.data.company ? { company: row.data.company } : {}), ...(row.data.location ? { location: row.data.location } : {}),
      };
      record = await connector.createCandidate(data, row.posting_id ? { postingId: row.posting_id } : {});
    }
    await deps.db.query(
      `update ats_candidates set status = $2, ats_id = $3, ats_url = $4, ats_kind = $5, error = null, updated_at = now() where id = $1`,
      [candidateId, status, record.id, record.url, record.kind],
    );
    await deps.db.query(`update ats_connections set last_error = null where recruiter_id = $1`, [row.recruiter_id]);
  } catch (err) {
    const temporary = !(err instanceof AtsError) || err.temporary;
    const message = temporary && !run.final
      ? `${ATS_NAMES[row.ats]} is busy or unreachable right now; the export will finish by itself (${errorText(err)})`
      : errorText(err);
    await deps.db.query(`update ats_candidates set status = $2, error = $3, updated_at = now() where id = $1`, [candidateId, temporary && !run.final ? 'pending' : 'failed', message]);
    await deps.db.query(`update ats_connections set last_error = $2, last_error_at = now() where recruiter_id = $1`, [row.recruiter_id, message]);
    if (temporary && !run.final) throw err;
  }
}

/** The `ats.push` job: notes and messages of an exported candidate that have not reached the ATS yet. */
export async function runPush(deps: AtsDeps, candidateId: string, run: { final: boolean }): Promise<void> {
  const [row] = await deps.db.query<AtsCandidateRow>(`select * from ats_candidates where id = $1`, [candidateId]);
  if (!row || !row.ats_id || !row.ats_url || !row.ats_kind) return;
  const connection = await connectionOf(deps.db, row.recruiter_id);
  // Unlinked or revoked: what was exported stays in the ATS; nothing new is pushed.
  if (!connection || connection.status !== 'active' || connection.ats !== row.ats) return;
  const connector = connectorFor(deps, connection);
  const record: AtsRecord = { id: row.ats_id, url: row.ats_url, kind: row.ats_kind };
  const entries = await deps.db.query<{ id: string; kind: 'note' | 'message'; key: string; body: { text: string; direction?: 'sent' | 'received'; at?: number; from?: string; to?: string } }>(
    `select id, kind, key, body from ats_entries where candidate_id = $1 and pushed_at is null order by created_at`, [candidateId]);
  for (const e of entries) {
    if (e.kind === 'message' && !connection.push_messages) continue;
    try {
      if (e.kind === 'note') await connector.addNote(record, { key: e.key, text: e.body.text });
      else await connector.addMessage(record, { key: e.key, direction: e.body.direction ?? 'sent', at: e.body.at ?? Date.now(), from: e.body.from ?? '', to: e.body.to ?? '', text: e.body.text });
      await deps.db.query(`update ats_entries set pushed_at = now(), push_error = null where id = $1`, [e.id]);
    } catch (err) {
      await deps.db.query(`update ats_entries set push_error = $2 where id = $1`, [e.id, errorText(err)]);
      if (!(err instanceof AtsError) || err.temporary) {
        if (!run.final) throw err;
      }
    }
  }
}
