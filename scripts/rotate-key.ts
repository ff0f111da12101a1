import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { openDatabase, type Database, type Sql } from '../server/db.js';
import { createSealer, keyIdOf, loadPreviousKeys, loadSecretKey, PREVIOUS_KEYS_FILE, SECRET_KEY_FILE, type Sealer } from '../server/secrets.js';

/*
 * `npm run rotate-key`: re-seals every sealed value in the database (every `*_sealed` column, found
 * in the schema) under the current key, in batches, each batch its own short transaction, so
 * Parley keeps running meanwhile. See "Rotating the secret key" in the README.
 *
 *   With PARLEY_SECRET_KEY (several processes, Postgres): make the new key current in every
 *   process's environment, with the old one in PARLEY_PREVIOUS_KEYS, restart them, then run this.
 *   `--generate` prints a new key and these steps, and changes nothing.
 *
 *   Without it (the key generated into DATA_DIR/secret.key): this generates a new key (or takes
 *   `--new-key`), keeps the old one in DATA_DIR/previous.keys and re-seals. Stop Parley first.
 */

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

export interface SealedTable { table: string; columns: string[]; primaryKey: string[] }

/** Every table of the current schema with `*_sealed` text columns, and its primary key. */
export async function sealedTables(db: Sql): Promise<SealedTable[]> {
  const cols = await db.query<{ table_name: string; column_name: string }>(
    `select c.table_name, c.column_name from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = current_schema() and c.column_name like '%\\_sealed' and c.data_type = 'text'
      order by c.table_name, c.ordinal_position`);
  const tables = new Map<string, string[]>();
  for (const c of cols) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), c.column_name]);
  const out: SealedTable[] = [];
  for (const [table, columns] of tables) {
    const pk = await db.query<{ attname: string }>(
      `select a.attname from pg_index i
         join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where n.nspname = current_schema() and c.relname = $1 and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`, [table]);
    if (!pk.length) throw new Error(`Table ${table} has sealed columns but no primary key: it cannot be re-sealed in batches`);
    out.push({ table, columns, primaryKey: pk.map((r) => r.attname) });
  }
  return out;
}

/** SQL true when a row holds a value not yet under the current key ($1 is the current prefix). */
const staleCondition = (t: SealedTable) => t.columns.map((c) => `(${q(c)} is not null and left(${q(c)}, length($1)) <> $1)`).join(' or ');

export interface ResealResult {
  /** Values re-sealed under the current key. */
  resealed: number;
  /** Values no known key opens (left as they are). */
  unreadable: Array<{ table: string; column: string; key: Record<string, unknown> }>;
  /** Values still not under the current key when the pass ended (written meanwhile by a process on an old key, or unreadable). */
  remaining: number;
  batches: number;
}

export interface BatchReport { table: string; batch: number; rows: number; resealed: number }

/**
 * Re-seals every value not yet under `sealer`'s current key. Rows are taken in primary-key order,
 * `batchSize` at a time, each batch locked and rewritten in its own transaction.
 */
export async function resealAll(db: Database, sealer: Sealer, opts: { batchSize?: number; afterBatch?: (b: BatchReport) => void | Promise<void> } = {}): Promise<ResealResult> {
  const batchSize = opts.batchSize ?? 500;
  const prefix = `v2.${sealer.keyId}.`;
  const result: ResealResult = { resealed: 0, unreadable: [], remaining: 0, batches: 0 };
  for (const t of await sealedTables(db)) {
    const pk = t.primaryKey.map(q).join(', ');
    let after: unknown[] | undefined;
    for (let batch = 1; ; batch++) {
      const report = await db.transaction(async (tx) => {
        const page = after ? ` and (${pk}) > (${t.primaryKey.map((_, i) => `$${i + 2}`).join(', ')})` : '';
        const rows = await tx.query<Record<string, unknown>>(
          `select ${pk}, ${t.columns.map(q).join(', ')} from ${q(t.table)}
            where (${staleCondition(t)})${page} order by ${pk} limit ${batchSize} for update`, [prefix, ...(after ?? [])]);
        let resealed = 0;
        for (const row of rows) {
          const sets: string[] = [];
          const values: unknown[] = [];
          for (const column of t.columns) {
            const value = row[column];
            if (typeof value !== 'string' || sealer.isCurrent(value)) continue;
            let plain: string;
            try {
              plain = sealer.open(value);
            } catch {
              result.unreadable.push({ table: t.table, column, key: Object.fromEntries(t.primaryKey.map((k) => [k, row[k]])) });
              continue;
            }
            values.push(sealer.seal(plain));
            sets.push(`${q(column)} = $${values.length}`);
          }
          if (!sets.length) continue;
          const where = t.primaryKey.map((k, i) => `${q(k)} = $${values.length + i + 1}`).join(' and ');
          await tx.query(`update ${q(t.table)} set ${sets.join(', ')} where ${where}`, [...values, ...t.primaryKey.map((k) => row[k])]);
          resealed += sets.length;
        }
        if (rows.length) after = t.primaryKey.map((k) => rows[rows.length - 1]![k]);
        return { table: t.table, batch, rows: rows.length, resealed };
      });
      result.resealed += report.resealed;
      if (report.rows) {
        result.batches++;
        await opts.afterBatch?.(report);
      }
      if (report.rows < batchSize) break;
    }
    const [left] = await db.query<{ n: number }>(`select count(*)::int as n from ${q(t.table)} where ${staleCondition(t)}`, [prefix]);
    result.remaining += left!.n;
  }
  return result;
}

