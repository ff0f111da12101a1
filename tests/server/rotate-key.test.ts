import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { resealAll, sealedTables } from '../../scripts/rotate-key.js';
import { bootParley, type Parley } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import type { Sql } from '../../server/db.js';
import { createMailer } from '../../server/mail.js';
import { createSealer, keyIdOf, type Sealer } from '../../server/secrets.js';
import { form, useParley } from './harness.js';

const t = useParley(); // sealed with the harness's key, Buffer.alloc(32, 7)
const OLD = Buffer.alloc(32, 7);
const NEW = Buffer.alloc(32, 9);
const TUE_9AM = '2026-03-03T14:00:00.000Z';
type Json = Record<string, any>;
const run = promisify(execFile);

/** The format from before key ids, as the previous Sealer wrote it. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Every sealed value stored, found the way the rotation finds them. */
async function allSealed(db: Sql) {
  const out: Array<{ where: string; value: string }> = [];
  for (const table of await sealedTables(db)) {
    for (const column of table.columns) {
      const rows = await db.query<{ v: string }>(`select ${column} as v from ${table.table} where ${column} is not null`);
      out.push(...rows.map((r) => ({ where: `${table.table}.${column}`, value: r.v })));
    }
  }
  return out;
}

const processes: Parley[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.close()));
});

/** Another Parley process on the test's database, with these keys. */
async function processWith(secretKey: Buffer, previousKeys: Buffer[] = []) {
  const config = loadConfig({
    PUBLIC_URL: 'http://parley.test', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-rotate-')),
    PARLEY_SECRET_KEY: secretKey.toString('base64'), PARLEY_PREVIOUS_KEYS: previousKeys.map((k) => k.toString('base64')).join(','),
  });
  const parley = await bootParley(config, { db: t.db(), clock: () => t.state.now, startJobs: false, mailer: createMailer({ from: 'x@parley.test', outbox: () => undefined }) });
  processes.push(parley);
  return parley;
}

