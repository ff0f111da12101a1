import type { Database, Sql } from './db.js';

export type JobHandler = (payload: Record<string, unknown>, run: { attempt: number; final: boolean }) => Promise<void>;

export interface JobQueue {
  /** Enqueue inside the caller's transaction, so the job exists iff the change committed. */
  enqueue(tx: Sql, kind: string, payload: Record<string, unknown>, dedupeKey?: string): Promise<void>;
  /** Runs every due job once; returns how many ran. */
  runDue(): Promise<number>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export const MAX_ATTEMPTS = 8;

/**
 * A Postgres-backed queue: jobs survive restarts, several processes share it (SKIP LOCKED), and a
 * failed job is retried with exponential backoff. Handlers must be idempotent.
 */
export function createJobQueue(db: Database, handlers: Record<string, JobHandler>, log = console): JobQueue {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function runDue(): Promise<number> {
    const due = await db.query<{ id: string; kind: string; payload: Record<string, unknown>; attempts: number }>(
      `update jobs set locked_until = now() + interval '2 minutes', attempts = attempts + 1
        where id in (select id from jobs
                      where done_at is null and run_at <= now() and (locked_until is null or locked_until < now())
                      order by run_at limit 20 for update skip locked)
        returning id, kind, payload, attempts`,
    );
    for (const job of due) {
      const handler = handlers[job.kind];
      try {
        if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
        await handler(job.payload, { attempt: job.attempts, final: job.attempts >= MAX_ATTEMPTS });
        await db.query(`update jobs set done_at = now(), locked_until = null, last_error = null where id = $1`, [job.id]);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const giveUp = job.attempts >= MAX_ATTEMPTS;
        const delaySeconds = Math.min(3600, 2 ** job.attempts * 5);
        await db.query(
          `update jobs set locked_until = null, last_error = $2,
                  run_at = now() + make_interval(secs => $3), done_at = case when $4 then now() else null end
            where id = $1`,
          [job.id, message.slice(0, 1000), delaySeconds, giveUp],
        );
        log.warn(`[parley] job ${job.kind} failed (attempt ${job.attempts}${giveUp ? ', giving up' : ''}): ${message}`);
      }
    }
    return due.length;
  }

  function tick() {
    running ??= runDue().finally(() => (running = undefined));
    return running;
  }

  return {
    async enqueue(tx, kind, payload, dedupeKey) {
      await tx.query(
        `insert into jobs (kind, payload, dedupe_key) values ($1, $2, $3) on conflict (dedupe_key) do nothing`,
        [kind, JSON.stringify(payload), dedupeKey ?? null],
      );
      // Wake up soon after the caller's commit rather than waiting for the next poll.
      if (timer) setTimeout(() => void tick().catch(() => undefined), 50);
    },
    runDue: () => tick(),
    start(intervalMs = 1000) {
      timer ??= setInterval(() => void tick().catch((e) => log.error('[parley] job runner', e)), intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
