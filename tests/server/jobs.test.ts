import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrate, openDatabase, type Database, type Sql } from '../../server/db.js';
import { createJobQueue, LeaseLostError, type JobHandler, type JobQueueOptions, type JobRun } from '../../server/jobs.js';

/*
 * The job queue as several processes see it. On Postgres (DATABASE_URL) every "process" is a queue
 * with its own connection pool on this file's schema, so claims really race; on PGlite (one process
 * by nature) the queues share the one database, which still checks leases and fencing. Processes
 * dying for real (kill -9) are in cluster.test.ts.
 *
 * The handler records each run in `job_runs` (at its start: a run that dies later still counts) and
 * makes its effect idempotently in `job_effects`, as every real handler must.
 */

const url = process.env.DATABASE_URL;
const schema = `t_jobs_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let schemaUrl: string | undefined;
let db: Database;
const pools: Database[] = [];

beforeAll(async () => {
  if (url) {
    const admin = await openDatabase({ databaseUrl: url });
    await admin.query(`create schema ${schema}`);
    await admin.close();
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${schema},public`);
    schemaUrl = u.toString();
  }
  db = await openDatabase({ databaseUrl: schemaUrl });
  await migrate(db);
  await db.query(`create table job_runs (n int not null, owner text not null, attempt int not null, at timestamptz not null default clock_timestamp())`);
  await db.query(`create table job_effects (n int primary key, owner text not null)`);
});
afterAll(async () => {
  for (const pool of pools) await pool.close();
  await db?.close();
  if (url) {
    const admin = await openDatabase({ databaseUrl: url });
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.close();
  }
});
beforeEach(async () => {
  await db.query(`truncate jobs, job_runs, job_effects`);
});

/** What one process talks to the database through: its own pool on Postgres, the shared PGlite otherwise. */
async function processDb(): Promise<Database> {
  if (!schemaUrl) return db;
  const pool = await openDatabase({ databaseUrl: schemaUrl });
  pools.push(pool);
  return pool;
}

/** A process that can be killed: afterwards none of its queries reach the database, or ever answer. */
function killable(inner: Database) {
  let dead = false;
  const never = new Promise<never>(() => undefined);
  const db: Database = {
    kind: inner.kind,
    query: <T>(text: string, params?: unknown[]) => (dead ? never : inner.query<T>(text, params)),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => (dead ? never : inner.transaction(fn)),
    close: async () => undefined,
  };
  return { db, kill: () => void (dead = true) };
}

const quiet = { warn: () => undefined, error: () => undefined };

interface Behaviour {
  /** Waited for after the effect, before the handler returns. */
  hold?: (run: JobRun) => Promise<void>;
  fail?: boolean;
}

/** A queue as process `owner` runs it, with the recording handler. */
async function processQueue(owner: string, opts: JobQueueOptions & { db?: Database; behaviour?: Behaviour } = {}) {
  const conn = opts.db ?? (await processDb());
  const handlers: Record<string, JobHandler> = {
    'test.record': async (payload, run) => {
      const n = Number(payload.n);
      await conn.query(`insert into job_runs (n, owner, attempt) values ($1, $2, $3)`, [n, owner, run.attempt]);
      await conn.query(`insert into job_effects (n, owner) values ($1, $2) on conflict (n) do nothing`, [n, owner]);
      await opts.behaviour?.hold?.(run);
      if (opts.behaviour?.fail) throw new Error(`${owner} failed`);
    },
  };
  return createJobQueue(conn, handlers, { owner, log: quiet, ...opts });
}

async function enqueue(count: number, from = 1) {
  const q = createJobQueue(db, {});
  for (let n = from; n < from + count; n++) await db.transaction((tx) => q.enqueue(tx, 'test.record', { n }, `record:${n}`));
}

const jobs = () => db.query<{ n: number; attempts: number; done: boolean; locked_by: string | null; leased: boolean; last_error: string | null }>(
  `select (payload->>'n')::int as n, attempts, done_at is not null as done, locked_by, coalesce(locked_until > now(), false) as leased, last_error from jobs order by 1`);
const runs = () => db.query<{ n: number; owner: string; attempt: number }>(`select n, owner, attempt from job_runs order by at`);
const effects = () => db.query<{ n: number; owner: string }>(`select n, owner from job_effects order by n`);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}

