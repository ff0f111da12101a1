// The core journey in Debian's real Firefox ESR (/usr/bin/firefox-esr), headless, with the built
// Firefox MV3 package (.output/firefox-mv3) installed as a temporary add-on over WebDriver BiDi:
// sign up in the options page, "Share availability" in a LinkedIn composer served at
// https://www.linkedin.com from the fixtures, Insert, a candidate books through the link, the popup
// lists the booking. Run it alone with `npm run test:firefox` (after `npm run build`).
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type HTTPRequest, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixture, startBackend } from '../e2e/fixtures';

const FIREFOX = '/usr/bin/firefox-esr';
const EXTENSION_DIR = path.resolve('.output/firefox-mv3');
const THREAD = '/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/';
const LINK = /http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/;
const WAIT = { timeout: 20_000 };

let backend: Awaited<ReturnType<typeof startBackend>>;
let browser: Browser;
/** moz-extension://<uuid>: Firefox gives every add-on a random UUID; we choose it before installing. */
let extensionOrigin: string;
let extension: string | undefined;

beforeAll(async () => {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: run bash scripts/ensure-test-tools.sh (apt-get install firefox-esr)`);
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) throw new Error(`${EXTENSION_DIR} is missing: run npm run build first`);
  // Firefox reads a temporary add-on from its directory as it goes: install a copy, so a rebuild
  // meanwhile (npm run build in another terminal) can't pull files from under the running journey.
  extension = mkdtempSync(path.join(tmpdir(), 'parley-firefox-ext-'));
  cpSync(EXTENSION_DIR, extension, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(extension, 'manifest.json'), 'utf8'));
  const addonId: string = manifest.browser_specific_settings.gecko.id;
  const uuid = randomUUID();
  extensionOrigin = `moz-extension://${uuid}`;

  backend = await startBackend();
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Firefox's BiDi refuses to navigate to moz-extension: pages unless system access is allowed.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      // Firefox takes an add-on's UUID from this map when it has an entry, so the extension's pages
      // have a known address before the add-on is even installed.
      'extensions.webextensions.uuids': JSON.stringify({ [addonId]: uuid }),
      // Nothing leaves the machine: whatever is not answered by an interception below goes to a
      // proxy that is not there and fails at once (Firefox never proxies 127.0.0.1 and localhost).
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 9,
      'network.proxy.share_proxy_settings': false,
    },
  });
  const installed = await browser.installExtension(extension);
  expect(installed).toBe(addonId);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  if (extension) rmSync(extension, { recursive: true, force: true });
});

/**
 * Opens one of the extension's pages in a new tab. Firefox's BiDi sends no navigation events for
 * extension documents (it skips extension contexts, bug 1755014), so `goto` would never settle:
 * it is started, and the document itself is waited for.
 */
async function openExtensionPage(file: string): Promise<Page> {
  const page = await browser.newPage();
  const url = `${extensionOrigin}/${file}`;
  page.goto(url, { timeout: 0 }).catch(() => {});
  await page.waitForFunction((u) => location.href === u && document.readyState === 'complete', { ...WAIT, polling: 100 }, url);
  return page;
}

/** Serves the LinkedIn fixture pages at https://www.linkedin.com; every other https request fails. */
async function serveLinkedIn(page: Page, pages: Record<string, string>) {
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    const url = new URL(request.url());
    if (url.origin === 'https://www.linkedin.com') {
      const name = pages[url.pathname];
      void (name
        ? request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: fixture(name) })
        : request.respond({ status: 404, contentType: 'text/plain', body: 'not in fixtures' }));
    } else if (url.protocol === 'https:') void request.abort();
    else void request.continue();
  });
}

const text = (el: ElementHandle<Element>) => el.evaluate((e) => (e as HTMLElement).innerText);

