import { test as base, chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { serve, type ServerType } from '@hono/node-server';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { bootParley, type Parley } from '../../server/boot';
import { loadConfig } from '../../server/config';
import { openPglite } from '../../server/db';
import type { OutboxMessage } from '../../server/mail';
import { createMailer } from '../../server/mail';
import { recordGrant } from '../support/chromium-grants';
import { freePort } from '../support/ports';

const EXTENSION_DIR = path.resolve('.output/chrome-mv3');
/** A fixture page: "x.html" from tests/fixtures/linkedin, or "dir/x.html" from tests/fixtures. */
export const fixture = (name: string) =>
  withEditorEmulation(readFileSync(path.resolve(name.includes('/') ? 'tests/fixtures' : 'tests/fixtures/linkedin', name), 'utf8'));

/** The one editor emulation of every fixture page (server/demo/editor-emulation.js, which the demo page loads too), inlined where the page asks for it. */
export function withEditorEmulation(html: string): string {
  const script = readFileSync(path.resolve('server/demo/editor-emulation.js'), 'utf8');
  return html.replace('<!-- parley:editor-emulation -->', () => `<script>\n${script}</script>`);
}

export interface Backend { url: string; parley: Parley; outbox: OutboxMessage[] }

/** The real backend, on an in-memory PGlite, listening on a free local port. */
export async function startBackend(env: Record<string, string> = {}): Promise<Backend & { server: ServerType; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const outbox: OutboxMessage[] = [];
  const config = loadConfig({ PORT: String(port), PUBLIC_URL: url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-e2e-')), ...env });
  const parley = await bootParley(config, {
    db: await openPglite(),
    mailer: createMailer({ from: 'Parley <no-reply@parley.test>', outbox: (m) => void outbox.push(m) }),
  });
  const server = serve({ fetch: parley.app.fetch, port, hostname: '127.0.0.1' });
  const stop = async () => {
    server.close();
    await parley.close();
    await parley.deps.db.close();
  };
  return { url, parley, outbox, server, stop };
}

type Fixtures = { extensionContext: BrowserContext; extensionId: string; backend: Backend };

export const test = base.extend<Fixtures>({
  // One backend per test: every journey starts from an empty database.
  backend: async ({}, use) => {
    const b = await startBackend();
    await use(b);
    await b.stop();
  },
  extensionContext: async ({}, use) => {
    const context = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'parley-profile-')), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`],
    });
    await use(context);
    await context.close();
  },
  extensionId: async ({ extensionContext }, use) => {
    const worker = extensionContext.serviceWorkers()[0] ?? (await extensionContext.waitForEvent('serviceworker'));
    await use(new URL(worker.url()).host);
  },
});
export { expect } from '@playwright/test';

/** Creates the recruiter's account through the extension's own options page, as a new user would. */
export async function signUpThroughOptions(context: BrowserContext, extensionId: string, backendUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await page.getByRole('button', { name: 'New to Parley? Create an account' }).click();
  await page.getByLabel('Your name').fill('Rita Recruiter');
  await page.getByLabel('Work e-mail').fill('rita@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByText('Backend', { exact: true }).click();
  await page.getByLabel('Parley backend address').fill(backendUrl);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('Signed in as').waitFor();
  return page;
}

/** Serves fixture pages at LinkedIn's real URLs, so the content script runs as in production. */
export async function serveLinkedIn(context: BrowserContext, pages: Record<string, string>, edit: (name: string, html: string) => string = (_n, h) => h) {
  await context.route('https://www.linkedin.com/**', async (route) => {
    const url = new URL(route.request().url());
    const name = pages[url.pathname] ?? Object.entries(pages).find(([p]) => url.pathname.startsWith(p))?.[1];
    if (!name) return route.fulfill({ status: 404, body: 'not in fixtures' });
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: edit(name, fixture(name)) });
  });
  // Everything else LinkedIn would load (images, beacons) stays offline.
  await context.route(/^https:\/\/(?!www\.linkedin\.com\/)/, (route) => route.abort());
}

/**
 * A copy of the built extension that holds `hosts` as required host permissions. Only for the context
 * menu's journey: a menu click grants activeTab on the page, and headless Chromium offers no menu to
 * click, so the page's host is granted up front instead. Optional hosts (Gmail, Outlook) are granted the
 * way the browser records the recruiter's "Allow" instead: launchWithGrants.
 */
export function extensionWithHosts(hosts: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-ext-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { host_permissions?: string[]; optional_host_permissions?: string[] };
  manifest.host_permissions = [...new Set([...(manifest.host_permissions ?? []), ...hosts])];
  manifest.optional_host_permissions = (manifest.optional_host_permissions ?? []).filter((h) => !hosts.includes(h));
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return dir;
}

const launchPersistent = (profile: string, extensionDir: string) =>
  chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
  });

export const workerOf = async (context: BrowserContext): Promise<Worker> =>
  context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));

/**
 * The built extension, unchanged, in a profile where the recruiter has already allowed the optional host
 * permissions `origins` (tests/support/chromium-grants.ts says why a test cannot click "Allow"). The
 * browser starts once to install the extension, closes, gets the grant recorded, and starts again.
 */
export async function launchWithGrants(origins: string[]): Promise<{ context: BrowserContext; extensionId: string }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'parley-profile-'));
  const first = await launchPersistent(profile, EXTENSION_DIR);
  const extensionId = new URL((await workerOf(first)).url()).host;
  await first.close();
  recordGrant(profile, extensionId, origins);
  return { context: await launchPersistent(profile, EXTENSION_DIR), extensionId };
}

/** A browser with `extensionDir` loaded (see extensionWithHosts). */
export async function launchExtension(extensionDir: string): Promise<{ context: BrowserContext; extensionId: string }> {
  const context = await launchPersistent(mkdtempSync(path.join(tmpdir(), 'parley-profile-')), extensionDir);
  return { context, extensionId: new URL((await workerOf(context)).url()).host };
}
