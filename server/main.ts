import cluster, { type Worker } from 'node:cluster';
import type { Server, ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import { z } from 'zod';
import { loadConfig } from './config.js';
import { bootParley } from './boot.js';
import { migrate, openDatabase } from './db.js';
import { DEFAULT_LEASE_MS } from './jobs.js';
import { loadSecretKey } from './secrets.js';

/** How the backend runs as processes (the rest of the settings are in config.ts). */
const ProcessEnvSchema = z.object({
  PARLEY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  PARLEY_JOB_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(DEFAULT_LEASE_MS),
  PARLEY_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(25_000),
});

export interface ProcessSettings {
  /** Processes serving one port through node:cluster; 1 = this process alone. */
  workers: number;
  /** How long a job claimed by a process that died stays hidden from the others. */
  jobLeaseMs: number;
  /** After SIGTERM, how long to wait for in-flight requests and the running job before exiting anyway. */
  shutdownTimeoutMs: number;
}

export function loadProcessSettings(env: Record<string, string | undefined> = process.env): ProcessSettings {
  const parsed = ProcessEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('PARLEY_') && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Parley's configuration is invalid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.PARLEY_WORKERS > 1 && !env.DATABASE_URL) {
    throw new Error(
      `PARLEY_WORKERS=${e.PARLEY_WORKERS} needs a Postgres server: without DATABASE_URL Parley uses the embedded database (PGlite), ` +
        'which lives inside one process and cannot be shared. Set DATABASE_URL, or leave PARLEY_WORKERS unset (one process).',
    );
  }
  return { workers: e.PARLEY_WORKERS, jobLeaseMs: e.PARLEY_JOB_LEASE_MS, shutdownTimeoutMs: e.PARLEY_SHUTDOWN_TIMEOUT_MS };
}

/**
 * One backend process (`npm run server` with PARLEY_WORKERS unset, or one worker of the cluster) on
 * the embedded database or DATABASE_URL. SIGTERM/SIGINT stop it gracefully: it stops accepting
 * connections, finishes the requests in flight and the job step that is running, closes the
 * database, and exits.
 */
export async function startServer(env = process.env) {
  const config = loadConfig(env);
  const settings = loadProcessSettings(env);
  const parley = await bootParley(config, { jobs: { leaseMs: settings.jobLeaseMs } });
  const server = serve({ fetch: parley.app.fetch, port: config.port, hostname: config.host }) as Server;
  const who = cluster.isWorker ? `worker ${process.pid}` : 'backend';
  console.log(`[parley] ${who} on ${config.publicUrl} (database: ${parley.deps.db.kind}, mail: ${parley.deps.mailer.kind})`);

  let stopping: Promise<void> | undefined;
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (stopping && !res.headersSent) res.setHeader('connection', 'close');
  });

  async function shutdown(signal: string) {
    console.log(`[parley] ${who}: ${signal}, finishing ${inFlight.size} request(s) in flight and the running job`);
    const deadline = setTimeout(() => {
      console.error(`[parley] ${who} was still busy ${settings.shutdownTimeoutMs} ms after ${signal}; exiting anyway (another process takes its job over once the lease passes)`);
      process.exit(1);
    }, settings.shutdownTimeoutMs);
    deadline.unref();
    // Answers still to be written close their connection, so keep-alive clients reconnect elsewhere.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    await Promise.all([closed, parley.deps.jobs.stop()]);
    clearInterval(sweep);
    await parley.close();
    clearTimeout(deadline);
    console.log(`[parley] ${who} stopped`);
  }
  const stop = (signal = 'stop') =>
    (stopping ??= shutdown(signal).then(
      () => process.exit(0),
      (err) => {
        console.error(`[parley] ${who} failed to stop cleanly:`, err);
        process.exit(1);
      },
    ));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return { parley, server, config, stop };
}

/**
 * The cluster's primary: checks the configuration, makes sure every worker will use the same key and
 * a migrated database, forks PARLEY_WORKERS workers that share the port, replaces a worker that dies,
 * and on SIGTERM/SIGINT forwards SIGTERM to the workers and exits once they all have.
 */
async function runPrimary(env: NodeJS.ProcessEnv, settings: ProcessSettings) {
  const config = loadConfig(env);
  // Without PARLEY_SECRET_KEY each worker would generate its own key: create the one file first.
  await loadSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, warn: (m) => console.warn(`[parley] ${m}`) });
  const db = await openDatabase({ databaseUrl: config.databaseUrl });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }

  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  let announced = false;
  let stopping = false;
  let failedBoots = 0;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
  };
  cluster.on('listening', (worker) => {
    listening.add(worker);
    failedBoots = 0;
    if (!announced && listening.size === settings.workers) {
      announced = true;
      console.log(`[parley] ${settings.workers} workers on ${config.publicUrl} (primary ${process.pid}, database: postgres)`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    const booted = listening.delete(worker);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (live.size === 0) {
        console.log('[parley] all workers stopped');
        process.exit(exitCode);
      }
      return;
    }
    console.error(`[parley] worker ${worker.process.pid} died (${signal ?? `exit code ${code}`}); starting another`);
    if (!booted && ++failedBoots >= 3) {
      console.error('[parley] workers keep failing to start; stopping');
      stopAll('startup failure', 1);
      return;
    }
    fork();
  });

  function stopAll(reason: string, code = 0) {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    console.log(`[parley] ${reason}: stopping ${live.size} worker(s)`);
    for (const worker of live) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
      console.error('[parley] workers did not stop in time');
      process.exit(1);
    }, settings.shutdownTimeoutMs + 5000).unref();
    if (live.size === 0) process.exit(exitCode);
  }
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  for (let i = 0; i < settings.workers; i++) fork();
}

/** `npm run server`: one process, or PARLEY_WORKERS processes behind one port (Postgres only). */
export async function runParley(env = process.env) {
  const settings = loadProcessSettings(env);
  if (settings.workers > 1 && cluster.isPrimary) return runPrimary(env, settings);
  await startServer(env);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runParley().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
