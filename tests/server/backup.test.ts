import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDataDir, openPgliteFor, pgliteDir } from '../../scripts/backup.js';
import { restoreDataDir } from '../../scripts/restore.js';
import { bootParley, type Parley } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { createMailer } from '../../server/mail.js';

/*
 * `npm run backup` / `npm run restore` for the embedded database (PGlite in DATA_DIR/pglite). Always
 * on PGlite, whatever DATABASE_URL says: Postgres is backed up with pg_dump.
 */
const KEY = Buffer.alloc(32, 5).toString('base64');
const TUE_9AM = '2026-03-03T14:00:00.000Z';
type Json = Record<string, any>;
const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `parley-${name}-`));

async function boot(dataDir: string): Promise<Parley> {
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://parley.test', PARLEY_SECRET_KEY: KEY });
  return bootParley(config, { startJobs: false, clock: () => Date.parse('2026-03-02T12:00:00Z'), mailer: createMailer({ from: 'x@parley.test', outbox: () => undefined }) });
}

/** Every row of every table of the schema, as sorted JSON, table by table. */
async function snapshot(dataDir: string): Promise<Record<string, string[]>> {
  const pg = await openPgliteFor(pgliteDir(dataDir));
  try {
    const tables = (await pg.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`)).rows;
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      out[name] = (await pg.query<{ row: string }>(`select to_jsonb(x)::text as row from "${name}" x`)).rows.map((r) => r.row).sort();
    }
    return out;
  } finally {
    await pg.close();
  }
}

describe('backup and restore of the embedded database', () => {
  it('round-trips every table, refuses to overwrite, and the restored Parley serves its links', { timeout: 120_000 }, async () => {
    const source = tmp('backup-source');
    let parley = await boot(source);
    const call = (p: string, init: { json?: unknown; token?: string; method?: string } = {}) => parley.app.request(`http://parley.test${p}`, {
      method: init.method ?? (init.json ? 'POST' : 'GET'),
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      ...(init.json ? { body: JSON.stringify(init.json) } : {}),
    });
    const { token } = (await (await call('/api/auth/register', { json: { email: 'rita@example.com', name: 'Rita', password: 'correct horse battery', timeZone: 'America/New_York' } })).json()) as Json;
    const invitation = (await (await call('/api/invitations', { token, json: { recipient: { key: 'linkedin:in:carla', name: 'Carla' }, video: 'jitsi' } })).json()) as Json;
    const linkToken = String(invitation.invitation.url).split('/b/')[1]!;
    await call('/api/invitations', { token, json: { recipient: { key: 'linkedin:in:dan', name: 'Dan' } } });
    await call('/api/calendar/events', { token, json: { start: '2026-03-04T15:00:00Z', end: '2026-03-04T16:00:00Z' } });
    await call('/api/panels/interviewers', { token, json: { email: 'pat@example.com', name: 'Pat' } });
    const booked = await call(`/b/${linkToken}/book`, { json: { start: TUE_9AM, timeZone: 'Asia/Kolkata', name: 'Carla', country: 'IN', phone: '98765 43210', email: 'carla@example.com', note: 'thanks' } });
    expect(booked.status).toBe(201);
    await parley.deps.jobs.runDue();
    await parley.app.request(`http://parley.test/b/${linkToken}`); // a rate-limit window too

    // Running: the backup refuses (the embedded database allows one process).
    await expect(backupDataDir({ dataDir: source, out: tmp('backups') })).rejects.toThrow(/seems to be running/);
    await parley.close();

    const before = await snapshot(source);
    const filled = Object.entries(before).filter(([, rows]) => rows.length).map(([name]) => name);
    for (const table of ['recruiters', 'invitations', 'bookings', 'meetings', 'join_links', 'jobs', 'interviewers', 'busy_events', 'schema_migrations', 'rate_limits']) expect(filled).toContain(table);

    const out = tmp('backups');
    const { file, bytes } = await backupDataDir({ dataDir: source, out, now: new Date('2026-03-02T12:00:05.123Z') });
    expect(path.basename(file)).toBe('parley-backup-2026-03-02T12-00-05Z.tar.gz');
    expect(bytes).toBeGreaterThan(1000);
    await expect(backupDataDir({ dataDir: source, out, now: new Date('2026-03-02T12:00:05.123Z') })).rejects.toThrow(/already exists/);
    await expect(backupDataDir({ dataDir: tmp('empty') })).rejects.toThrow(/no embedded database/);

    const target = path.join(tmp('restore'), 'data'); // not even there yet
    const restored = await restoreDataDir({ file, dataDir: target, secretKey: KEY });
    expect(restored.migrations).toEqual(before.schema_migrations!.map((r) => JSON.parse(r).version).sort());
    expect(restored.sealed!.total).toBeGreaterThan(0);
    expect(restored.sealed!.readable).toBe(restored.sealed!.total);
    expect(await snapshot(target)).toEqual(before);
    expect(readdirSync(target)).toEqual(['pglite']);

    // Not over a database that is there, unless --force, which moves it aside.
    await expect(restoreDataDir({ file, dataDir: target, secretKey: KEY })).rejects.toThrow(/already holds a database.*--force/);
    const forced = await restoreDataDir({ file, dataDir: target, secretKey: KEY, force: true });
    expect(forced.movedAside).toMatch(/pglite\.before-restore-/);
    expect(existsSync(forced.movedAside!)).toBe(true);
    expect(await snapshot(target)).toEqual(before);

    // Without the key, or with another one, restore says so.
    expect((await restoreDataDir({ file, dataDir: tmp('restore-nokey') })).sealed).toBeUndefined();
    const wrongKey = await restoreDataDir({ file, dataDir: tmp('restore-wrongkey'), secretKey: Buffer.alloc(32, 6).toString('base64') });
    expect(wrongKey.sealed!.readable).toBe(0);
    await expect(restoreDataDir({ file: path.join(out, 'nope.tar.gz'), dataDir: tmp('restore-missing') })).rejects.toThrow(/There is no file/);

    parley = await boot(target);
    try {
      expect((await parley.app.request(`http://parley.test/b/${linkToken}`)).status).toBe(200);
      // The session and the sealed link came back too.
      const list = (await (await call('/api/invitations', { token })).json()) as Json;
      expect(list.invitations.map((i: Json) => i.url)).toContain(invitation.invitation.url);
    } finally {
      await parley.close();
    }
  });
});
