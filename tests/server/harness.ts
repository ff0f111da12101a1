import { afterAll, beforeAll, beforeEach } from 'vitest';
import { bootParley, type Parley } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase, type Database } from '../../server/db.js';
import { createMailer, type OutboxMessage } from '../../server/mail.js';
import { defaultSettings, type SchedulerSettings } from '../../lib/schemas.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * One database per test file (PGlite in memory, or the Postgres of DATABASE_URL), tables emptied
 * before each test, a fresh app per test with a clock the test moves, and an outbox that keeps mail.
 */
export function useParley(opts: { env?: () => Record<string, string> } = {}) {
  let db: Database;
  const state = {
    now: Date.parse('2026-03-02T12:00:00Z'),
    outbox: [] as OutboxMessage[],
    parley: undefined as unknown as Parley,
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));

  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: process.env.DATABASE_URL && (await isolatedSchemaUrl(process.env.DATABASE_URL)) });
  });
  afterAll(async () => {
    await state.parley?.close();
    await db?.close();
    if (process.env.DATABASE_URL) await dropSchema(process.env.DATABASE_URL, schemaName);
  });
  beforeEach(async () => {
    await state.parley?.close();
    // The schema may not exist yet on a fresh database: boot (which migrates) before emptying.
    state.outbox = [];
    state.now = Date.parse('2026-03-02T12:00:00Z');
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://parley.test', PARLEY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), ...opts.env?.() });
    state.parley = await bootParley(config, {
      db,
      clock: () => state.now,
      startJobs: false,
      mailer: createMailer({ from: 'Parley <no-reply@parley.test>', outbox: (m) => void state.outbox.push(m) }),
    });
    await db.query(`truncate recruiters, jobs, rate_limits cascade`);
  });

  const request = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return state.parley.app.request(`http://parley.test${path}`, { ...init, headers, body });
  };

  /** A recruiter with settings; returns the session token. */
  async function recruiter(opts: { email?: string; name?: string; settings?: Partial<SchedulerSettings> } = {}) {
    const res = await request('/api/auth/register', {
      method: 'POST',
      json: { email: opts.email ?? 'rita@example.com', name: opts.name ?? 'Rita Recruiter', password: 'correct horse battery', timeZone: 'America/New_York' },
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
    const { token, recruiter } = (await res.json()) as { token: string; recruiter: { id: string } };
    if (opts.settings) {
      const put = await request('/api/settings', { method: 'PUT', token, json: { ...defaultSettings('America/New_York'), ...opts.settings } });
      if (put.status !== 200) throw new Error(`settings failed: ${put.status} ${await put.text()}`);
    }
    return { token, id: recruiter.id };
  }

  async function invitation(token: string, recipient = { key: 'linkedin:in:carla-candidate', name: 'Carla Candidate' }, extra: object = {}) {
    const res = await request('/api/invitations', { method: 'POST', token, json: { recipient, ...extra } });
    const body = (await res.json()) as { invitation: { id: string; url: string; status: string; reused?: boolean } };
    return { res, ...body.invitation, linkToken: body.invitation.url.split('/b/')[1]! };
  }

  return { state, request, recruiter, invitation, db: () => db };
}

/** On a shared Postgres server each test file gets its own schema, so files can run in parallel. */
const schemaName = `t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
async function dropSchema(url: string, schema: string) {
  const admin = await openDatabase({ databaseUrl: url });
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.close();
}
async function isolatedSchemaUrl(url: string): Promise<string> {
  const schema = schemaName;
  const admin = await openDatabase({ databaseUrl: url });
  await admin.query(`create schema ${schema}`);
  await admin.close();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema},public`);
  return u.toString();
}

export const form = (fields: Record<string, string>) => {
  const body = new URLSearchParams(fields);
  return { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://parley.test' } };
};
