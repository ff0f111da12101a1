/**
 * `npm run load`: two backend processes (PARLEY_WORKERS=2) on a throwaway Postgres database, driven
 * over loopback by autocannon:
 *
 * - 200 candidates browse booking pages at once: each has their own link and source address
 *   (127.0.1.x, as distinct people would), and loads the page then the slots, with a random pause of
 *   up to THINK_MS before every request (a person reading, not a benchmark loop), VISITS times
 *   (LOAD_THINK_MS and LOAD_VISITS override both); then the same 200 once more without pauses, to
 *   show what the two processes serve flat out;
 * - meanwhile 50 candidates, each with their own link from one recruiter, book the same slot at the
 *   same moment.
 *
 * It then checks the database (exactly one of the 50 got the slot, no two confirmed bookings of a
 * recruiter overlap anywhere), that nothing answered 5xx or failed, and that the p99 of the booking
 * page answers is within budget; writes its section of docs/benchmarks.md (between the load markers,
 * which `npm run bench` keeps) and stops the servers with SIGTERM. Bounded: a fixed number of
 * requests, and a watchdog that gives up after TIME_LIMIT_MS.
 *
 * Postgres: DATABASE_URL (a server where the user may create databases), by default
 * postgres://postgres@127.0.0.1:5432/test. The database parley_load_<pid> is created and dropped.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { openDatabase, type Database } from '../server/db';

const CANDIDATES = 200;
const VISITS = Number(process.env.LOAD_VISITS ?? 3); // page + slots each: 1,200 requests
/** Up to this long before each request (5 s on average): at most about 40 requests a second from the 200. */
const THINK_MS = Number(process.env.LOAD_THINK_MS ?? 10_000);
const RACERS = 50;
const WORKERS = 2;
const P99_BUDGET_MS = 250;
const TIME_LIMIT_MS = 240_000;
const BENCHMARKS = 'docs/benchmarks.md';
const LOAD_START = '<!-- load:start -->';
const LOAD_END = '<!-- load:end -->';

