import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from '@playwright/test';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { freePort } from '../support/ports';

/*
 * A newcomer's first run, as the README tells it, on what is committed: a fresh clone of HEAD, the
 * README's first command (`npm install && npm start`) on a port that is not the default, the built
 * extension loaded into Chromium, an account created in the options page without touching the
 * backend address, Share availability → Insert on the demo page, a candidate booking in another
 * browser, and the popup listing the interview, with no console error on any of those pages.
 *
 * PARLEY_NEWCOMER_REPO clones another repository instead (e.g. a scratch clone holding a
 * temporary commit); the clone and the process group of `npm start` are removed even on failure.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = process.env.PARLEY_NEWCOMER_REPO ?? ROOT;
const STARTUP_MS = 10 * 60_000;
const WAIT = { timeout: 30_000 };
const visible = { state: 'visible', timeout: 30_000 } as const;
const POLL = { timeout: 30_000, interval: 250 };

/** Only what a newcomer's shell would have: nothing of npm's, vitest's or Parley's own settings. */
function newcomerEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$|VITEST|TEST$|WXT_|PUBLIC_URL$|HOST$|PORT$|DATABASE_URL$|DATA_DIR$|PARLEY_|SMTP_URL$|PLAYWRIGHT_)/.test(k)) continue;
    env[k] = v;
  }
  // The local npm cache makes the install quick; nothing else changes what `npm install` does.
  return { ...env, PORT: String(port), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

const run = {
  dir: undefined as string | undefined,
  child: undefined as ChildProcess | undefined,
  output: '',
  closers: [] as Array<() => Promise<void>>,
};

function killGroup(signal: NodeJS.Signals) {
  const pid = run.child?.pid;
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
/** Whether every process of the group has gone within `ms`. */
async function groupGone(ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    try {
      process.kill(-run.child!.pid!, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
// Last resort if the worker itself is torn down: never leave a backend or a build running.
process.once('exit', () => killGroup('SIGKILL'));

const within = <T>(ms: number, p: Promise<T>) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

afterAll(async () => {
  const t0 = Date.now();
  const log = (what: string) => process.env.PARLEY_NEWCOMER_DEBUG && console.log(`[newcomer] ${what} after ${Date.now() - t0} ms`);
  for (const close of run.closers.reverse()) await within(20_000, close().catch(() => {}));
  log('browsers closed');
  if (run.child) {
    // The whole group (sh, npm, tsx, the backend), not only its leader.
    killGroup('SIGTERM');
    if (!(await groupGone(15_000))) {
      killGroup('SIGKILL');
      await groupGone(5_000);
    }
    log('npm start stopped');
  }
  // rm(1) is several times quicker than rmSync on a clone's node_modules.
  if (run.dir) spawnSync('rm', ['-rf', run.dir]);
  if (run.dir) rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
  log('clone removed');
}, 3 * 60_000);

/** Every console error and uncaught exception of a page, under the page's name. */
function watch(page: Page, name: string, errors: string[]): Page {
  page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(`${name}: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => errors.push(`${name}: ${String(e)}`));
  return page;
}

/** Starts the README's first command in the clone and waits for "Parley is running". */
async function npmInstallAndStart(dir: string, port: number): Promise<void> {
  const child = spawn('sh', ['-c', 'npm install && npm start'], { cwd: dir, env: newcomerEnv(port), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  run.child = child;
  const tail = () => run.output.split('\n').slice(-40).join('\n');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Parley is running" after ${STARTUP_MS / 1000} s:\n${tail()}`)), STARTUP_MS);
    const onData = (chunk: Buffer) => {
      run.output += chunk.toString();
      if (run.output.includes('Parley is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`\`npm install && npm start\` ended (${code ?? signal}) before Parley was running:\n${tail()}`));
    });
  });
  // Let the rest of the message arrive (it ends with how to stop).
  for (const deadline = Date.now() + 10_000; !run.output.includes('Stop with Ctrl+C') && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a newcomer: fresh clone → npm install && npm start on another port → extension → sign-up → demo → book → popup', async () => {
  run.dir = mkdtempSync(path.join(tmpdir(), 'parley-newcomer-'));
  const clone = path.join(run.dir, 'parley');
  const commit = execFileSync('git', ['-C', SOURCE, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', SOURCE, clone]);
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', commit]);

  const port = await freePort();
  const url = `http://localhost:${port}`;
  await npmInstallAndStart(clone, port);
  // npm start says where it runs and what to do next; the install left the clone as it was.
  expect(run.output).toContain(`Parley is running on ${url}`);
  expect(run.output).toContain('Next step: load the extension');
  expect(run.output).toContain(path.join(clone, '.output/chrome-mv3'));
  expect(run.output).toContain(`${url}/demo/messaging`);
  expect(execFileSync('git', ['-C', clone, 'status', '--porcelain'], { encoding: 'utf8' })).toBe('');

  const errors: string[] = [];
  const extension = path.join(clone, '.output/chrome-mv3');
  const context: BrowserContext = await chromium.launchPersistentContext(path.join(run.dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extension}`, `--load-extension=${extension}`],
  });
  run.closers.push(() => context.close());
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;

  // Sign up in the options page. The backend address is already the one npm start serves: not touched.
  const options = watch(await context.newPage(), 'options', errors);
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await options.getByRole('button', { name: 'New to Parley? Create an account' }).click(WAIT);
  await options.locator('summary', { hasText: url }).waitFor(visible);
  await options.getByLabel('Your name').fill('Rita Recruiter');
  await options.getByLabel('Work e-mail').fill('rita@example.com');
  await options.getByLabel('Password').fill('correct horse battery');
  await options.getByRole('button', { name: 'Create account' }).click();
  await options.getByText(`Signed in as Rita Recruiter (rita@example.com) on ${url}`).waitFor(WAIT);

  // The demo page: Share availability → Insert enables Send.
  const demo = watch(await context.newPage(), 'demo', errors);
  await demo.goto(`${url}/demo/messaging`);
  const thread = demo.locator('.msg-thread form.msg-form');
  const editor = thread.locator('[contenteditable="true"][role="textbox"]');
  const send = thread.getByRole('button', { name: 'Send' });
  await editor.waitFor(visible);
  await expect.poll(() => send.isDisabled(), POLL).toBe(true);
  await editor.click();
  await demo.keyboard.type('Hi Amara, great to meet you. ');
  await thread.getByRole('button', { name: 'Share availability' }).click(WAIT);
  await demo.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click(WAIT);
  await expect.poll(() => editor.innerText(), POLL).toContain(`View my availability: ${url}/b/`);
  await expect.poll(() => send.isEnabled(), POLL).toBe(true);
  const link = (await editor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];

  // The candidate books in another browser.
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  run.closers.push(() => browser.close());
  const candidateContext = await browser.newContext({ timezoneId: 'Europe/Lisbon', locale: 'en-GB' });
  const candidate = watch(await candidateContext.newPage(), 'booking', errors);
  await candidate.goto(link);
  await candidate.getByRole('heading', { name: 'Book a time with Rita Recruiter' }).waitFor(visible);
  await candidate.locator('a.slot').first().click(WAIT);
  await candidate.getByRole('heading', { name: 'Confirm details' }).waitFor(visible);
  await candidate.getByLabel('Country code').selectOption('PT');
  await candidate.getByLabel('Phone number').fill('912 345 678');
  await candidate.getByRole('button', { name: 'Confirm' }).click();
  await candidate.getByRole('heading', { name: 'Your interview is scheduled' }).waitFor(visible);

  // The recruiter's popup lists the interview.
  const popup = watch(await context.newPage(), 'popup', errors);
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const list = popup.getByRole('list', { name: 'Upcoming interviews' });
  await list.getByText('Amara Okafor-Lindgren').waitFor(visible);
  await popup.getByRole('button', { name: 'Copy link for Amara Okafor-Lindgren' }).waitFor(visible);

  expect(errors).toEqual([]);
});
