import { z } from 'zod';
import { db } from '../db';
import type { messages, Result } from '../protocol';
import { AtsCandidateSchema, AtsEntrySchema, AtsStatusSchema, PostingSchema, type AtsCandidate } from '../schemas';

type Api = ReturnType<typeof import('./api').apiClient>;
type Authed = <T>(run: (api: Api) => Promise<T>) => Promise<Result<T>>;
type Req<T extends keyof typeof messages> = z.output<(typeof messages)[T]['request']>;

const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Pulls what changed on the backend into the cache the badges and the profile panel read. */
export async function syncCandidates(authed: Authed): Promise<Result<{ updated: number }>> {
  const since = (await db.meta.get('candidatesSince'))?.value as string | undefined;
  return authed(async (api) => {
    let updated = 0;
    let cursor = since;
    for (;;) {
      const page = z.object({ candidates: z.array(AtsCandidateSchema) }).parse(
        await api.get('ats/candidates', { searchParams: cursor ? { since: cursor, limit: 5000 } : { limit: 5000 } }).json(),
      );
      if (!page.candidates.length) break;
      await db.candidates.bulkPut(page.candidates);
      updated += page.candidates.length;
      cursor = page.candidates.at(-1)!.updatedAt;
      if (page.candidates.length < 5000) break;
    }
    if (cursor) await db.meta.put({ key: 'candidatesSince', value: cursor });
    return { updated };
  });
}

async function remember(candidate: AtsCandidate) {
  await db.candidates.put(candidate);
}

export function atsHandlers(authed: Authed) {
  return {
    async 'ats.status'() {
      const r = await authed(async (api) => AtsStatusSchema.parse(await api.get('ats').json()));
      if (r.ok) await db.meta.put({ key: 'atsPolicy', value: r.data.connected ? r.data.policy : { pushMessages: false } });
      return r;
    },
    async 'ats.connect'(p: Req<'ats.connect'>) {
      const r = await authed(async (api) => z.object({ connected: z.boolean() }).parse(await api.put('ats', { json: p, timeout: 60_000 }).json()));
      if (r.ok) await syncCandidates(authed);
      return r;
    },
    async 'ats.policy'(p: Req<'ats.policy'>) {
      return authed(async (api) => {
        await api.patch('ats/policy', { json: p }).json();
        await db.meta.put({ key: 'atsPolicy', value: p });
        return {};
      });
    },
    async 'ats.disconnect'() {
      return authed(async (api) => {
        await api.delete('ats').json();
        return {};
      });
    },
    async 'ats.postings'(p: Req<'ats.postings'>) {
      return authed(async (api) => z.object({ postings: z.array(PostingSchema) })
        .parse(await api.get('ats/postings', { searchParams: p.reload ? { reload: '1' } : {}, timeout: 60_000 }).json()));
    },
    async 'ats.postingDefault'(p: Req<'ats.postingDefault'>) {
      if (p.postingId) await db.postingDefaults.put({ contextKey: p.contextKey, postingId: p.postingId });
      const row = await db.postingDefaults.get(p.contextKey);
      return { ok: true as const, data: { postingId: row?.postingId ?? null } };
    },
    async 'ats.export'(p: Req<'ats.export'>) {
      const r = await authed(async (api) => z.object({ candidate: AtsCandidateSchema }).parse(await api.post('ats/exports', { json: p, timeout: 30_000 }).json()));
      if (r.ok) await remember(r.data.candidate);
      return r;
    },
    async 'ats.candidate'(p: Req<'ats.candidate'>) {
      const cached = await db.candidates.get(p.key);
      const r = await authed(async (api) => {
        const path = p.refresh ? 'ats/candidate/sync' : 'ats/candidate';
        const answer = p.refresh ? api.post(path, { searchParams: { key: p.key } }) : api.get(path, { searchParams: { key: p.key } });
        return z.object({ candidate: AtsCandidateSchema, entries: z.array(AtsEntrySchema) }).parse(await answer.json());
      });
      if (r.ok) {
        await remember({ ...r.data.candidate });
        await db.candidates.update(p.key, { entries: r.data.entries });
        return r;
      }
      if (r.code === 'refused' && /not been exported/.test(r.error)) {
        await db.candidates.delete(p.key);
        return { ok: true as const, data: { candidate: null, entries: [] } };
      }
      // Offline: the panel renders from the cache.
      if (r.code === 'network' && cached) return { ok: true as const, data: { candidate: cached, entries: cached.entries ?? [] } };
      return r;
    },
    async 'ats.note'(p: Req<'ats.note'>) {
      const r = await authed(async (api) => z.object({ entries: z.array(AtsEntrySchema) })
        .parse(await api.post('ats/candidate/notes', { searchParams: { key: p.key }, json: { key: newKey(), text: p.text } }).json()));
      if (r.ok) await db.candidates.update(p.key, { entries: r.data.entries });
      return r;
    },
    async 'ats.messages'(p: Req<'ats.messages'>) {
      const { key, ...body } = p;
      // Only people in the ATS: no network call for every conversation.
      const known = await db.candidates.get(key);
      if (!known || (known.status !== 'exported' && known.status !== 'linked')) return { ok: true as const, data: { entries: [] } };
      const policy = (await db.meta.get('atsPolicy'))?.value as { pushMessages?: boolean } | undefined;
      if (policy && !policy.pushMessages) return { ok: true as const, data: { entries: known.entries ?? [] } };
      return authed(async (api) => z.object({ entries: z.array(AtsEntrySchema) })
        .parse(await api.post('ats/candidate/messages', { searchParams: { key }, json: body }).json()));
    },
    async 'ats.badges'(p: Req<'ats.badges'>) {
      const rows = await db.candidates.bulkGet(p.keys);
      const found: Record<string, { ats: string; atsUrl: string | null; status: string }> = {};
      rows.forEach((row, i) => {
        if (row && row.status !== 'failed') found[p.keys[i]!] = { ats: row.ats, atsUrl: row.atsUrl, status: row.status };
      });
      return { ok: true as const, data: { found } };
    },
    async 'ats.sync'() {
      return syncCandidates(authed);
    },
    async 'ats.delete'(p: Req<'ats.delete'>) {
      const r = await authed(async (api) => {
        await api.delete('ats/candidate', { searchParams: { key: p.key } }).json();
        return {};
      });
      // Local data goes even when the backend answered "not exported" (nothing there).
      if (r.ok || r.code === 'refused') {
        await Promise.all([db.candidates.delete(p.key), db.invitations.delete(p.key)]);
        return { ok: true as const, data: {} };
      }
      return r;
    },
  };
}
