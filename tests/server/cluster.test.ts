import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db.js';
import { freePort } from '../support/ports.js';

/*
 * `npm run server` as real processes (`node --import tsx server/main.ts`, so that a signal reaches
 * the server itself and not a tsx wrapper): several workers on one Postgres, processes killed with
 * SIGKILL in the middle of a job, and SIGTERM while a request is in flight. The job whose run is
 * observed is the candidate's booking mail, sent to a local SMTP sink that can hold a message
 * unanswered, so that a process can be killed while it is sending.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = Buffer.alloc(32, 9).toString('base64');
const url = process.env.DATABASE_URL;
if (!url) console.info('[cluster.test] the tests with several processes are skipped: DATABASE_URL is unset, and PGlite is one process only');

interface Running {
  proc: ChildProcess;
  env: Record<string, string>;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
const started: Running[] = [];

function launch(env: Record<string, string>, ready: RegExp): Promise<Running> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const running = { proc, env, output: () => out, exited };
  started.push(running);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 30 s:\n${out}`)), 30_000);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(running);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${out}`));
    });
  });
}

afterEach(async () => {
  for (const r of started.splice(0)) {
    if (r.proc.exitCode !== null || r.proc.signalCode !== null) continue;
    r.proc.kill('SIGTERM');
    await Promise.race([r.exited, sleep(15_000).then(() => r.proc.kill('SIGKILL'))]);
  }
});

describe('PARLEY_WORKERS on the embedded database', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT, encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-cluster-')), PORT: '1', ...env },
    });

  it('refuses several workers on PGlite, naming the variable', () => {
    const r = run({ PARLEY_WORKERS: '4' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PARLEY_WORKERS=4 needs a Postgres server');
    expect(r.stderr).toContain('DATABASE_URL');
  });

  it('refuses a malformed PARLEY_WORKERS', () => {
    const r = run({ PARLEY_WORKERS: 'many' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PARLEY_WORKERS');
  });
});

describe.skipIf(!url)('several processes on one Postgres (skipped: set DATABASE_URL, PGlite is a single process)', () => {
  const schema = `t_cluster_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let schemaUrl = '';
  let db: Database;
  let smtp: SMTPServer;
  let smtpPort = 0;
  /** Messages the sink accepted (answered 250), by recipient. */
  const delivered: string[] = [];
  const sink = { delayMs: 0, stall: undefined as string | undefined, onStall: () => undefined as void };

  beforeAll(async () => {
    const admin = await openDatabase({ databaseUrl: url! });
    await admin.query(`create schema ${schema}`);
    await admin.close();
    const u = new URL(url!);
    u.searchParams.set('options', `-c search_path=${schema},public`);
    schemaUrl = u.toString();
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, session, done) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(',');
          if (sink.stall && to === sink.stall) return sink.onStall(); // never answered
          setTimeout(() => {
            delivered.push(to);
            done();
          }, sink.delayMs);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await db?.close();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    const admin = await openDatabase({ databaseUrl: url! });
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.close();
  });

  async function parley(workers: number, port?: number) {
    const p = port ?? (await freePort());
    const env = {
      DATABASE_URL: schemaUrl, PORT: String(p), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${p}`,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-cluster-')), PARLEY_SECRET_KEY: KEY,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'Parley <no-reply@parley.test>',
      PARLEY_WORKERS: String(workers), PARLEY_JOB_LEASE_MS: '2000',
    };
    const running = await launch(env, workers > 1 ? new RegExp(`${workers} workers on`) : /backend on/);
    db ??= await openDatabase({ databaseUrl: schemaUrl });
    await db.query(`truncate recruiters, jobs cascade`);
    delivered.length = 0;
    return { ...running, port: p, base: `http://127.0.0.1:${p}` };
  }

  async function call(base: string, p: string, init: { method?: string; json?: unknown; token?: string } = {}) {
    const res = await fetch(`${base}${p}`, {
      method: init.method ?? (init.json ? 'POST' : 'GET'),
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.json ? JSON.stringify(init.json) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** A recruiter with `count` booking links. */
  async function links(base: string, count: number) {
    const reg = await call(base, '/api/auth/register', { json: { email: 'rita@example.com', name: 'Rita Recruiter', password: 'correct horse battery', timeZone: 'America/New_York' } });
    expect(reg.status).toBe(201);
    const token = reg.body.token as string;
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const inv = await call(base, '/api/invitations', { token, json: { recipient: { key: `linkedin:in:c-${i}`, name: `Candidate ${i}` } } });
      out.push(((inv.body.invitation as { url: string }).url).split('/b/')[1]!);
    }
    return out;
  }

  const candidate = (start: string, i: number, email = `cand${i}@example.com`) => ({
    start, timeZone: 'Europe/Paris', name: `Candidate ${i}`, country: 'FR', phone: '06 12 34 56 78', email, note: 'thanks',
  });

  async function bookFirstFree(base: string, link: string, i: number, email?: string) {
    const slots = await call(base, `/b/${link}/slots?tz=Europe/Paris`);
    const start = (slots.body.slots as { start: string }[])[0]!.start;
    const booked = await call(base, `/b/${link}/book`, { json: candidate(start, i, email) });
    expect(booked.status).toBe(201);
    return start;
  }

  const jobRows = () => db.query<{ kind: string; to: string | null; attempts: number; done: boolean; locked_by: string | null; last_error: string | null }>(
    `select kind, payload->>'to' as to, attempts, done_at is not null as done, locked_by, last_error from jobs order by created_at`);
  const candidateMailJob = async () => (await jobRows()).find((j) => j.kind === 'mail.booking' && j.to === 'candidate')!;
  async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out: ${what}`);
      await sleep(50);
    }
  }
  const allDone = async () => { const rows = await jobRows(); return rows.length > 0 && rows.every((j) => j.done); };
  const pidOf = (owner: string | null) => Number(owner!.slice(owner!.lastIndexOf(':') + 1));

  it('shares the jobs between two workers, running each exactly once', async () => {
    sink.delayMs = 100; // sending takes a while, so the backlog outlives one worker's turn
    const server = await parley(2);
    const tokens = await links(server.base, 12);
    for (let i = 0; i < tokens.length; i++) await bookFirstFree(server.base, tokens[i]!, i);
    await until(allDone, 30_000, 'all jobs done');

    const rows = await jobRows();
    expect(rows.length).toBeGreaterThanOrEqual(36); // calendar, recruiter mail, candidate mail per booking
    expect(rows.filter((j) => j.attempts !== 1 || j.last_error)).toEqual([]);
    expect(new Set(rows.map((j) => j.locked_by)).size).toBe(2);
    // One message per mail job: 12 to the recruiter, one to each candidate.
    expect(delivered.filter((to) => to === 'rita@example.com')).toHaveLength(12);
    expect(delivered.filter((to) => to !== 'rita@example.com').sort()).toEqual(tokens.map((_, i) => `cand${i}@example.com`).sort());
    sink.delayMs = 0;
  }, 90_000);

  it('finishes, once, the job of a worker killed with SIGKILL in the middle of it', async () => {
    const server = await parley(2);
    const [link] = await links(server.base, 1);
    const stalled = new Promise<void>((resolve) => Object.assign(sink, { stall: 'stall@example.com', onStall: resolve }));
    await bookFirstFree(server.base, link!, 0, 'stall@example.com');
    await stalled; // the worker is in the middle of sending
    const holder = (await candidateMailJob()).locked_by;
    const killedAt = Date.now();
    process.kill(pidOf(holder), 'SIGKILL');
    sink.stall = undefined;

    await until(async () => (await candidateMailJob()).done, 20_000, 'the mail job done elsewhere');
    const job = await candidateMailJob();
    expect(job).toMatchObject({ attempts: 2, last_error: null });
    expect(job.locked_by).not.toBe(holder);
    expect(Date.now() - killedAt).toBeLessThan(2000 + 6000); // the 2 s lease and a poll, not minutes
    expect(delivered.filter((to) => to === 'stall@example.com')).toHaveLength(1);
    await until(allDone, 10_000, 'all jobs done');
    expect(server.output()).toMatch(new RegExp(`worker ${pidOf(holder)} died \\(SIGKILL\\); starting another`));
    expect((await call(server.base, '/healthz')).status).toBe(200);
  }, 90_000);

  it('resumes, once, the job of a single process killed with SIGKILL, after a restart', async () => {
    const first = await parley(1);
    const [link] = await links(first.base, 1);
    const stalled = new Promise<void>((resolve) => Object.assign(sink, { stall: 'stall@example.com', onStall: resolve }));
    await bookFirstFree(first.base, link!, 0, 'stall@example.com');
    await stalled;
    expect(pidOf((await candidateMailJob()).locked_by)).toBe(first.proc.pid);
    first.proc.kill('SIGKILL');
    await first.exited;
    sink.stall = undefined;
    expect((await candidateMailJob()).done).toBe(false);

    const second = await launch(first.env, /backend on/);
    await until(async () => (await candidateMailJob()).done, 20_000, 'the mail job done after the restart');
    const job = await candidateMailJob();
    expect(job).toMatchObject({ attempts: 2, last_error: null });
    expect(pidOf(job.locked_by)).toBe(second.proc.pid);
    expect(delivered.filter((to) => to === 'stall@example.com')).toHaveLength(1);
  }, 90_000);

  it('on SIGTERM stops accepting, answers the request in flight, and exits 0 with its workers', async () => {
    const server = await parley(2);
    const [link] = await links(server.base, 1);
    const slots = await call(server.base, `/b/${link}/slots?tz=Europe/Paris`);
    const body = JSON.stringify(candidate((slots.body.slots as { start: string }[])[0]!.start, 0));
    // A candidate on a slow connection: the request has arrived, its body has not, when SIGTERM comes.
    const answer = new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
      const req = http.request(`${server.base}/b/${link}/book`, {
        method: 'POST', agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(async () => {
        server.proc.kill('SIGTERM');
        await sleep(800);
        try {
          // Nobody takes new connections any more…
          await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
        } catch (err) {
          reject(err);
        }
        req.end(body.slice(20)); // …and the request in flight completes.
      }, 300);
    });
    const res = await answer;
    expect(res.status).toBe(201);
    expect(res.connection).toBe('close');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/worker \d+: SIGTERM, finishing 1 request\(s\) in flight/);
    expect(server.output()).toContain('all workers stopped');
    expect(await db.query(`select 1 from bookings where status = 'confirmed'`)).toHaveLength(1);
  }, 60_000);
});
