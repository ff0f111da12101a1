import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';

/*
 * `npm run backup`: the embedded database (PGlite in DATA_DIR/pglite) as one .tar.gz, named with
 * the time it was taken. Parley must be stopped meanwhile (the embedded database allows one
 * process). For Postgres (DATABASE_URL), use pg_dump: see "Backups" in the README.
 */

export class BackupError extends Error {}

export const pgliteDir = (dataDir: string) => path.join(dataDir, 'pglite');

/** 2026-03-02T12-00-05Z: sorts by time, and safe in file names everywhere. */
export const stamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');

/** Opens the embedded database with the extensions Parley's migrations use. */
export async function openPgliteFor(dir: string, loadDataDir?: Blob) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  return PGlite.create({ dataDir: dir, extensions: { btree_gist }, ...(loadDataDir ? { loadDataDir } : {}) });
}

/** A running (or abruptly stopped) embedded database leaves postmaster.pid in its folder. */
export const looksRunning = (dir: string) => existsSync(path.join(dir, 'postmaster.pid'));

/**
 * Writes DATA_DIR/pglite as `parley-backup-<time>.tar.gz` into `out` (a folder, default ./backups),
 * or to `out` itself when it ends in .tar.gz. Never overwrites a file.
 */
export async function backupDataDir(opts: { dataDir: string; out?: string; force?: boolean; now?: Date }): Promise<{ file: string; bytes: number }> {
  const dir = pgliteDir(opts.dataDir);
  if (!existsSync(dir) || !(await readdir(dir)).length) throw new BackupError(`There is no embedded database in ${dir} to back up (is DATA_DIR right?).`);
  if (looksRunning(dir) && !opts.force) {
    throw new BackupError(`Parley seems to be running on ${dir} (postmaster.pid is there). Stop it first: the embedded database allows one process. If it is not running (it stopped abruptly), run again with --force.`);
  }
  const out = opts.out ?? 'backups';
  const file = /\.tar\.gz$|\.tgz$/.test(out) ? out : path.join(out, `parley-backup-${stamp(opts.now)}.tar.gz`);
  if (existsSync(file)) throw new BackupError(`${file} already exists: choose another --out.`);
  await mkdir(path.dirname(file), { recursive: true });
  const pg = await openPgliteFor(dir);
  let archive: Blob;
  try {
    archive = await pg.dumpDataDir('gzip');
  } finally {
    await pg.close();
  }
  // Candidates' names and phone numbers are in there: readable by this user only.
  await writeFile(file, Buffer.from(await archive.arrayBuffer()), { mode: 0o600, flag: 'wx' });
  return { file, bytes: (await stat(file)).size };
}

async function main() {
  const { values: args } = parseArgs({ options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (args.help) {
    console.log(`npm run backup [-- --out <folder or file.tar.gz>] [--force]
Writes the embedded database (DATA_DIR/pglite) to backups/parley-backup-<time>.tar.gz. Stop Parley first.
With DATABASE_URL (Postgres), use pg_dump instead (README, "Backups").`);
    return;
  }
  const config = loadConfig(process.env);
  if (config.databaseUrl) {
    throw new BackupError('DATABASE_URL is set: Parley\'s data is in that Postgres server. Back it up with pg_dump, e.g.\n  pg_dump --format=custom --file=parley-$(date -u +%Y-%m-%dT%H-%M-%SZ).dump "$DATABASE_URL"\n(see "Backups" in the README).');
  }
  const { file, bytes } = await backupDataDir({ dataDir: config.dataDir, out: args.out, force: args.force });
  console.log(`[backup] wrote ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB) from ${pgliteDir(config.dataDir)}.`);
  console.log(`[backup] It does not contain the encryption key. Keep ${config.secretKey ? 'PARLEY_SECRET_KEY' : path.join(config.dataDir, 'secret.key')} (and any previous keys) safe, apart from the backup: without it the stored links and calendar tokens cannot be read.`);
  console.log(`[backup] Restore with: npm run restore -- ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`[backup] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
