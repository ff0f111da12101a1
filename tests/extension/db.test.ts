import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParleyDb } from '../../lib/db';

/** Each schema version's fixture: a database written by that version opens in the current one with its rows. */
describe('the extension database', () => {
  const current = new ParleyDb(`probe-${Math.random()}`);
  it(`opens every older version's data (current version ${current.verno})`, async () => {
    for (let v = 1; v <= current.verno; v++) {
      const fixture = JSON.parse(readFileSync(`tests/fixtures/dexie/v${v}.json`, 'utf8')) as {
        version: number; stores: Record<string, string>; rows: Record<string, object[]>;
      };
      const name = `parley-v${v}-${Math.random()}`;
      const old = new Dexie(name);
      old.version(fixture.version).stores(fixture.stores);
      await old.open();
      for (const [table, rows] of Object.entries(fixture.rows)) await old.table(table).bulkPut(rows);
      old.close();

      const db = new ParleyDb(name);
      await db.open();
      expect(db.tables.map((t) => t.name)).toEqual(expect.arrayContaining(Object.keys(fixture.stores)));
      expect(await db.session.get('current')).toMatchObject({ recruiter: { email: 'rita@example.com' } });
      expect(await db.invitations.get('linkedin:in:carla')).toMatchObject({ durationMinutes: 30 });
      if (v >= 2) expect(await db.candidates.get('linkedin:in:carla')).toMatchObject({ ats: 'lever', status: 'exported' });
      db.close();
    }
  });
});
