import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import type * as InsertText from '../../lib/dom/insert-text';
import type * as Sites from '../../lib/sites/index';
import type { Composer } from '../../lib/sites/types';
import { withEditorEmulation } from './fixtures';

// insertAtCaret in real Chromium against the fixture pages, whose inline script behaves like LinkedIn's
// editor: Send is enabled only by real input events, and the first input re-renders the footer.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function bundle(entry: string, globalName: string): string {
  const result = buildSync({
    entryPoints: [`${ROOT}${entry}`],
    bundle: true,
    format: 'iife',
    globalName,
    write: false,
    target: 'chrome120',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
  return file.text;
}

const DOM_BUNDLE = bundle('lib/dom/insert-text.ts', 'ParleyDom');
const SITES_BUNDLE = bundle('lib/sites/index.ts', 'ParleySites');

declare global {
  interface Window {
    ParleyDom: typeof InsertText;
    ParleySites: typeof Sites;
    parleyTest: { composer: Composer; caret: () => InsertText.SavedCaret; marker: HTMLElement; footer: Element | null };
  }
}

interface Case {
  name: string;
  file: string;
  /** The URL the page stands for, handed to recipientFor. */
  url: string;
  adapter: 'linkedin' | 'demo';
  /** Which of the page's composers to type into. */
  composer: number;
  composers: number;
  recipientKey: string;
  /** A place outside the editor to click, which takes focus or selection away. */
  elsewhere: string;
  textarea?: boolean;
  ready?: string;
}

const CASES: Case[] = [
  {
    name: 'messaging thread',
    file: 'tests/fixtures/linkedin/messaging-thread.html',
    url: 'https://www.linkedin.com/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/',
    adapter: 'linkedin',
    composer: 0,
    composers: 1,
    recipientKey: 'linkedin:in:sofia-lindqvist-4b2a91',
    elsewhere: '.msg-search-form__search-field',
  },
  {
    name: 'second overlay bubble on the feed',
    file: 'tests/fixtures/linkedin/overlay-bubbles.html',
    url: 'https://www.linkedin.com/feed/',
    adapter: 'linkedin',
    composer: 1,
    composers: 2,
    recipientKey: 'linkedin:member:ACoAAC8vXq2BZl3mNoPwRtYuIkJhGfDsAqE',
    elsewhere: '.update-components-text p',
  },
  {
    name: 'bubble in the #interop-outlet shadow root (French, hashed classes)',
    file: 'tests/fixtures/linkedin/interop-outlet.html',
    url: 'https://www.linkedin.com/feed/',
    adapter: 'linkedin',
    composer: 0,
    composers: 1,
    recipientKey: 'linkedin:in:élodie-marchand-b81f22',
    elsewhere: 'main p',
    ready: 'html[data-interop-ready]',
  },
  {
    name: 'new message with a recipient pill',
    file: 'tests/fixtures/linkedin/compose-new.html',
    url: 'https://www.linkedin.com/messaging/thread/new/?recipient=ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01',
    adapter: 'linkedin',
    composer: 0,
    composers: 1,
    recipientKey: 'linkedin:member:ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01',
    elsewhere: '.msg-compose__header h2',
  },
  {
    name: 'Recruiter InMail textarea',
    file: 'tests/fixtures/linkedin/recruiter-inmail.html',
    url: 'https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK?project=1234567',
    adapter: 'linkedin',
    composer: 0,
    composers: 1,
    recipientKey: 'linkedin:talent:AEMAAAXyZ12bC3dEfGhIjK',
    elsewhere: '#inmail-subject',
    textarea: true,
  },
  {
    name: 'Parley demo page',
    file: 'server/demo/messaging.html',
    url: 'http://127.0.0.1:8787/demo/messaging',
    adapter: 'demo',
    composer: 0,
    composers: 2,
    recipientKey: 'demo:in:amara-okafor-lindgren-demo',
    elsewhere: '.parley-demo-banner',
  },
];

const PREFIX = 'Hi there, ';
const SUFFIX = 'Looking forward to it.';
const LINK = 'pick any slot that suits you: https://parley.example/b/7Kq2xZ9 ';

/** Opens the fixture, injects the bundles, finds the composer and writes draft text without input events. */
async function open(page: Page, c: Case): Promise<void> {
  // Served (not opened as a file) so the page gets the shared editor emulation inlined.
  await page.route('https://fixture.test/**', (route) => {
    const { pathname } = new URL(route.request().url());
    // The demo page's own files (styles, editor emulation, its script), as the backend serves them.
    const asset = /^\/demo\/([\w-]+\.(?:js|css))$/.exec(pathname)?.[1];
    if (asset) {
      const type = asset.endsWith('.css') ? 'text/css' : 'text/javascript';
      return route.fulfill({ status: 200, contentType: `${type}; charset=utf-8`, body: readFileSync(`${ROOT}server/demo/${asset}`, 'utf8') });
    }
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: withEditorEmulation(readFileSync(`${ROOT}${c.file}`, 'utf8')) });
  });
  await page.goto('https://fixture.test/page.html');
  if (c.ready) await page.waitForSelector(c.ready, { state: 'attached' });
  await page.addScriptTag({ content: DOM_BUNDLE });
  await page.addScriptTag({ content: SITES_BUNDLE });
  const found = await page.evaluate(
    ({ adapter, index, url, draft }) => {
      const composers = window.ParleySites[adapter].findComposers(document);
      const composer = composers[index];
      if (!composer) return { count: composers.length, key: undefined };
      const { editor } = composer;
      const caret = window.ParleyDom.rememberCaret(editor);
      // A draft the framework never saw: no input event, so Send stays disabled.
      if (editor instanceof HTMLTextAreaElement) editor.value = draft;
      else (editor.querySelector('p') ?? editor).textContent = draft;
      const marker = document.createElement('span');
      marker.textContent = 'Parley';
      composer.mountAfter.after(marker);
      window.parleyTest = { composer, caret, marker, footer: composer.editor.closest('form')?.querySelector('footer') ?? null };
      return { count: composers.length, key: window.ParleySites[adapter].recipientFor(composer, new URL(url))?.key };
    },
    { adapter: c.adapter, index: c.composer, url: c.url, draft: PREFIX + SUFFIX },
  );
  expect(found).toEqual({ count: c.composers, key: c.recipientKey });
  expect(await sendDisabled(page)).toBe(true);
}

