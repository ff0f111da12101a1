// Checks the store packages that `npm run zip` (wxt zip, wxt zip -b firefox --mv3) wrote to .output/:
// the Chrome Web Store zip, the addons.mozilla.org zip and the sources zip AMO reviewers rebuild it from.
// Each must exist and be under the store's size limit; a package must have manifest.json at its root
// with the expected manifest_version, version and name, every file its manifest names, and neither
// source maps nor .env files. Prints one line per package, exits 1 on any problem.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const NAME = 'Parley'; // manifest.name in wxt.config.ts
const VERSION = pkg.version; // WXT takes the manifest's version from package.json
const MB = 1024 * 1024;
// Chrome Web Store: at most 2 GB; addons.mozilla.org: at most 200 MB, add-on and sources alike.
const CHROME_LIMIT = 2048 * MB;
const AMO_LIMIT = 200 * MB;

/** The entries of a zip file, from its central directory: name, sizes, and a way to read one. */
function readZip(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, {
      name, size,
      read() {
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + compressed);
        if (method === 0) return data;
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${name}: unsupported compression method ${method}`);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const forbidden = (name) =>
  /\.map$/i.test(name) ? 'a source map'
  : /(^|\/)\.env(\.|$)/.test(name) ? 'an .env file'
  : /(^|\/)node_modules\//.test(name) ? 'node_modules'
  : /(^|\/)\.git\//.test(name) ? 'a .git directory'
  : null;

/** Every file the manifest points at, so a package can't ship a manifest naming files it lacks. */
function manifestFiles(m) {
  const files = [
    ...(m.background?.scripts ?? []), m.background?.service_worker, m.background?.page,
    m.action?.default_popup, m.options_ui?.page, m.options_page,
    ...Object.values(m.icons ?? {}), ...Object.values(m.action?.default_icon ?? {}),
    ...(m.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
    ...(m.web_accessible_resources ?? []).flatMap((w) => (typeof w === 'string' ? [w] : w.resources)).filter((r) => !r.includes('*')),
  ];
  return files.filter((f) => typeof f === 'string').map((f) => f.replace(/^\//, ''));
}

const packages = [
  {
    file: `parley-${VERSION}-chrome.zip`, limit: CHROME_LIMIT,
    manifest(m, problems) {
      if (!m.background?.service_worker) problems.push('Chrome needs background.service_worker');
    },
  },
  {
    file: `parley-${VERSION}-firefox.zip`, limit: AMO_LIMIT,
    manifest(m, problems) {
      const gecko = m.browser_specific_settings?.gecko;
      if (!gecko?.id) problems.push('Firefox needs browser_specific_settings.gecko.id (AMO keys the add-on by it)');
      if (!gecko?.strict_min_version) problems.push('no browser_specific_settings.gecko.strict_min_version');
      if (!m.background?.scripts?.length) problems.push('Firefox needs background.scripts (it has no extension service workers)');
    },
  },
  {
    file: `parley-${VERSION}-sources.zip`, limit: AMO_LIMIT, sources: true,
  },
];

let failed = false;
for (const p of packages) {
  const file = path.join(root, '.output', p.file);
  const problems = [];
  let summary = '';
  try {
    const bytes = statSync(file).size;
    if (bytes > p.limit) problems.push(`${(bytes / MB).toFixed(1)} MB, over the store's ${p.limit / MB} MB`);
    const entries = readZip(file);
    for (const name of entries.keys()) {
      const why = forbidden(name);
      if (why) problems.push(`${name} is ${why}`);
    }
    summary = `${entries.size} files, ${(bytes / 1024).toFixed(0)} kB`;
    if (p.sources) {
      // What a reviewer needs to rebuild the package (`npm install && npx wxt build -b firefox --mv3`), and none of the backend's data.
      for (const need of ['package.json', 'package-lock.json', 'wxt.config.ts', 'README.md']) {
        if (!entries.has(need)) problems.push(`${need} is missing`);
      }
      if (![...entries.keys()].some((n) => n.startsWith('entrypoints/'))) problems.push('entrypoints/ is missing');
      for (const name of entries.keys()) {
        if (/^(data|server|tests|test-results|playwright-report)\//.test(name) || /\.(key|pem|log)$/.test(name)) problems.push(`${name} does not belong in the sources`);
      }
    } else {
      const manifestEntry = entries.get('manifest.json');
      if (!manifestEntry) throw new Error('no manifest.json at the root of the zip');
      const m = JSON.parse(manifestEntry.read().toString('utf8'));
      if (m.manifest_version !== 3) problems.push(`manifest_version is ${m.manifest_version}, not 3`);
      if (m.version !== VERSION) problems.push(`version is ${m.version}, not package.json's ${VERSION}`);
      if (m.name !== NAME) problems.push(`name is ${JSON.stringify(m.name)}, not ${JSON.stringify(NAME)}`);
      if (typeof m.description !== 'string' || m.description.length > 132) problems.push('description must be at most 132 characters');
      for (const f of manifestFiles(m)) if (!entries.has(f)) problems.push(`manifest.json names ${f}, which is not in the zip`);
      p.manifest(m, problems);
      summary = `manifest v${m.manifest_version} ${m.name} ${m.version}, ${summary}`;
    }
  } catch (err) {
    problems.push(err.code === 'ENOENT' ? 'missing: run npm run zip' : err.message);
  }
  if (problems.length) {
    failed = true;
    console.error(`✗ .output/${p.file}\n${problems.map((x) => `    ${x}`).join('\n')}`);
  } else {
    console.log(`✓ .output/${p.file} (${summary})`);
  }
}
process.exit(failed ? 1 : 0);
