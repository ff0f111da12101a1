import { pathToFileURL } from 'node:url';
import { freeSlots, isSlotFree, type AvailabilityRules, type FreeSlotsInput, type Interval } from '../lib/availability';

/**
 * Benchmarks of the availability engine. Data are generated from a fixed seed, so every run
 * measures the same work. `bench/run.ts` calls `benchEngine()`; `npx tsx bench/engine.ts` prints.
 */

export interface BenchResult {
  name: string;
  median_ms: number;
  p95_ms: number;
  runs: number;
  budget_ms?: number;
  /** A size rather than a time (a built bundle): the ms fields are then 0. */
  value_kib?: number;
  budget_kib?: number;
}

const MIN = 60_000;
const DAY = 86_400_000;

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const split = [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }];
const RULES: AvailabilityRules = {
  timeZone: 'America/New_York',
  workingHours: { 1: split, 2: split, 3: split, 4: split, 5: split, 6: [], 7: [] },
  dateOverrides: { '2026-03-20': [{ start: '10:00', end: '14:00' }] },
  blockedDates: ['2026-03-27'],
  durationMinutes: 30,
  bufferBeforeMinutes: 10,
  bufferAfterMinutes: 10,
  minimumNoticeMinutes: 240,
  noSameDay: true,
  horizonDays: 30,
  dailyLimit: 6,
  slotStepMinutes: 15,
};
// A window across the US spring-forward, seen from Berlin (its own DST change falls inside too).
const NOW = Date.parse('2026-03-02T13:00:00Z');

/** `count` busy events of 15–120 minutes on 5-minute boundaries, spread over the 30-day window. */
function scenario(seed: number, busyCount: number, bookingCount: number): FreeSlotsInput {
  const random = prng(seed);
  const span = (minMinutes: number, maxMinutes: number): Interval => {
    const start = NOW + Math.floor((random() * 30 * DAY) / (5 * MIN)) * 5 * MIN;
    const minutes = minMinutes + Math.floor(random() * ((maxMinutes - minMinutes) / 15 + 1)) * 15;
    return { start, end: start + minutes * MIN };
  };
  return {
    rules: RULES,
    busy: Array.from({ length: busyCount }, () => span(15, 120)),
    bookings: Array.from({ length: bookingCount }, () => span(30, 30)),
    now: NOW,
    from: NOW,
    to: NOW + 30 * DAY,
    viewerTimeZone: 'Europe/Berlin',
  };
}

let sink = 0; // keeps the results alive so the work cannot be optimised away

export function measure(name: string, run: () => number, budget_ms?: number, runs = 100, warmup = 20): BenchResult {
  for (let i = 0; i < warmup; i++) sink += run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    sink += run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { name, median_ms: round(at(0.5)), p95_ms: round(at(0.95)), runs, ...(budget_ms === undefined ? {} : { budget_ms }) };
}

export async function benchEngine(): Promise<BenchResult[]> {
  const typical = scenario(1, 200, 20);
  const heavy = scenario(2, 2000, 60);
  const typicalSlots = freeSlots(typical);
  const probe = typicalSlots[Math.floor(typicalSlots.length / 2)] ?? { start: NOW, end: NOW + 30 * MIN };
  const results = [
    measure('freeSlots: 1 recruiter, 30-day window, 200 busy events', () => freeSlots(typical).length, 10),
    measure('freeSlots: 1 recruiter, 30-day window, 2,000 busy ranges', () => freeSlots(heavy).length),
    measure('isSlotFree: one slot against 2,000 busy ranges', () => (isSlotFree(heavy, probe) ? 1 : 0)),
  ];
  if (sink < 0) console.log(sink);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchEngine();
  for (const r of results) {
    const budget = r.budget_ms === undefined ? '' : `  (budget ${r.budget_ms} ms: ${r.p95_ms <= r.budget_ms ? 'ok' : 'OVER'})`;
    console.log(`${r.name}: median ${r.median_ms} ms, p95 ${r.p95_ms} ms over ${r.runs} runs${budget}`);
  }
}