describe('the sealer', () => {
  it('names its key, opens values of previous keys and of the format before key ids', () => {
    const old = createSealer(OLD);
    const both = createSealer(NEW, [OLD]);
    const sealed = old.seal('hello');
    expect(sealed).toMatch(new RegExp(`^v2\\.${keyIdOf(OLD)}\\.[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(both.open(sealed)).toBe('hello');
    expect(both.open(sealV1(OLD, 'legacy'))).toBe('legacy');
    expect(both.open(sealV1(NEW, 'legacy new'))).toBe('legacy new');
    expect(both.isCurrent(both.seal('x'))).toBe(true);
    expect(both.isCurrent(sealed)).toBe(false);
    // Without the old key: a clear refusal, naming the key it needs.
    expect(() => createSealer(NEW).open(sealed)).toThrow(`key id ${keyIdOf(OLD)}`);
    expect(() => createSealer(NEW).open(sealV1(OLD, 'x'))).toThrow(/PARLEY_PREVIOUS_KEYS/);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    expect(() => old.open(tampered)).toThrow();
  });

  it('reads PARLEY_PREVIOUS_KEYS, comma-separated, and refuses keys of the wrong size', () => {
    const keys = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)].map((k) => k.toString('base64'));
    expect(loadConfig({ PARLEY_PREVIOUS_KEYS: ` ${keys[0]}, ${keys[1]} ` }).previousKeys).toEqual(keys);
    expect(loadConfig({}).previousKeys).toEqual([]);
    expect(() => loadConfig({ PARLEY_PREVIOUS_KEYS: `${keys[0]},c2hvcnQ=` })).toThrow(/PARLEY_PREVIOUS_KEYS/);
  });
});

describe('npm run rotate-key', () => {
  it('re-seals every stored value; old values open before, during and after; links keep working', async () => {
    const rec = await t.recruiter();
    const links: Array<{ id: string; linkToken: string }> = [];
    for (let i = 0; i < 5; i++) links.push(await t.invitation(rec.token, { key: `linkedin:in:c${i}`, name: `Candidate ${i}` }, i === 0 ? { video: 'jitsi' } : {}));
    // A booking with video: join links, access codes and the meeting's URL are sealed too.
    const booked = await t.request(`/b/${links[0]!.linkToken}/book`, { method: 'POST', json: { start: TUE_9AM, timeZone: 'UTC', name: 'Carla', country: 'IN', phone: '98765 43210', email: 'carla@example.com' } });
    expect(booked.status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    // An interviewer's one-time link, a calendar's secret and an ATS key, sealed with the old key.
    await t.request('/api/panels/interviewers', { method: 'POST', token: rec.token, json: { email: 'pat@example.com', name: 'Pat' } });
    const old = createSealer(OLD);
    await t.db().query(`insert into calendar_connections (recruiter_id, provider, account_email, server_url, username, secret_sealed, access_token_sealed)
                        values ($1, 'caldav', 'rita@example.com', 'https://dav.example', 'rita', $2, $3)`, [rec.id, old.seal('app password'), old.seal('access')]);
    await t.db().query(`insert into ats_connections (recruiter_id, ats, credentials_sealed) values ($1, 'lever', $2)`, [rec.id, old.seal('{"apiKey":"k"}')]);
    // And one value from before key ids.
    await t.db().query(`update invitations set token_sealed = $1 where id = $2`, [sealV1(OLD, links[1]!.linkToken), links[1]!.id]);

    const before = await allSealed(t.db());
    const tables = new Set(before.map((v) => v.where.split('.')[0]));
    for (const table of ['invitations', 'join_links', 'meetings', 'interviewers', 'calendar_connections', 'ats_connections']) expect(tables).toContain(table);
    expect(before.filter((v) => v.value.startsWith('v1.'))).toHaveLength(1);
    const plain = before.map((v) => `${v.where} ${old.open(v.value)}`).sort();

    const { interviews: [interview] } = (await (await t.request('/api/interviews', { token: rec.token })).json()) as { interviews: Json[] };
    const candidateJoin = new URL(interview!.video.candidateJoinUrl).pathname;
    const urls = async (p: Parley) => {
      const res = await p.app.request('http://parley.test/api/invitations', { headers: { authorization: `Bearer ${rec.token}` } });
      return ((await res.json()) as Json).invitations.map((i: Json) => i.url).sort();
    };
    const expectedUrls = await urls(t.state.parley);
    /** A process with these keys serves every link, and shows the recruiter the same links and codes. */
    const works = async (p: Parley, when: string) => {
      for (const link of links) expect((await p.app.request(`http://parley.test/b/${link.linkToken}`)).status, `${when}: /b/${link.linkToken}`).toBe(200);
      expect(await urls(p), when).toEqual(expectedUrls);
      const res = await p.app.request('http://parley.test/api/interviews', { headers: { authorization: `Bearer ${rec.token}` } });
      const [again] = ((await res.json()) as Json).interviews as Json[];
      expect(again!.video.candidateAccessCode, when).toBe(interview!.video.candidateAccessCode);
      const join = await p.app.request(`http://parley.test${candidateJoin}`, form({ code: interview!.video.candidateAccessCode }));
      expect(join.status, when).toBe(303);
      expect(join.headers.get('location'), when).toMatch(/^https:\/\/meet\.jit\.si\//);
    };

    // Step 1: the processes restart with the new key current and the old one previous.
    const switched = await processWith(NEW, [OLD]);
    // (a process not yet switched, during a rolling restart, accepts the new key already)
    const notYet = await processWith(OLD, [NEW]);
    t.state.now = Date.parse(TUE_9AM) - 5 * 60_000; // the join link is open
    await works(switched, 'before');
    await works(notYet, 'before, old process');

    // Step 2: the rotation, two rows per batch, with the service checked between batches.
    const sealer: Sealer = createSealer(NEW, [OLD]);
    const batches: string[] = [];
    const result = await resealAll(t.db(), sealer, {
      batchSize: 2,
      afterBatch: async (b) => {
        batches.push(`${b.table}#${b.batch}`);
        if (batches.length % 3 === 1) {
          await works(switched, `during, after ${b.table} batch ${b.batch}`);
          await works(notYet, `during, old process, after ${b.table} batch ${b.batch}`);
        }
      },
    });
    expect(result).toMatchObject({ resealed: before.length, unreadable: [], remaining: 0 });
    expect(batches).toContain('invitations#3'); // 5 invitations, 2 a batch

    const after = await allSealed(t.db());
    expect(after.map((v) => v.where)).toEqual(before.map((v) => v.where));
    for (const v of after) expect(v.value, v.where).toMatch(new RegExp(`^v2\\.${sealer.keyId}\\.`));
    expect(after.map((v) => `${v.where} ${sealer.open(v.value)}`).sort()).toEqual(plain);

    // Step 3: the old key dropped.
    await works(switched, 'after');
    const newOnly = await processWith(NEW);
    await works(newOnly, 'after, old key dropped');
    // A second run has nothing left to do.
    expect(await resealAll(t.db(), createSealer(NEW), { batchSize: 2 })).toMatchObject({ resealed: 0, unreadable: [], remaining: 0 });
  });

  it('reports values no known key opens, and leaves them as they are', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    const stranger = createSealer(randomBytes(32)).seal('x');
    await t.db().query(`update invitations set token_sealed = $1 where id = $2`, [stranger, inv.id]);
    const result = await resealAll(t.db(), createSealer(NEW, [OLD]));
    expect(result.unreadable).toEqual([{ table: 'invitations', column: 'token_sealed', key: { id: inv.id } }]);
    expect(result.remaining).toBe(1);
    expect((await t.db().query<{ token_sealed: string }>(`select token_sealed from invitations`))[0]!.token_sealed).toBe(stranger);
  });

  it('rotates the embedded setup’s generated key (DATA_DIR/secret.key), and prints the steps', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-rotate-embedded-'));
    const env = { ...process.env, DATA_DIR: dataDir, PARLEY_SECRET_KEY: '', PARLEY_PREVIOUS_KEYS: '', DATABASE_URL: '' };
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://parley.test' });
    const quiet = { startJobs: false, clock: () => t.state.now, mailer: createMailer({ from: 'x@parley.test', outbox: () => undefined }) };
    let parley = await bootParley(config, quiet); // generates secret.key, warning about it
    const reg = await parley.app.request('http://parley.test/api/auth/register', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rita@example.com', name: 'Rita', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    const created = await parley.app.request('http://parley.test/api/invitations', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ recipient: { key: 'linkedin:in:carla', name: 'Carla' } }),
    });
    const linkToken = String(((await created.json()) as Json).invitation.url).split('/b/')[1]!;
    await parley.close();
    const oldKey = readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim();

    const tsx = path.resolve('node_modules/.bin/tsx');
    const { stdout } = await run(tsx, ['scripts/rotate-key.ts'], { env });
    const newKey = readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(Buffer.from(newKey, 'base64')).toHaveLength(32);
    expect(readFileSync(path.join(dataDir, 'previous.keys'), 'utf8').trim()).toBe(oldKey);
    expect(stdout).toContain('1 value(s) re-sealed');
    expect(stdout).toContain('Every stored value is under the new key');

    parley = await bootParley(config, quiet);
    try {
      const sealed = await allSealed(parley.deps.db);
      expect(sealed.length).toBeGreaterThan(0);
      for (const v of sealed) expect(v.value).toMatch(new RegExp(`^v2\\.${keyIdOf(Buffer.from(newKey, 'base64'))}\\.`));
      expect((await parley.app.request(`http://parley.test/b/${linkToken}`)).status).toBe(200);
    } finally {
      await parley.close();
    }

    const generated = await run(tsx, ['scripts/rotate-key.ts', '--generate'], { env });
    const key = /^ {2}([A-Za-z0-9+/]{43}=)$/m.exec(generated.stdout)?.[1];
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(generated.stdout).toContain(`PARLEY_SECRET_KEY=${key}`);
    expect(generated.stdout).toContain('PARLEY_PREVIOUS_KEYS=<the current key>');
  });
});
