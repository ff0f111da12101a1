import { Hono } from 'hono';
import { z } from 'zod';
import {
  ATS_NAMES, AtsConnectSchema, AtsPolicySchema, ExportRequestSchema, MessagesRequestSchema, NoteRequestSchema, type AtsEntry,
} from '../../lib/schemas.js';
import { candidateJson, connectionOf, connectorFrom, connectorFor, hasReplied, type AtsCandidateRow } from '../ats.js';
import type { AppEnv, Deps } from '../deps.js';
import { UserError, validate } from '../http.js';
import { AtsError, type Posting } from '../providers/ats/types.js';
import { requireRecruiter } from './auth.js';

const KeyQuery = z.object({ key: z.string().min(3).max(300) });
const SinceQuery = z.object({ since: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(5000).default(5000) });
const PostingsQuery = z.object({ reload: z.enum(['0', '1']).optional() });
const ConnectBody = z.intersection(AtsConnectSchema, AtsPolicySchema.partial());

function atsProblem(err: unknown, ats: string): UserError {
  if (err instanceof AtsError) {
    if (err.kind === 'auth') return new UserError(422, `${ats} refused the API key. Check it in ${ats}'s settings and paste it again.`, { apiKey: 'Refused' });
    if (err.kind === 'permission') return new UserError(422, `${ats} refused: ${err.message}`);
    if (err.temporary) return new UserError(502, `${ats} could not be reached right now (${err.message}). Please try again in a moment.`);
  }
  return new UserError(502, `${ats} answered with an error: ${err instanceof Error ? err.message : String(err)}`);
}