describe('the job queue shared by several processes', () => {
  it('runs every job exactly once when three processes drain it at the same time', async () => {
    await enqueue(45);
    const queues = await Promise.all(['p1', 'p2', 'p3'].map((owner) => processQueue(owner, { behaviour: { hold: () => sleep(5) } })));
    const ran = await Promise.all(queues.map((q) => q.runDue()));
    expect(ran.reduce((a, b) => a + b, 0)).toBe(45);

    const all = await runs();
    expect(all).toHaveLength(45);
    expect(new Set(all.map((r) => r.n)).size).toBe(45);
    expect(new Set(all.map((r) => r.owner)).size).toBeGreaterThan(1); // shared, not one process doing it all
    expect((await jobs()).every((j) => j.done && j.attempts === 1 && !j.leased)).toBe(true);
    expect(await effects()).toHaveLength(45);
  });

  it('makes one job of two enqueues with the same dedupe key', async () => {
    await enqueue(1);
    await enqueue(1);
    expect(await jobs()).toHaveLength(1);
    expect(await (await processQueue('p1')).runDue()).toBe(1);
    expect(await runs()).toHaveLength(1);
  });

  it('keeps renewing the lease of a running job, so no other process takes it', async () => {
    await enqueue(1);
    const release = gate();
    const a = await processQueue('a', { leaseMs: 600, heartbeatMs: 100, behaviour: { hold: () => release.opened } });
    const b = await processQueue('b', { leaseMs: 600 });
    const running = a.runDue();
    await until(async () => (await runs()).length === 1);
    // Three leases long, B keeps looking for due work.
    const end = Date.now() + 1800;
    while (Date.now() < end) {
      expect(await b.runDue()).toBe(0);
      await sleep(50);
    }
    expect((await jobs())[0]).toMatchObject({ leased: true, locked_by: 'a', done: false });
    release.open();
    expect(await running).toBe(1);
    expect(await runs()).toEqual([{ n: 1, owner: 'a', attempt: 1 }]);
    expect((await jobs())[0]).toMatchObject({ done: true, attempts: 1, leased: false });
  });

  it('hands the job of a process that died mid-job to another once its lease passed; the idempotent effect happens once', async () => {
    await enqueue(1);
    const dying = killable(await processDb());
    const never = gate();
    const a = await processQueue('a', { db: dying.db, leaseMs: 400, behaviour: { hold: () => never.opened } });
    const b = await processQueue('b', { leaseMs: 400 });
    void a.runDue();
    await until(async () => (await effects()).length === 1);
    dying.kill(); // after its effect, before it could mark the job done: like kill -9
    const killedAt = Date.now();

    expect(await b.runDue()).toBe(0); // the lease still holds
    await until(async () => (await b.runDue()) === 1, 3000);
    expect(Date.now() - killedAt).toBeLessThan(400 + 1500); // the lease, not minutes

    expect((await runs()).map((r) => [r.owner, r.attempt])).toEqual([['a', 1], ['b', 2]]); // at least once…
    expect(await effects()).toEqual([{ n: 1, owner: 'a' }]); // …and, the handler being idempotent, one effect
    expect((await jobs())[0]).toMatchObject({ done: true, attempts: 2, locked_by: 'b', last_error: null });
    never.open();
  });

  it.each(['finishes', 'fails'] as const)('does not let a process whose lease passed to another mark the job when it %s', async (outcome) => {
    await enqueue(1);
    const aGate = gate();
    const bGate = gate();
    // A stalls (its heartbeat never comes in time), as a process stopped in a debugger or swapping would.
    const a = await processQueue('a', { leaseMs: 200, heartbeatMs: 60_000, behaviour: { hold: () => aGate.opened, fail: outcome === 'fails' } });
    const b = await processQueue('b', { leaseMs: 5000, behaviour: { hold: () => bGate.opened } });
    const aRun = a.runDue();
    await until(async () => (await runs()).length === 1);
    await sleep(250);
    const bRun = b.runDue();
    await until(async () => (await runs()).length === 2);

    aGate.open();
    await aRun;
    // B's run is untouched: neither done nor rescheduled by A.
    expect((await jobs())[0]).toMatchObject({ done: false, leased: true, locked_by: 'b', attempts: 2, last_error: null });
    bGate.open();
    await bRun;
    expect((await jobs())[0]).toMatchObject({ done: true, locked_by: 'b', attempts: 2, last_error: null });
    expect(await effects()).toHaveLength(1);
  });

  it("aborts the handler's signal when the lease is lost", async () => {
    await enqueue(1);
    let seen: unknown;
    const a = await processQueue('a', {
      leaseMs: 300,
      heartbeatMs: 50,
      behaviour: {
        hold: (run) => new Promise<void>((resolve) => {
          run.signal.addEventListener('abort', () => ((seen = run.signal.reason), resolve()));
          setTimeout(resolve, 3000);
        }),
      },
    });
    const running = a.runDue();
    await until(async () => (await runs()).length === 1);
    await db.query(`update jobs set lease_token = gen_random_uuid(), locked_by = 'another'`);
    await running;
    expect(seen).toBeInstanceOf(LeaseLostError);
    expect((await jobs())[0]).toMatchObject({ done: false, locked_by: 'another' });
  });

  it('stop() lets the running job finish and claims nothing more', async () => {
    await enqueue(3);
    const a = await processQueue('a', { behaviour: { hold: () => sleep(300) } });
    a.start(20);
    await until(async () => (await runs()).length === 1);
    await a.stop();
    const after = await jobs();
    expect(after[0]).toMatchObject({ n: 1, done: true, attempts: 1 });
    expect(after.slice(1)).toEqual([
      expect.objectContaining({ n: 2, done: false, attempts: 0, locked_by: null }),
      expect.objectContaining({ n: 3, done: false, attempts: 0, locked_by: null }),
    ]);
    expect(await (await processQueue('b')).runDue()).toBe(2);
    expect((await runs()).map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it('retries a failed job later, with the error kept', async () => {
    await enqueue(1);
    expect(await (await processQueue('a', { behaviour: { fail: true } })).runDue()).toBe(1);
    const [job] = await db.query<{ last_error: string; later: boolean; leased: boolean }>(
      `select last_error, run_at > now() + interval '5 seconds' as later, locked_until is not null as leased from jobs`);
    expect(job).toEqual({ last_error: 'a failed', later: true, leased: false });
    expect(await (await processQueue('b')).runDue()).toBe(0);
  });
});
