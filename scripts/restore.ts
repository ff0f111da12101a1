import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { createSealer, loadPreviousKeys, SECRET_KEY_FILE } from '../server/secrets.js';
import { BackupError, looksRunning, openPgliteFor, pgliteDir, stamp } from './backup.js';
import { sealedTables } from './rotate-key.js';

/*
 * `npm run restore -- <file.tar.gz>`: puts a backup made by `npm run backup` back into
 * DATA_DIR/pglite. Refuses a DATA_DIR that already holds a database unless --force (which moves it
 * aside, never deletes it). Then checks that the keys at hand open the backup's sealed values.
 */

export interface RestoreResult {
  dir: string;
  /** Where the database that was there went (with --force). */
  movedAside?: string;
  migrations: string[];
  /** Sealed values in the backup, and how many the available keys open; undefined without any key. */
  sealed: { total: number; readable: number } | undefined;
}

export async function restoreDataDir(opts: { file: string; dataDir: string; force?: boolean; secretKey?: string; previousKeys?: string[] }): Promise<RestoreResult> {
  if (!existsSync(opts.file)) throw new BackupError(`There is no file ${opts.file}.`);
  const dir = pgliteDir(opts.dataDir);
  const occupied = existsSync(dir) && (await readdir(dir)).length > 0;
  if (occupied && looksRunning(dir)) throw new BackupError(`Parley seems to be running on ${dir} (postmaster.pid is there). Stop it first.`);
  if (occupied && !opts.force) {
    throw new BackupError(`${dir} already holds a database. Restore into an empty DATA_DIR, or run again with --force to replace it (the current one is moved aside, not deleted).`);
  }
  // Unpack beside the target and move it into place only once it opened: a broken archive leaves
  // DATA_DIR as it was.
  await mkdir(opts.dataDir, { recursive: true });
  const staging = path.join(opts.dataDir, `pglite.restoring-${stamp()}`);
  const archive = new Blob([await readFile(opts.file)]);
  let migrations: string[];
  try {
    const pg = await openPgliteFor(staging, archive);
    try {
      migrations = (await pg.query<{ version: string }>('select version from schema_migrations order by version')).rows.map((r) => r.version);
    } catch {
      throw new BackupError(`${opts.file} opened, but holds no Parley database (no schema_migrations table).`);
    } finally {
      await pg.close();
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${opts.file} is not a backup Parley can read (${err instanceof Error ? err.message : String(err)}).`);
  }
  let movedAside: string | undefined;
  if (occupied) {
    movedAside = `${dir}.before-restore-${stamp()}`;
    await rename(dir, movedAside);
  } else if (existsSync(dir)) {
    await rm(dir, { recursive: true });
  }
  await rename(staging, dir);
  return { dir, movedAside, migrations, sealed: await checkKeys(dir, opts) };
}

/** How many of the restored sealed values the keys at hand open (never generates a key). */
async function checkKeys(dir: string, opts: { dataDir: string; secretKey?: string; previousKeys?: string[] }) {
  const keyText = opts.secretKey ?? (await readFile(path.join(opts.dataDir, SECRET_KEY_FILE), 'utf8').catch(() => undefined))?.trim();
  if (!keyText) return undefined;
  const sealer = createSealer(Buffer.from(keyText, 'base64'), await loadPreviousKeys({ previousKeys: opts.previousKeys, dataDir: opts.dataDir }));
  const pg = await openPgliteFor(dir);
  try {
    const db = { query: async <T>(text: string, params?: unknown[]) => (await pg.query<T>(text, params)).rows };
    let total = 0;
    let readable = 0;
    for (const t of await sealedTables(db)) {
      for (const column of t.columns) {
        const rows = await db.query<{ v: string }>(`select "${column}" as v from "${t.table}" where "${column}" is not null`);
        for (const { v } of rows) {
          total++;
          try {
            sealer.open(v);
            readable++;
          } catch {
            // counted as unreadable
          }
        }
      }
    }
    return { total, readable };
  } finally {
    await pg.close();
  }
}

async function main() {
  const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (args.help || positionals.length !== 1) {
    console.log(`npm run restore -- <parley-backup-….tar.gz> [--force]
Restores a backup made by \`npm run backup\` into DATA_DIR/pglite (which must be empty, or --force moves it aside). Stop Parley first.
With DATABASE_URL (Postgres), use pg_restore instead (README, "Backups").`);
    if (!args.help) process.exitCode = 1;
    return;
  }
  const config = loadConfig(process.env);
  if (config.databaseUrl) {
    throw new BackupError('DATABASE_URL is set: restore a Postgres backup with pg_restore, e.g.\n  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" parley-….dump\n(see "Backups" in the README).');
  }
  const r = await restoreDataDir({ file: positionals[0]!, dataDir: config.dataDir, force: args.force, secretKey: config.secretKey, previousKeys: config.previousKeys });
  if (r.movedAside) console.log(`[restore] the database that was in ${r.dir} is now in ${r.movedAside}`);
  console.log(`[restore] restored ${positionals[0]} into ${r.dir} (schema: ${r.migrations.at(-1) ?? 'none'}).`);
  if (!r.sealed) {
    console.warn(`[restore] No key found (PARLEY_SECRET_KEY or ${path.join(config.dataDir, SECRET_KEY_FILE)}). Put back the key that was in use when the backup was taken before starting Parley: otherwise it generates a new one, and the stored links and calendar tokens cannot be read.`);
  } else if (r.sealed.readable < r.sealed.total) {
    console.warn(`[restore] ${r.sealed.total - r.sealed.readable} of ${r.sealed.total} sealed values do not open with the keys at hand. Set the key that was in use when the backup was taken (PARLEY_SECRET_KEY, or PARLEY_PREVIOUS_KEYS after a rotation).`);
    process.exitCode = 2;
  } else {
    console.log(`[restore] ${r.sealed.total ? `all ${r.sealed.total} sealed values open with the keys at hand` : 'the backup holds no sealed values'}. Start Parley.`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`[restore] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
