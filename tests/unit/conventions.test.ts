import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** CONVENTIONS 15: conventions checked by tests, not by memory. */
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });

/** lib/features files that are plumbing, not features: the registry, the runner, shared mounting and styles, and the context menu's dialog (opened on demand, on no particular site). */
const NOT_FEATURES = ['feature.ts', 'index.ts', 'run.ts', 'styles.ts', 'composer-control.tsx', 'anywhere.tsx'];

describe('conventions', () => {
  it('registers every feature file in lib/features/index.ts, for sites that have an adapter', async () => {
    const featureFiles = readdirSync('lib/features').filter((f) => /\.tsx?$/.test(f) && !NOT_FEATURES.includes(f));
    const index = readFileSync('lib/features/index.ts', 'utf8');
    for (const f of featureFiles) expect(index, f).toContain(`./${f.replace(/\.tsx?$/, '')}'`);
    // Importing the registry needs the browser runtime; read the declared sites from the source instead.
    const { adapters } = await import('../../lib/sites');
    const ids = adapters.map((a) => a.id);
    for (const f of featureFiles) {
      const sites = /sites:\s*\[([^\]]*)\]/.exec(readFileSync(path.join('lib/features', f), 'utf8'))?.[1];
      expect(sites, `${f} declares its sites`).toBeDefined();
      for (const site of sites!.match(/'([^']+)'/g)!.map((s) => s.slice(1, -1))) expect(ids, `${f}: ${site}`).toContain(site);
    }
  });

  it('never writes HTML strings into pages from extension code', () => {
    const offenders = [...files('lib'), ...files('components'), ...files('entrypoints')].filter((f) =>
      /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps backend calls in the background: content-script code never fetches', () => {
    const contentCode = [...files('lib/features'), ...files('lib/sites'), ...files('lib/dom'), 'components/ShareAvailability.tsx'];
    const offenders = contentCode.filter((f) => /\bfetch\(|from 'ky'|XMLHttpRequest/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('gives every Dexie schema version a fixture', () => {
    const versions = [...readFileSync('lib/db.ts', 'utf8').matchAll(/this\.version\((\d+)\)/g)].map((m) => m[1]);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(() => statSync(`tests/fixtures/dexie/v${v}.json`), `fixture for version ${v}`).not.toThrow();
  });

  it('keeps one MutationObserver per tree: no `new MutationObserver` outside lib/dom', () => {
    // CONVENTIONS 4: features listen to the shared hub (lib/dom/page-mutations.ts) instead.
    const extensionCode = [...files('lib'), ...files('components'), ...files('entrypoints')].filter((f) => !f.startsWith(path.join('lib', 'dom') + path.sep));
    const offenders = extensionCode.filter((f) => /\bnew\s+MutationObserver\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
