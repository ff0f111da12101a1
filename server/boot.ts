import path from 'node:path';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { migrate, openDatabase, type Database } from './db.js';
import type { Deps } from './deps.js';
import { jobHandlers } from './handlers.js';
import { createJobQueue, type JobQueueOptions } from './jobs.js';
import { createMailer, type Mailer } from './mail.js';
import { connectionsDirectory } from './connections.js';
import { createSealer, loadPreviousKeys, loadSecretKey } from './secrets.js';
import { createBusyCache } from './services/panel-people.js';

export interface Parley {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/**
 * Builds a running Parley from configuration: the database (PGlite in DATA_DIR unless DATABASE_URL
 * is set), migrations, the key, the mailer, the calendars and the job queue.
 */
export async function bootParley(config: Config, opts: { db?: Database; clock?: () => number; mailer?: Mailer; startJobs?: boolean; jobs?: JobQueueOptions } = {}): Promise<Parley> {
  const db = opts.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') }));
  await migrate(db);
  const key = await loadSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, warn: (m) => console.warn(`[parley] ${m}`) });
  const base = {
    db,
    config,
    clock: opts.clock ?? Date.now,
    sealer: createSealer(key, await loadPreviousKeys({ previousKeys: config.previousKeys, dataDir: config.dataDir })),
    mailer: opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
  };
  const withCalendars = { ...base, calendars: connectionsDirectory(base), busyCache: createBusyCache(config.busyCacheTtlMs, base.clock) };
  const jobs = createJobQueue(db, jobHandlers(withCalendars), opts.jobs);
  const deps: Deps = { ...withCalendars, jobs };
  if (opts.startJobs !== false) jobs.start();
  return {
    deps,
    app: createApp(deps),
    /** Finishes the running job step (claiming no more), then closes the database it opened. */
    async close() {
      await jobs.stop();
      if (!opts.db) await db.close();
    },
  };
}