test('Firefox: sign up in options → Share availability on LinkedIn → Insert → candidate books → popup lists it', async () => {
  // The recruiter creates their account in the extension's options page.
  const options = await openExtensionPage('options.html');
  await (await options.waitForSelector('::-p-text(New to Parley? Create an account)', WAIT))!.click();
  await (await options.waitForSelector('::-p-aria(Your name)', WAIT))!.type('Rita Recruiter');
  await (await options.waitForSelector('::-p-aria(Work e-mail)', WAIT))!.type('rita@example.com');
  await (await options.waitForSelector('::-p-aria(Password)', WAIT))!.type('correct horse battery');
  await (await options.waitForSelector('summary::-p-text(Backend)', WAIT))!.click();
  const address = (await options.waitForSelector('::-p-aria(Parley backend address)', WAIT))!;
  await address.click();
  await options.keyboard.down('Control');
  await options.keyboard.press('KeyA');
  await options.keyboard.up('Control');
  await address.type(backend.url);
  expect(await address.evaluate((i) => (i as HTMLInputElement).value)).toBe(backend.url);
  await (await options.waitForSelector('button[type="submit"]::-p-text(Create account)', WAIT))!.click();
  await options.waitForSelector('::-p-text(Signed in as)', WAIT);
  expect(await options.evaluate(() => document.body.innerText)).toContain('Signed in as Rita Recruiter (rita@example.com)');

  // LinkedIn's messaging thread: the content script adds "Share availability" under the composer.
  const linkedin = await browser.newPage();
  await serveLinkedIn(linkedin, { [THREAD]: 'messaging-thread.html' });
  await linkedin.goto(`https://www.linkedin.com${THREAD}`);
  expect(await linkedin.evaluate(() => location.origin)).toBe('https://www.linkedin.com');
  const share = (await linkedin.waitForSelector('>>> button[aria-label="Share availability"]', WAIT))!;
  expect(await linkedin.$$('>>> button[aria-label="Share availability"]')).toHaveLength(1);
  const editor = (await linkedin.waitForSelector('.msg-form__contenteditable', WAIT))!;
  await editor.click();
  await linkedin.keyboard.type('Hi Sofia, great to connect! ');
  await share.click();
  const dialog = (await linkedin.waitForSelector('>>> [role="dialog"][aria-label="Share availability"]', WAIT))!;
  await (await dialog.waitForSelector('button::-p-text(Insert)', WAIT))!.click();
  await linkedin.waitForFunction(
    (el, source) => new RegExp(source).test((el as HTMLElement).innerText), { ...WAIT, polling: 100 }, editor, LINK.source,
  );
  const message = await text(editor);
  expect(message).toMatch(new RegExp(`Hi Sofia, great to connect! View my availability: ${LINK.source}`));
  // The host's Send button saw the input.
  expect(await linkedin.$eval('form button[type="submit"]', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
  // The host re-rendered its footer on the first input: still exactly one control.
  expect(await linkedin.$$('>>> button[aria-label="Share availability"]')).toHaveLength(1);
  const link = message.match(LINK)![0];

  // The candidate opens the link in a browser context of their own, in another zone, and books.
  const candidateContext = await browser.createBrowserContext();
  const candidate = await candidateContext.newPage();
  await candidate.emulateTimezone('Asia/Kolkata');
  await candidate.goto(link);
  await candidate.waitForSelector('h1::-p-text(Book a time with Rita Recruiter)', WAIT);
  await (await candidate.waitForSelector('a.slot', WAIT))!.click();
  await candidate.waitForSelector('h1::-p-text(Confirm details)', WAIT);
  expect(await candidate.evaluate(() => document.body.innerText)).toMatch(/Talk with Rita Recruiter for 30 minutes on/);
  await candidate.select('#country', 'IN');
  await candidate.type('#phone', '98765 43210');
  await candidate.type('#email', 'sofia@example.com');
  await candidate.click('input[name="note"][value="excited"]');
  await Promise.all([candidate.waitForNavigation(WAIT), candidate.click('button[type="submit"]')]);
  await candidate.waitForSelector('h1::-p-text(Your interview is scheduled)', WAIT);
  expect(await candidate.evaluate(() => document.body.innerText)).toMatch(/Asia\/(Kolkata|Calcutta)/);
  await candidateContext.close();

  // The recruiter's popup lists the interview.
  const popup = await openExtensionPage('popup.html');
  const list = (await popup.waitForSelector('ul[aria-label="Upcoming interviews"]', WAIT))!;
  await list.waitForSelector('::-p-text(Sofia Lindqvist)', WAIT);
  await popup.waitForSelector('button[aria-label="Copy link for Sofia Lindqvist"]', WAIT);
  await popup.waitForSelector('::-p-text(Sofia Lindqvist booked an interview on)', WAIT);
});