/* The part of autocannon used here. */
interface AcRequest { method?: string; path?: string; headers?: Record<string, string>; body?: string }
interface AcClient {
  setRequests(requests: AcRequest[]): void;
  requestIterator: { currentRequestIndex: number };
  destroyed: boolean;
  reqsMade: number;
  responseMax?: number;
  timeout: number;
  timeoutTicker: { reschedule(ms: number): void };
  _connect(): void;
  _doRequest(...args: unknown[]): void;
  _resetConnection(): void;
}
interface AcResult {
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
  duration: number;
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
}
interface AcInstance extends PromiseLike<AcResult> {
  on(event: 'response', fn: (client: AcClient, status: number, bytes: number, ms: number) => void): void;
}
const run = autocannon as (opts: Record<string, unknown>) => AcInstance;

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = `parley_load_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const log = (m: string) => console.log(`[load] ${m}`);

/** Every connection of this client comes from `address` (loopback has all of 127/8). */
function fromAddress(client: AcClient, address: string) {
  const connect = Object.getPrototypeOf(client)._connect as () => void;
  client._connect = function () {
    const real = net.connect;
    (net as { connect: unknown }).connect = (port: number, host: string) => real({ port, host, localAddress: address });
    try {
      connect.call(this);
    } finally {
      (net as { connect: unknown }).connect = real;
    }
  };
}

/**
 * A person, not a benchmark loop: a random pause before each request, which then goes out on a new
 * connection, as a browser's would after seconds of reading (Node closes idle keep-alive connections
 * after 5 s; sending on one just as it closes would count the whole pause as latency).
 */
function thinking(client: AcClient, maxMs: number) {
  const doRequest = Object.getPrototypeOf(client)._doRequest as (...args: unknown[]) => void;
  let sendNow = false;
  let pausing = false;
  client._doRequest = function (...args: unknown[]) {
    if (sendNow || (this.responseMax && this.reqsMade >= this.responseMax)) {
      sendNow = false;
      return doRequest.apply(this, args);
    }
    if (pausing) return; // the server closed the idle connection: the pause already holds the next request
    pausing = true;
    const pause = Math.random() * maxMs;
    // autocannon's request timeout runs from the previous request: a pause is not a slow answer.
    this.timeoutTicker.reschedule(pause + this.timeout);
    setTimeout(() => {
      pausing = false;
      if (this.destroyed) return;
      sendNow = true;
      this._resetConnection(); // connects, then sends
    }, pause);
  };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (v: number) => Math.round(v * 10) / 10;

/** `candidates` people, each with their own link and address, loading the page then the slots `visits` times. */
async function browse(origin: string, links: string[], opts: { visits: number; thinkMs: number }) {
  const pageMs: number[] = [];
  const slotsMs: number[] = [];
  let next = 0;
  const instance = run({
    url: origin, connections: links.length, amount: links.length * opts.visits * 2, timeout: 10,
    requests: [{ method: 'GET', path: '/' }],
    setupClient(client: AcClient) {
      const i = next++;
      fromAddress(client, `127.0.1.${i + 1}`);
      if (opts.thinkMs > 0) thinking(client, opts.thinkMs);
      client.setRequests([
        { method: 'GET', path: `/b/${links[i]}?tz=Europe/Paris`, headers: { accept: 'text/html' } },
        { method: 'GET', path: `/b/${links[i]}/slots?tz=Europe/Paris`, headers: { accept: 'application/json' } },
      ]);
    },
  });
  instance.on('response', (client, _status, _bytes, took) => (client.requestIterator.currentRequestIndex === 0 ? pageMs : slotsMs).push(took));
  return { result: await instance, pageMs, slotsMs };
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function main() {
  // The machine may be busy with other work; the section says so.
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > os.cpus().length) log(`the machine is busy (load average ${loadBefore.toFixed(1)} on ${os.cpus().length} CPUs): latencies will show it`);
  const admin = await openDatabase({ databaseUrl: base });
  await admin.query(`create database ${dbName}`);
  log(`database ${dbName} created on ${new URL(base).host}`);
  let db: Database | undefined;
  let server: ReturnType<typeof spawn> | undefined;
  let output = '';
  // Given up or interrupted: the servers (the workers follow their primary) and the database go too.
  const abandon = (why: string) => {
    console.error(`[load] ${why}`);
    server?.kill('SIGKILL');
    void admin.query(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abandon(`gave up after ${TIME_LIMIT_MS / 1000} s`), TIME_LIMIT_MS);
  process.once('SIGINT', () => abandon('interrupted'));
  process.once('SIGTERM', () => abandon('terminated'));
  try {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env, DATABASE_URL: dbUrl, PARLEY_WORKERS: String(WORKERS), PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: origin,
        PARLEY_SECRET_KEY: randomBytes(32).toString('base64'), DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'parley-load-')), SMTP_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    while (!output.includes(`${WORKERS} workers on`)) {
      if (server.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
      await sleep(50);
    }
    log(`${WORKERS} workers listening on ${origin}`);

    const api = async <T>(p: string, json?: unknown, token?: string): Promise<T> => {
      const res = await fetch(`${origin}${p}`, {
        method: json ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: json ? JSON.stringify(json) : undefined,
      });
      if (res.status >= 300) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const recruiter = async (i: number) =>
      (await api<{ token: string }>('/api/auth/register', { email: `recruiter${i}@example.com`, name: `Recruiter ${i}`, password: 'correct horse battery', timeZone: 'America/New_York' })).token;
    const links = async (token: string, count: number, prefix: string) => {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const { invitation } = await api<{ invitation: { url: string } }>('/api/invitations', { recipient: { key: `linkedin:in:${prefix}-${i}`, name: `Candidate ${prefix} ${i}` } }, token);
        out.push(invitation.url.split('/b/')[1]!);
      }
      return out;
    };

    // Four recruiters with 50 browsing candidates and 20 busy events each; a fifth for the race.
    const browsing: string[] = [];
    for (let r = 0; r < 4; r++) {
      const token = await recruiter(r);
      for (let d = 1; d <= 10; d++) {
        const day = new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
        await api('/api/calendar/events', { start: `${day}T15:00:00Z`, end: `${day}T16:00:00Z` }, token);
        await api('/api/calendar/events', { start: `${day}T18:30:00Z`, end: `${day}T19:00:00Z` }, token);
      }
      browsing.push(...(await links(token, CANDIDATES / 4, `b${r}`)));
    }
    const racers = await links(await recruiter(4), RACERS, 'race');
    const { slots } = await api<{ slots: { start: string }[] }>(`/b/${racers[0]}/slots?tz=Europe/Paris`);
    const slot = slots[0]!.start;
    log(`${browsing.length} browsing links, ${racers.length} links racing for ${slot}`);

    // Warm-up (each worker's first pages build caches: luxon's formatter per time zone, the JIT).
    await run({ url: origin, connections: 4, amount: 80, requests: [{ method: 'GET', path: `/b/${browsing[0]}?tz=Europe/Paris` }, { method: 'GET', path: `/b/${browsing[0]}/slots?tz=Europe/Paris` }] });

    // The browsing candidates.
    const browsingRun = browse(origin, browsing, { visits: VISITS, thinkMs: THINK_MS });

    // The race, a second in, while the pages are busy.
    await sleep(1000);
    const bookStatuses: number[] = [];
    let racer = 0;
    const race = run({
      url: origin, connections: RACERS, amount: RACERS, timeout: 10,
      requests: [{ method: 'GET', path: '/' }],
      setupClient(client: AcClient) {
        const i = racer++;
        fromAddress(client, `127.0.2.${i + 1}`);
        client.setRequests([{
          method: 'POST', path: `/b/${racers[i]}/book`, headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ start: slot, timeZone: 'Asia/Kolkata', name: `Racer ${i}`, country: 'IN', phone: '098765 43210', email: `racer${i}@example.com`, note: 'thanks' }),
        }]);
      },
    });
    race.on('response', (_client, status) => bookStatuses.push(status));
    const [{ result: browsed, pageMs, slotsMs }, raced] = await Promise.all([browsingRun, race]);
    // Then the same candidates without pauses, once: how much the two processes serve flat out.
    const flat = await browse(origin, browsing, { visits: 1, thinkMs: 0 });
    const flatAll = [...flat.pageMs, ...flat.slotsMs];
    const flatOk = flat.result.statusCodeStats['200']?.count ?? 0;

    // What the database says.
    db = await openDatabase({ databaseUrl: dbUrl });
    const [won] = await db.query<{ n: number }>(
      `select count(*)::int as n from bookings where status = 'confirmed' and recruiter_id = (select id from recruiters where email = 'recruiter4@example.com')`);
    const [overlaps] = await db.query<{ n: number }>(
      `select count(*)::int as n from bookings a join bookings b on a.recruiter_id = b.recruiter_id and a.id < b.id
        where a.status = 'confirmed' and b.status = 'confirmed' and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`);
    const [confirmed] = await db.query<{ n: number }>(`select count(*)::int as n from bookings where status = 'confirmed'`);

    server.kill('SIGTERM');
    const code = await exited;
    server = undefined;

    const count = (stats: Record<string, { count: number }>, test: (s: number) => boolean) =>
      Object.entries(stats).filter(([s]) => test(Number(s))).reduce((n, [, v]) => n + v.count, 0);
    const browse5xx = count(browsed.statusCodeStats, (s) => s >= 500) + count(flat.result.statusCodeStats, (s) => s >= 500);
    const browseNon200 = count(browsed.statusCodeStats, (s) => s !== 200);
    const race5xx = bookStatuses.filter((s) => s >= 500).length;
    const all = [...pageMs, ...slotsMs];
    const p99 = percentile(all, 99);
    const results = {
      requests: browsed.requests.total, seconds: browsed.duration, p50: percentile(all, 50), p90: percentile(all, 90), p99, max: Math.max(...all),
      pageP99: percentile(pageMs, 99), slotsP99: percentile(slotsMs, 99),
      browse5xx, browseNon200, errors: browsed.errors + raced.errors, timeouts: browsed.timeouts + raced.timeouts,
      booked: bookStatuses.filter((s) => s === 201).length, taken: bookStatuses.filter((s) => s === 409).length, race5xx, raceAnswers: bookStatuses.length,
      won: won!.n, overlaps: overlaps!.n, confirmed: confirmed!.n, exitCode: code,
    };
    const failures = [
      results.overlaps !== 0 && `${results.overlaps} double bookings`,
      results.won !== 1 && `${results.won} bookings of the raced slot (expected 1)`,
      (results.booked !== 1 || results.taken !== RACERS - 1) && `race answers: ${results.booked} × 201, ${results.taken} × 409 of ${results.raceAnswers}`,
      browse5xx + race5xx > 0 && `${browse5xx + race5xx} answers 5xx`,
      browseNon200 > 0 && `${browseNon200} booking page answers not 200`,
      results.errors + results.timeouts > 0 && `${results.errors} connection errors, ${results.timeouts} timeouts`,
      results.exitCode !== 0 && `the servers exited ${results.exitCode} on SIGTERM`,
    ].filter(Boolean) as string[];
    // Both answers of the booking page are held to the budget, each on its own.
    const overBudget = results.pageP99 > P99_BUDGET_MS || results.slotsP99 > P99_BUDGET_MS;
    const verdict = (v: number) => (v > P99_BUDGET_MS ? `**over ${P99_BUDGET_MS} ms**` : `within ${P99_BUDGET_MS} ms`);

    const section = `${LOAD_START}
