import 'fake-indexeddb/auto';
import { atsHandlers } from '../lib/background/ats';
import { db } from '../lib/db';
import type { BenchResult } from './engine';

/**
 * In-ATS badges for one page of 100 search results, answered from a cache of 50,000 candidates:
 * the background's `ats.badges` handler (one IndexedDB bulkGet), on fake-indexeddb in Node — a
 * pessimistic stand-in for the browser's IndexedDB.
 */
export async function benchBadges(): Promise<BenchResult[]> {
  await db.candidates.clear();
  const rows = Array.from({ length: 50_000 }, (_, i) => ({
    profileKey: `linkedin:in:person-${i}`, profileUrl: `https://www.linkedin.com/in/person-${i}/`, name: `Person ${i}`, ats: 'lever' as const,
    status: 'exported' as const, atsUrl: `https://hire.lever.co/candidates/${i}`, error: null, postingId: null, updatedAt: new Date(1_700_000_000_000 + i).toISOString(),
  }));
  for (let i = 0; i < rows.length; i += 5000) await db.candidates.bulkPut(rows.slice(i, i + 5000));
  const badges = atsHandlers(async () => ({ ok: false, error: 'offline', code: 'network' }))['ats.badges'];
  const times: number[] = [];
  for (let run = 0; run < 60; run++) {
    // A page mixes known and unknown people.
    const keys = Array.from({ length: 100 }, (_, i) => `linkedin:in:person-${(run * 997 + i * 613) % 100_000}`);
    const t0 = performance.now();
    const r = await badges({ keys });
    if (run >= 10) times.push(performance.now() - t0);
    if (!r.ok) throw new Error('badges failed');
  }
  await db.candidates.clear();
  times.sort((a, b) => a - b);
  const q = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2));
  return [{ name: 'In-ATS badges: 100 result cards from a cache of 50,000 candidates (one bulkGet, fake-indexeddb)', median_ms: q(0.5), p95_ms: q(0.95), runs: times.length }];
}
