import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Sql } from './db.js';

export interface JobRun {
  attempt: number;
  final: boolean;
  /** Aborted when this process lost the job's lease (another process may now run it). */
  signal: AbortSignal;
}

export type JobHandler = (payload: Record<string, unknown>, run: JobRun) => Promise<void>;

export interface JobQueue {
  /** Enqueue inside the caller's transaction, so the job exists iff the change committed. */
  enqueue(tx: Sql, kind: string, payload: Record<string, unknown>, dedupeKey?: string): Promise<void>;
  /** Runs every due job, one claim at a time, until none is left; returns how many ran. */
  runDue(): Promise<number>;
  start(intervalMs?: number): void;
  /** Claims nothing more and waits for the job that is running, if any, to finish. */
  stop(): Promise<void>;
}

export interface JobQueueOptions {
  /** How long a claimed job stays hidden from other processes unless renewed. */
  leaseMs?: number;
  /** How often the lease of a running job is renewed (default: a third of the lease). */
  heartbeatMs?: number;
  /** Who holds the leases, stored in jobs.locked_by (default host:pid). */
  owner?: string;
  log?: Pick<Console, 'warn' | 'error'>;
}

export const MAX_ATTEMPTS = 8;
/** A crashed process's job is taken over by another process after at most this long. */
export const DEFAULT_LEASE_MS = 15_000;

export class LeaseLostError extends Error {
  constructor(kind: string, id: string) {
    super(`The lease of job ${kind} ${id} passed to another process`);
    this.name = 'LeaseLostError';
  }
}

interface Claimed {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  token: string;
}

/**
 * A Postgres-backed queue that several processes share. A process claims one due job at a time
 * (FOR UPDATE SKIP LOCKED) with a short lease and renews it while the handler runs, so a running job
 * is never handed to another process, and the job of a process that died (kill -9, lost machine) is
 * taken over once its lease has passed. Failed jobs are retried with exponential backoff.
 *
 * This is at-least-once: a process can die after the handler's effect and before the job is marked
 * done, and the next run repeats the handler. Handlers must therefore be idempotent; lease + dedupe
 * keys + idempotent handlers give each effect exactly once.
 */
export function createJobQueue(db: Database, handlers: Record<string, JobHandler>, opts: JobQueueOptions = {}): JobQueue {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = opts.heartbeatMs ?? Math.max(10, Math.floor(leaseMs / 3));
  const owner = opts.owner ?? `${hostname()}:${process.pid}`;
  const log = opts.log ?? console;
  const leaseSeconds = leaseMs / 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopping = false;

  async function claim(): Promise<Claimed | undefined> {
    const token = randomUUID();
    const [job] = await db.query<Omit<Claimed, 'token'>>(
      `update jobs set locked_until = now() + make_interval(secs => $1), attempts = attempts + 1, lease_token = $2, locked_by = $3
        where id in (select id from jobs
                      where done_at is null and run_at <= now() and (locked_until is null or locked_until < now())
                      order by run_at limit 1 for update skip locked)
        returning id, kind, payload, attempts`,
      [leaseSeconds, token, owner],
    );
    return job && { ...job, token };
  }

  /** False when the lease is no longer ours (another process claimed the job, or it is done). */
  async function renew(job: Claimed): Promise<boolean> {
    const rows = await db.query(
      `update jobs set locked_until = now() + make_interval(secs => $3) where id = $1 and lease_token = $2 and done_at is null returning id`,
      [job.id, job.token, leaseSeconds],
    );
    return rows.length > 0;
  }

  async function run(job: Claimed): Promise<void> {
    const abort = new AbortController();
    let renewedAt = Date.now();
    let renewal: Promise<void> | undefined;
    const heartbeat = setInterval(() => {
      renewal ??= renew(job)
        .then((ours) => {
          if (ours) renewedAt = Date.now();
          else abort.abort(new LeaseLostError(job.kind, job.id));
        })
        .catch((err) => {
          log.warn(`[parley] job ${job.kind} ${job.id}: could not renew its lease: ${err instanceof Error ? err.message : err}`);
          if (Date.now() - renewedAt > leaseMs) abort.abort(new LeaseLostError(job.kind, job.id));
        })
        .finally(() => (renewal = undefined));
    }, heartbeatMs);
    let outcome: { ok: true } | { ok: false; message: string };
    try {
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
      await handler(job.payload, { attempt: job.attempts, final: job.attempts >= MAX_ATTEMPTS, signal: abort.signal });
      outcome = { ok: true };
    } catch (err) {
      outcome = { ok: false, message: err instanceof Error ? err.message : String(err) };
    } finally {
      clearInterval(heartbeat);
      // A renewal landing after the final update would hide the job for a whole lease.
      await renewal;
    }
    // Both updates are fenced by the lease token: a process whose lease passed to another one must
    // not mark the other's run done or failed.
    if (outcome.ok) {
      const done = await db.query(`update jobs set done_at = now(), locked_until = null, last_error = null where id = $1 and lease_token = $2 returning id`, [job.id, job.token]);
      if (!done.length) log.warn(`[parley] job ${job.kind} ${job.id} finished after its lease passed to another process, which runs it again`);
      return;
    }
    const giveUp = job.attempts >= MAX_ATTEMPTS;
    const delaySeconds = Math.min(3600, 2 ** job.attempts * 5);
    await db.query(
      `update jobs set locked_until = null, last_error = $2,
              run_at = now() + make_interval(secs => $3), done_at = case when $4 then now() else null end
        where id = $1 and lease_token = $5`,
      [job.id, outcome.message.slice(0, 1000), delaySeconds, giveUp, job.token],
    );
    log.warn(`[parley] job ${job.kind} failed (attempt ${job.attempts}${giveUp ? ', giving up' : ''}): ${outcome.message}`);
  }

  async function runDue(): Promise<number> {
    let ran = 0;
    do {
      again = false;
      for (let job = stopping ? undefined : await claim(); job; job = stopping ? undefined : await claim()) {
        await run(job);
        ran++;
      }
    } while (again && !stopping);
    return ran;
  }

  function tick(): Promise<number> {
    if (stopping) return running ?? Promise.resolve(0);
    if (running) {
      // A job enqueued while the loop finishes must not wait for the next poll.
      again = true;
      return running;
    }
    running = runDue().finally(() => (running = undefined));
    return running;
  }

  return {
    async enqueue(tx, kind, payload, dedupeKey) {
      await tx.query(
        `insert into jobs (kind, payload, dedupe_key) values ($1, $2, $3) on conflict (dedupe_key) do nothing`,
        [kind, JSON.stringify(payload), dedupeKey ?? null],
      );
      // Wake up soon after the caller's commit rather than waiting for the next poll.
      if (timer) setTimeout(() => void tick().catch((e) => log.error('[parley] job runner', e)), 50);
    },
    runDue: () => tick(),
    start(intervalMs = 1000) {
      stopping = false;
      timer ??= setInterval(() => void tick().catch((e) => log.error('[parley] job runner', e)), intervalMs);
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