/** The recruiter's ATS: connection, postings, exports without duplicates, notes and messages, deletion on request. */
export function atsRoutes(deps: Deps) {
  const { db, sealer } = deps;

  async function postings(recruiterId: string, reload: boolean): Promise<Posting[]> {
    const connection = await connectionOf(db, recruiterId);
    if (!connection || connection.status !== 'active') throw new UserError(409, 'Connect your ATS in Parley’s settings first');
    if (!reload && Array.isArray(connection.postings)) return connection.postings as Posting[];
    let list: Posting[];
    try {
      list = await connectorFor(deps, connection).listPostings();
    } catch (err) {
      throw atsProblem(err, ATS_NAMES[connection.ats]);
    }
    await db.query(`update ats_connections set postings = $2, postings_at = now() where recruiter_id = $1`, [recruiterId, JSON.stringify(list)]);
    return list;
  }

  async function candidate(recruiterId: string, key: string): Promise<AtsCandidateRow> {
    const [row] = await db.query<AtsCandidateRow>(`select * from ats_candidates where recruiter_id = $1 and profile_key = $2`, [recruiterId, key]);
    if (!row) throw new UserError(404, 'This person has not been exported from Parley');
    return row;
  }

  async function entries(candidateId: string): Promise<AtsEntry[]> {
    const rows = await db.query<{ key: string; kind: 'note' | 'message'; body: { text: string }; created_at: Date; pushed_at: Date | null; push_error: string | null }>(
      `select key, kind, body, created_at, pushed_at, push_error from ats_entries where candidate_id = $1 order by created_at`, [candidateId]);
    return rows.map((r) => ({ key: r.key, kind: r.kind, text: r.body.text, createdAt: r.created_at.toISOString(), pushed: r.pushed_at !== null, error: r.push_error }));
  }

  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/', async (c) => {
      const row = await connectionOf(db, c.get('recruiter').id);
      return c.json({
        connected: !!row && row.status === 'active', ats: row?.ats ?? null, status: row?.status ?? null, lastError: row?.last_error ?? null,
        policy: { exportOnlyAfterReply: row?.export_only_after_reply ?? false, pushMessages: row?.push_messages ?? false },
      });
    })
    .put('/', validate('json', ConnectBody), async (c) => {
      const input = c.req.valid('json');
      const credentials = input.ats === 'lever'
        ? { ats: 'lever' as const, apiKey: input.apiKey, performAs: input.performAs }
        : { ats: 'greenhouse' as const, apiKey: input.apiKey, onBehalfOf: input.onBehalfOf };
      let list: Posting[];
      try {
        list = await connectorFrom(deps, credentials).listPostings();
      } catch (err) {
        throw atsProblem(err, ATS_NAMES[input.ats]);
      }
      await db.query(
        `insert into ats_connections (recruiter_id, ats, credentials_sealed, export_only_after_reply, push_messages, status, postings, postings_at)
         values ($1, $2, $3, $4, $5, 'active', $6, now())
         on conflict (recruiter_id) do update set ats = excluded.ats, credentials_sealed = excluded.credentials_sealed,
           export_only_after_reply = excluded.export_only_after_reply, push_messages = excluded.push_messages,
           status = 'active', postings = excluded.postings, postings_at = now(), last_error = null`,
        [c.get('recruiter').id, input.ats, sealer.seal(JSON.stringify(credentials)), input.exportOnlyAfterReply ?? false, input.pushMessages ?? false, JSON.stringify(list)],
      );
      return c.json({ connected: true, ats: input.ats, postings: list.length });
    })
    .patch('/policy', validate('json', AtsPolicySchema), async (c) => {
      const p = c.req.valid('json');
      const rows = await db.query(`update ats_connections set export_only_after_reply = $2, push_messages = $3 where recruiter_id = $1 returning 1`,
        [c.get('recruiter').id, p.exportOnlyAfterReply, p.pushMessages]);
      if (!rows.length) throw new UserError(409, 'Connect your ATS first');
      return c.json({ policy: p });
    })
    // Unlinking: candidates already exported stay in the ATS; nothing new is pushed.
    .delete('/', async (c) => {
      await db.query(`update ats_connections set status = 'revoked', credentials_sealed = $2 where recruiter_id = $1`, [c.get('recruiter').id, sealer.seal('{}')]);
      return c.json({ connected: false });
    })
    .get('/postings', validate('query', PostingsQuery), async (c) => c.json({ postings: await postings(c.get('recruiter').id, c.req.valid('query').reload === '1') }))
    .post('/exports', validate('json', ExportRequestSchema), async (c) => {
      const input = c.req.valid('json');
      const recruiterId = c.get('recruiter').id;
      const connection = await connectionOf(db, recruiterId);
      if (!connection || connection.status !== 'active') throw new UserError(409, 'Connect your ATS in Parley’s settings first');
      if (connection.export_only_after_reply && !(await hasReplied(db, recruiterId, input.profileKey, input.replied))) {
        throw new UserError(403, "This candidate hasn't replied yet. Your workspace exports candidates only after they reply: their contact details stay private until then.");
      }
      if (input.postingId && Array.isArray(connection.postings) && !(connection.postings as Posting[]).some((p) => p.id === input.postingId)) {
        throw new UserError(400, 'That posting is not open any more: reload the postings and choose again', { postingId: 'Unknown posting' });
      }
      const row = await db.transaction(async (tx) => {
        // One row per person: a second click, a retry or a second tab finds the first export.
        const [inserted] = await tx.query<AtsCandidateRow>(
          `insert into ats_candidates (recruiter_id, profile_key, profile_url, first_name, last_name, data, ats, posting_id, status)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')
           on conflict (recruiter_id, profile_key) do update set
             status = case when ats_candidates.status = 'failed' then 'pending' else ats_candidates.status end,
             data = case when ats_candidates.status = 'failed' then excluded.data else ats_candidates.data end,
             posting_id = case when ats_candidates.status = 'failed' then excluded.posting_id else ats_candidates.posting_id end,
             error = case when ats_candidates.status = 'failed' then null else ats_candidates.error end,
             updated_at = now()
           returning *`,
          [recruiterId, input.profileKey, input.profileUrl, input.firstName, input.lastName, JSON.stringify(input), connection.ats, input.postingId ?? null],
        );
        if (inserted!.status === 'pending') await deps.jobs.enqueue(tx, 'ats.export', { candidateId: inserted!.id }, `ats-export:${inserted!.id}:${inserted!.updated_at.getTime()}`);
        return inserted!;
      });
      // The job runs right after commit; the control polls until it is no longer pending.
      return c.json({ candidate: candidateJson(row) }, row.status === 'pending' ? 202 : 200);
    })
    .get('/candidates', validate('query', SinceQuery), async (c) => {
      const { since, limit } = c.req.valid('query');
      const rows = await db.query<AtsCandidateRow>(
        `select * from ats_candidates where recruiter_id = $1 and ($2::timestamptz is null or updated_at > $2) order by updated_at limit $3`,
        [c.get('recruiter').id, since ? new Date(since) : null, limit]);
      return c.json({ candidates: rows.map(candidateJson) });
    })
    .get('/candidate', validate('query', KeyQuery), async (c) => {
      const row = await candidate(c.get('recruiter').id, c.req.valid('query').key);
      return c.json({ candidate: candidateJson(row), entries: await entries(row.id) });
    })
    .post('/candidate/notes', validate('query', KeyQuery), validate('json', NoteRequestSchema), async (c) => {
      const row = await candidate(c.get('recruiter').id, c.req.valid('query').key);
      const note = c.req.valid('json');
      await db.transaction(async (tx) => {
        await tx.query(`insert into ats_entries (candidate_id, kind, key, body) values ($1, 'note', $2, $3) on conflict (candidate_id, key) do nothing`,
          [row.id, note.key, JSON.stringify({ text: note.text })]);
        await deps.jobs.enqueue(tx, 'ats.push', { candidateId: row.id }, `ats-push:${row.id}:${note.key}`);
      });
      return c.json({ entries: await entries(row.id) }, 201);
    })
    .post('/candidate/messages', validate('query', KeyQuery), validate('json', MessagesRequestSchema), async (c) => {
      const row = await candidate(c.get('recruiter').id, c.req.valid('query').key);
      const { messages } = c.req.valid('json');
      await db.transaction(async (tx) => {
        for (const m of messages) {
          await tx.query(`insert into ats_entries (candidate_id, kind, key, body) values ($1, 'message', $2, $3) on conflict (candidate_id, key) do nothing`,
            [row.id, m.key, JSON.stringify(m)]);
        }
        await deps.jobs.enqueue(tx, 'ats.push', { candidateId: row.id }, `ats-push:${row.id}:messages:${Date.now()}`);
      });
      return c.json({ entries: await entries(row.id) }, 201);
    })
    // "Refresh": push what is waiting now, and answer the current state.
    .post('/candidate/sync', validate('query', KeyQuery), async (c) => {
      const row = await candidate(c.get('recruiter').id, c.req.valid('query').key);
      await db.transaction((tx) => deps.jobs.enqueue(tx, row.status === 'pending' || row.status === 'failed' ? 'ats.export' : 'ats.push', { candidateId: row.id }, `ats-sync:${row.id}:${Date.now()}`));
      return c.json({ candidate: candidateJson(row), entries: await entries(row.id) }, 202);
    })
    // Deletion on request: everything Parley holds about the person (the ATS keeps its own record).
    .delete('/candidate', validate('query', KeyQuery), async (c) => {
      const recruiterId = c.get('recruiter').id;
      const key = c.req.valid('query').key;
      await db.transaction(async (tx) => {
        await tx.query(`delete from ats_candidates where recruiter_id = $1 and profile_key = $2`, [recruiterId, key]);
        await tx.query(`delete from invitations where recruiter_id = $1 and recipient_key = $2`, [recruiterId, key]);
      });
      return c.json({ deleted: true });
    });
}