## Load: ${WORKERS} processes on one Postgres

Written by \`npm run load\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadBefore.toFixed(1)} before the run):
\`PARLEY_WORKERS=${WORKERS}\` on a throwaway Postgres database, autocannon over loopback on the same machine.
${CANDIDATES} candidates browse at once, each with their own link and source address, loading the page and
then the slots ${VISITS} times with a random pause of up to ${THINK_MS / 1000} s before each request (people reading; each
request on a new connection); a second in, ${RACERS} links of one recruiter book the same slot at the same
moment. Then the same ${CANDIDATES} once more without pauses, all at once, to show the capacity. 80 requests
warm the processes up first.

| measure | result | budget |
|---|---|---|
| booking page (GET /b/:token, HTML), p99 | ${ms(results.pageP99)} ms | ${verdict(results.pageP99)} |
| its slots (GET /b/:token/slots, JSON), p99 | ${ms(results.slotsP99)} ms | ${verdict(results.slotsP99)} |
| both together, p50 / p90 / p99 / max | ${ms(results.p50)} / ${ms(results.p90)} / ${ms(p99)} / ${ms(results.max)} ms | — |
| booking page requests | ${all.length} in ${results.seconds} s (${Math.round(all.length / results.seconds)} a second on average), ${browseNon200} not 200 | — |
| racing bookings of one slot | ${results.booked} × 201, ${results.taken} × 409 | exactly one 201 |
| double bookings in the database | ${results.overlaps} | 0 |
| the same ${CANDIDATES} without pauses, one visit each (no budget) | ${flatAll.length} requests in ${flat.result.duration} s, p50 ${ms(percentile(flatAll, 50))} ms, p99 ${ms(percentile(flatAll, 99))} ms, ${flatOk} × 200 | — |
| 5xx, connection errors, timeouts | ${browse5xx + race5xx}, ${results.errors}, ${results.timeouts} | 0 |
| exit on SIGTERM | code ${results.exitCode} | 0 |
${LOAD_END}`;
    writeSection(section);
    console.log(`\n${section}\n`);
    if (failures.length) console.error(`[load] FAILED: ${failures.join('; ')}`);
    if (overBudget) console.error(`[load] p99 of the page ${ms(results.pageP99)} ms, of the slots ${ms(results.slotsP99)} ms: over the ${P99_BUDGET_MS} ms budget`);
    if (failures.length || overBudget) {
      if (failures.length) console.error(output.split('\n').slice(-30).join('\n'));
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(watchdog);
    server?.kill('SIGKILL');
    await db?.close();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.close();
    log(`database ${dbName} dropped`);
  }
}

/** Replaces the load section of docs/benchmarks.md, or adds it; the rest of the file is `npm run bench`'s. */
function writeSection(section: string) {
  mkdirSync(path.dirname(BENCHMARKS), { recursive: true });
  const current = existsSync(BENCHMARKS) ? readFileSync(BENCHMARKS, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(LOAD_START);
  const end = current.indexOf(LOAD_END);
  const next = start >= 0 && end > start
    ? current.slice(0, start) + section + current.slice(end + LOAD_END.length)
    : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(BENCHMARKS, next);
}

await main();