function sendDisabled(page: Page): Promise<boolean | undefined> {
  return page.evaluate(
    () => window.parleyTest.composer.editor.closest('form')?.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled,
  );
}

function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { editor } = window.parleyTest.composer;
    const text = editor instanceof HTMLTextAreaElement ? editor.value : (editor.textContent ?? '');
    return text.replace(/\u00a0/g, ' ');
  });
}

/** Puts the caret between PREFIX and SUFFIX the way a person would: click, go to the end, step back. */
async function placeCaretInTheMiddle(page: Page, c: Case): Promise<void> {
  const editor = await page.evaluateHandle(() => window.parleyTest.composer.editor);
  await editor.click();
  await page.keyboard.press(c.textarea ? 'Control+End' : 'End');
  for (let i = 0; i < SUFFIX.length; i++) await page.keyboard.press('ArrowLeft');
  await page.locator(c.elsewhere).first().click();
  const focusLeft = await page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active !== window.parleyTest.composer.editor;
  });
  expect(focusLeft).toBe(true);
}

for (const c of CASES) {
  test(`inserts at the remembered caret and enables Send: ${c.name}`, async ({ page }) => {
    await open(page, c);
    await placeCaretInTheMiddle(page, c);

    const inserted = await page.evaluate(
      (text) => window.ParleyDom.insertAtCaret(window.parleyTest.composer.editor, text, window.parleyTest.caret()),
      LINK,
    );
    expect(inserted).toBe(true);
    expect(await editorText(page)).toBe(PREFIX + LINK + SUFFIX);
    expect(await sendDisabled(page)).toBe(false);

    // The host re-rendered its footer on that first input; our mount point and what we put after it survived.
    const survived = await page.evaluate(() => ({
      footerReplaced: window.parleyTest.footer !== null && !window.parleyTest.footer.isConnected,
      marker: window.parleyTest.marker.isConnected,
      placeholderHidden: window.parleyTest.composer.root.querySelector<HTMLElement>('[aria-hidden="true"][data-placeholder]')?.hidden,
    }));
    expect(survived).toEqual({
      footerReplaced: true,
      marker: true,
      placeholderHidden: c.textarea ? undefined : true,
    });

    // The caret ends after the inserted text, in the focused editor, as if the person had typed it.
    await page.keyboard.type('!');
    expect(await editorText(page)).toBe(`${PREFIX}${LINK}!${SUFFIX}`);
  });
}

test('falls back to input events when execCommand is unavailable', async ({ page }) => {
  for (const c of [CASES[0], CASES[4]] as Case[]) {
    await open(page, c);
    await placeCaretInTheMiddle(page, c);
    const inserted = await page.evaluate((text) => {
      document.execCommand = () => false;
      return window.ParleyDom.insertAtCaret(window.parleyTest.composer.editor, text, window.parleyTest.caret());
    }, LINK);
    expect(inserted).toBe(true);
    expect(await editorText(page)).toBe(PREFIX + LINK + SUFFIX);
    expect(await sendDisabled(page)).toBe(false);
  }
});

test('reports failure when the editor throws the text away', async ({ page }) => {
  const c = CASES[0] as Case;
  await open(page, c);
  await placeCaretInTheMiddle(page, c);
  const inserted = await page.evaluate((text) => {
    // A controlled editor that renders only from its own model, which this text never reaches.
    const { editor } = window.parleyTest.composer;
    const paragraph = editor.querySelector('p') as HTMLElement;
    const model = paragraph.textContent;
    editor.addEventListener('beforeinput', (event) => event.preventDefault());
    editor.addEventListener('input', () => paragraph.replaceChildren(model ?? ''), { capture: true });
    return window.ParleyDom.insertAtCaret(editor, text, window.parleyTest.caret());
  }, LINK);
  expect(inserted).toBe(false);
  expect(await editorText(page)).toBe(PREFIX + SUFFIX);
});

test('without a saved caret, inserts at the end of the draft', async ({ page }) => {
  const c = CASES[1] as Case;
  await open(page, c);
  const inserted = await page.evaluate(
    (text) => window.ParleyDom.insertAtCaret(window.parleyTest.composer.editor, text, null),
    LINK,
  );
  expect(inserted).toBe(true);
  expect((await editorText(page)).trimEnd()).toBe((PREFIX + SUFFIX + LINK).trimEnd());
  expect(await sendDisabled(page)).toBe(false);
});
