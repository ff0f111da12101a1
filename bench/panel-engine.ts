import { pathToFileURL } from 'node:url';
import { freeLoops, placeLoop, type Interval, type PanelInput, type Person, type TimeRange } from '../lib/availability';
import { measure as measureRuns, prng, type BenchResult } from './engine';

/**
 * Benchmarks of the panel engine. Data are generated from a fixed seed, so every run measures the
 * same work. `bench/run.ts` calls `benchPanelEngine()`; `npx tsx bench/panel-engine.ts` prints.
 */

const MIN = 60_000;
const DAY = 86_400_000;

// A window across the US (2026-03-08) and EU (2026-03-29) spring-forwards.
const NOW = Date.parse('2026-03-02T13:00:00Z');
const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Europe/Berlin', 'Asia/Dubai'];

function people(seed: number, busyCount: number): Person[] {
  const random = prng(seed);
  /** 15–120 minutes on 5-minute boundaries, anywhere in the 30-day window. */
  const span = (minMinutes: number, maxMinutes: number): Interval => {
    const start = NOW + Math.floor((random() * 30 * DAY) / (5 * MIN)) * 5 * MIN;
    const minutes = minMinutes + Math.floor(random() * ((maxMinutes - minMinutes) / 15 + 1)) * 15;
    return { start, end: start + minutes * MIN };
  };
  return ZONES.map((timeZone, i) => {
    const day: TimeRange[] = i % 2 === 0 ? [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '19:00' }] : [{ start: '07:00', end: '20:00' }];
    return {
      id: `interviewer${i}@example.com`,
      rules: {
        timeZone,
        workingHours: { 1: day, 2: day, 3: day, 4: day, 5: day, 6: [], 7: [] },
        dateOverrides: {},
        blockedDates: [],
        bufferBeforeMinutes: 5,
        bufferAfterMinutes: 10,
        dailyLimit: 4,
      },
      busy: Array.from({ length: busyCount }, () => span(15, 120)),
      bookings: Array.from({ length: 10 }, () => span(45, 60)),
    };
  });
}

function scenario(seed: number, busyCount: number, kind: 'loop' | 'together'): PanelInput {
  const ps = people(seed, busyCount);
  const ids = ps.map((p) => p.id);
  const sessions =
    kind === 'together'
      ? [{ durationMinutes: 30, required: ids, pool: [] }]
      : [
          { durationMinutes: 45, required: [ids[0]!], pool: [] },
          { durationMinutes: 30, required: [ids[1]!, ids[2]!], pool: [] },
          { durationMinutes: 60, required: [], pool: [ids[3]!, ids[4]!] },
        ];
  return {
    people: ps,
    sessions,
    gapMinutes: 15,
    order: kind === 'together' ? 'fixed' : 'free',
    loop: { timeZone: 'America/New_York', minimumNoticeMinutes: 240, noSameDay: true, horizonDays: 30, slotStepMinutes: 15 },
    now: NOW,
    from: NOW,
    to: NOW + 30 * DAY,
    viewerTimeZone: 'Europe/Berlin',
  };
}

const measure = (name: string, run: () => number, budget_ms?: number) => measureRuns(name, run, budget_ms, 50, 10);

export async function benchPanelEngine(): Promise<BenchResult[]> {
  const loop = scenario(1, 200, 'loop');
  const together = scenario(2, 200, 'together');
  const loops = freeLoops(loop);
  const probe = loops[Math.floor(loops.length / 2)]?.start ?? NOW;
  const results = [
    measure('freeLoops: 5 interviewers, 30-day window, 200 busy events each, 3-session loop in free order', () => freeLoops(loop).length, 20),
    measure('freeLoops: 5 interviewers together for 30 minutes, 30-day window, 200 busy events each', () => freeLoops(together).length),
    measure('placeLoop: one loop start, same 5 interviewers', () => (placeLoop(loop, probe) ? 1 : 0)),
  ];
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchPanelEngine();
  for (const r of results) {
    const budget = r.budget_ms === undefined ? '' : `  (budget ${r.budget_ms} ms: ${r.p95_ms <= r.budget_ms ? 'ok' : 'OVER'})`;
    console.log(`${r.name}: median ${r.median_ms} ms, p95 ${r.p95_ms} ms over ${r.runs} runs${budget}`);
  }
  const sample = scenario(1, 200, 'loop');
  console.log(`(${freeLoops(sample).length} loops offered in the first case, ${freeLoops(scenario(2, 200, 'together')).length} in the second)`);
}