export function rotationSteps(o: { newKey?: string; oldKeyNote?: string }): string {
  const newKey = o.newKey ?? '<the new key>';
  return `How to rotate PARLEY_SECRET_KEY without downtime:
  1. In the environment of every Parley process, set
       PARLEY_SECRET_KEY=${newKey}
       PARLEY_PREVIOUS_KEYS=<the current key>${o.oldKeyNote ? `   (${o.oldKeyNote})` : ''}
     and restart them. Processes now seal with the new key and still open values sealed with the old one.
     (Restarting them one at a time? First add the new key to PARLEY_PREVIOUS_KEYS everywhere and
     restart, so that processes not yet switched can open what the switched ones write.)
  2. Run \`npm run rotate-key\` once with that same environment: it re-seals every stored value under
     the new key, in batches, while Parley keeps running.
  3. When it reports nothing left under the old key, remove the old key from PARLEY_PREVIOUS_KEYS
     and restart the processes. Keep the old key with backups taken before the rotation: they need it.`;
}

async function main() {
  const { values: args } = parseArgs({
    options: { generate: { type: 'boolean' }, 'new-key': { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (args.help) {
    console.log(`npm run rotate-key                      re-seal every stored secret under the current key
npm run rotate-key -- --generate        print a new key and the steps of a rotation (changes nothing)
npm run rotate-key -- --new-key <key>   (embedded setup, no PARLEY_SECRET_KEY) rotate to this key instead of a generated one
options: --batch-size <n> (default 500)\n\n${rotationSteps({})}`);
    return;
  }
  if (args.generate) {
    const key = randomBytes(32).toString('base64');
    console.log(`A new key (32 random bytes, base64; key id ${keyIdOf(Buffer.from(key, 'base64'))}):\n\n  ${key}\n\n${rotationSteps({ newKey: key })}`);
    return;
  }
  const config = loadConfig(process.env);
  const batchSize = args['batch-size'] ? Number(args['batch-size']) : 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive whole number');
  const newKeyArg = args['new-key'] ? Buffer.from(args['new-key'], 'base64') : undefined;
  if (newKeyArg && newKeyArg.length !== 32) throw new Error('--new-key must be 32 bytes, base64-encoded (make one with --generate)');

  let sealer: Sealer;
  if (config.secretKey) {
    if (newKeyArg) {
      throw new Error(`With PARLEY_SECRET_KEY set, the new key must become current in every process's environment first.\n\n${rotationSteps({ newKey: args['new-key'] })}`);
    }
    const current = Buffer.from(config.secretKey, 'base64');
    const previous = await loadPreviousKeys({ previousKeys: config.previousKeys, dataDir: config.dataDir });
    sealer = createSealer(current, previous);
    console.log(`[rotate-key] re-sealing under PARLEY_SECRET_KEY (key id ${sealer.keyId}); ${previous.length} previous key(s) accepted`);
  } else {
    // The embedded setup's generated key: rotate the file itself. Order matters if this stops half
    // way: the old key is kept before the new one replaces it, so every value always opens.
    const old = await loadSecretKey({ dataDir: config.dataDir });
    const next = newKeyArg ?? randomBytes(32);
    const previous = await loadPreviousKeys({ dataDir: config.dataDir });
    await mkdir(config.dataDir, { recursive: true });
    const previousFile = path.join(config.dataDir, PREVIOUS_KEYS_FILE);
    if (!previous.some((k) => k.equals(old))) await appendFile(previousFile, `${old.toString('base64')}\n`, { mode: 0o600 });
    const keyFile = path.join(config.dataDir, SECRET_KEY_FILE);
    await writeFile(`${keyFile}.new`, next.toString('base64'), { mode: 0o600 });
    await rename(`${keyFile}.new`, keyFile);
    sealer = createSealer(next, [old, ...previous]);
    console.log(`[rotate-key] new key (id ${sealer.keyId}) written to ${keyFile}; the old one (id ${keyIdOf(old)}) kept in ${previousFile}`);
    console.log('[rotate-key] Parley must not be running on this DATA_DIR meanwhile (the embedded database allows one process).');
  }

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  try {
    const result = await resealAll(db, sealer, {
      batchSize,
      afterBatch: (b) => console.log(`[rotate-key] ${b.table}: batch ${b.batch}, ${b.rows} row(s), ${b.resealed} value(s) re-sealed`),
    });
    console.log(`[rotate-key] done: ${result.resealed} value(s) re-sealed under key ${sealer.keyId} in ${result.batches} batch(es).`);
    if (result.unreadable.length) {
      console.error(`[rotate-key] ${result.unreadable.length} value(s) could not be opened with any known key and were left as they are:`);
      for (const u of result.unreadable.slice(0, 20)) console.error(`  ${u.table}.${u.column} ${JSON.stringify(u.key)}`);
      console.error('  Add the key they were sealed with to PARLEY_PREVIOUS_KEYS and run again.');
      process.exitCode = 1;
    } else if (result.remaining) {
      console.error(`[rotate-key] ${result.remaining} value(s) were written under another key meanwhile: is a process still running with the old key as PARLEY_SECRET_KEY? Restart it and run again.`);
      process.exitCode = 1;
    } else if (config.secretKey) {
      console.log(`[rotate-key] Every stored value is under key ${sealer.keyId}. Last step: remove the old key from PARLEY_PREVIOUS_KEYS and restart the processes (keep it with older backups).`);
    } else {
      console.log(`[rotate-key] Every stored value is under the new key. Start Parley again. Once you no longer need backups taken before now, delete ${path.join(config.dataDir, PREVIOUS_KEYS_FILE)} (keep the old key with those backups).`);
    }
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`[rotate-key] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
