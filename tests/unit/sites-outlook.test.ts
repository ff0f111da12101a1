// @vitest-environment happy-dom
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RecipientSchema } from '../../lib/schemas';
import { adapterFor, adapters } from '../../lib/sites/index';
import { accountAddress, OUTLOOK_MATCHES, outlook, outlookKey, outlookPages } from '../../lib/sites/outlook';
import type { Composer } from '../../lib/sites/types';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'outlook');

/** Loads a fixture into the test document, without its scripts (the tests drive the DOM themselves). */
function fixture(name: string): void {
  const parsed = new DOMParser().parseFromString(readFileSync(join(FIXTURES, name), 'utf8'), 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  document.documentElement.lang = parsed.documentElement.lang;
  document.head.replaceChildren(...parsed.head.childNodes);
  document.body.replaceChildren(...parsed.body.childNodes);
}

const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document) => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`fixture has no ${selector}`);
  return el;
};

/** Outlook's class names change with every build: nothing may depend on them. */
function stripClasses(): void {
  for (const el of document.querySelectorAll('[class]')) el.removeAttribute('class');
}

const only = (): Composer => {
  const composers = outlook.findComposers(document);
  expect(composers).toHaveLength(1);
  return composers[0]!;
};

const READING_PANE = new URL('https://outlook.office.com/mail/inbox/id/AAQkADA3ZmM2YjU0LTk0ZWYtNDNmNi1hMzQ4LTU0ZmE0YjJjOTRhZQAQAGz%2B9wJb5lZLgTw7iNn2ud8%3D');
const INBOX = new URL('https://outlook.office.com/mail/inbox');
const POPOUT = new URL('https://outlook.office.com/mail/deeplink/compose?popoutv2=1&version=20261103001.08');

beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('outlook: reply in the reading pane (English)', () => {
  beforeEach(() => fixture('reading-pane-reply.html'));

  it('finds the reply body only: not the read-only messages above it, not the To and Cc wells', () => {
    const composer = only();
    expect(composer.editor).toBe($('[aria-label^="Message body, press"]'));
    expect(composer.root).toBe($('[data-fixture-composer]'));
    expect(composer.mountAfter).toBe($('#editorParent_1'));
    expect(composer.mountAfter.closest('[role="toolbar"]')).toBeNull();
    expect(outlook.composerFor(composer.editor)).toEqual(composer);
    for (const el of document.querySelectorAll<HTMLElement>('[role="document"], [role="textbox"][aria-label="To"], [role="textbox"][aria-label="Cc"]')) {
      expect(outlook.composerFor(el)).toBeUndefined();
    }
  });

  it('leads back to the composer from its re-rendered toolbar or well, and not from the message list', () => {
    const composer = only();
    const toolbar = $('[role="toolbar"]');
    const fresh = toolbar.cloneNode(true) as HTMLElement;
    toolbar.replaceWith(fresh);
    expect(outlook.findComposers(fresh).map((c) => c.editor)).toEqual([composer.editor]);
    expect(outlook.findComposers($('[aria-label="To"]')).map((c) => c.editor)).toEqual([composer.editor]);
    expect(outlook.findComposers($('[role="listbox"]'))).toEqual([]);
    expect(outlook.findComposers($('[data-app-section="ConversationContainer"] .readItem'))).toEqual([]);
  });

  it('picks the first recipient outside the account’s domain, and offers the other To recipients after them', () => {
    const composer = only();
    expect(accountAddress(document)).toBe('rita.recruiter@corvelle.example');
    expect(outlook.recipientFor(composer, READING_PANE)).toStrictEqual({
      key: 'email:camille.dufresne@proton.example',
      name: 'Camille Dufresne-Okoro',
    });
    // Externals in well order first, then colleagues; Cc (Ines) and the account itself are not offered.
    expect(outlook.recipientChoices?.(composer, READING_PANE)).toStrictEqual([
      { key: 'email:camille.dufresne@proton.example', name: 'Camille Dufresne-Okoro' },
      { key: 'email:leon.mercier@talentbridge.example', name: 'Léon Mercier' },
      { key: 'email:jonas.brandt@corvelle.example', name: 'Jonas Brandt' },
    ]);
  });

  it('does not depend on class names', () => {
    stripClasses();
    const composer = only();
    expect(composer.mountAfter).toBe($('#editorParent_1'));
    expect(outlook.recipientFor(composer, READING_PANE)?.key).toBe('email:camille.dufresne@proton.example');
  });

  it('finds the body and the To well by shape in a language it has no labels for', () => {
    $('[aria-label^="Message body, press"]').setAttribute('aria-label', 'Meldingstekst, trykk Alt+F10 for å avslutte');
    $('[role="textbox"][aria-label="To"]').setAttribute('aria-label', 'Til');
    const composer = only();
    expect(composer.editor.getAttribute('aria-label')).toMatch(/^Meldingstekst/);
    expect(outlook.recipientChoices?.(composer, READING_PANE).map((r) => r.key)).toEqual([
      'email:camille.dufresne@proton.example',
      'email:leon.mercier@talentbridge.example',
      'email:jonas.brandt@corvelle.example',
    ]);
  });

  it('reads a chip whose address is on an element inside it, and each person once', () => {
    const jonas = $('[data-lpc-hover-target-id="lpc-to-1"]');
    const wrapper = document.createElement('span');
    wrapper.setAttribute('contenteditable', 'false');
    wrapper.setAttribute('aria-label', 'Recipient 1 of 4');
    jonas.removeAttribute('contenteditable');
    jonas.replaceWith(wrapper);
    wrapper.append(jonas);
    $('[role="textbox"][aria-label="To"]').append($('[data-lpc-hover-target-id="lpc-to-2"]').cloneNode(true));
    expect(outlook.recipientChoices?.(only(), READING_PANE).map((r) => r.name)).toEqual(['Camille Dufresne-Okoro', 'Léon Mercier', 'Jonas Brandt']);
  });

  it('has no recipient while the To well is empty', () => {
    $('[role="textbox"][aria-label="To"]').replaceChildren();
    const composer = only();
    expect(outlook.recipientFor(composer, READING_PANE)).toBeUndefined();
    expect(outlook.recipientChoices?.(composer, READING_PANE)).toEqual([]);
  });

  it('gives no control to a body Outlook marks read-only', () => {
    $('[aria-label^="Message body, press"]').setAttribute('contenteditable', 'false');
    expect(outlook.findComposers(document)).toEqual([]);
  });
});

describe('outlook: new mail in the reading pane (Spanish)', () => {
  beforeEach(() => fixture('new-mail-es.html'));

  it('reads the account from the account manager panel and the addresses from the chips’ labels', () => {
    const composer = only();
    expect(composer.editor.getAttribute('aria-label')).toMatch(/^Cuerpo del mensaje/);
    expect(accountAddress(document)).toBe('rita.recruiter@corvelle.example');
    expect(outlook.recipientFor(composer, INBOX)).toStrictEqual({
      key: 'email:sofia.ramirez@correo.example',
      name: 'Sofía Ramírez Ortega',
    });
    expect(outlook.recipientChoices?.(composer, INBOX).map((r) => r.key)).toEqual([
      'email:sofia.ramirez@correo.example',
      'email:sofia.ramirez.o@proton.example',
      'email:marta.gil@corvelle.example',
    ]);
  });
});

describe('outlook: popped-out draft (German)', () => {
  beforeEach(() => fixture('popout-compose-de.html'));

  it('keeps the well’s order when the page does not show the account', () => {
    const composer = only();
    expect(composer.editor.getAttribute('aria-label')).toMatch(/^Nachrichtentext/);
    expect(composer.mountAfter).toBe($('#editorParent_1'));
    expect(accountAddress(document)).toBeUndefined();
    expect(outlook.recipientFor(composer, POPOUT)).toStrictEqual({ key: 'email:lukas.feldmann@posteo.example', name: 'Lukas Feldmann' });
    expect(outlook.recipientChoices?.(composer, POPOUT).map((r) => r.name)).toEqual(['Lukas Feldmann', 'Annika Oberhuber', 'Jonas Brandt']);
  });

  it('never offers the signed-in account itself', () => {
    const me = document.createElement('button');
    me.id = 'O365_MainLink_Me';
    me.setAttribute('aria-label', 'Konto-Manager für Annika Oberhuber');
    me.title = 'Annika Oberhuber\nannika.oberhuber@corvelle.example';
    document.body.prepend(me);
    expect(outlook.recipientChoices?.(only(), POPOUT).map((r) => r.name)).toEqual(['Lukas Feldmann', 'Jonas Brandt']);
  });

  it('falls back to the deep link’s `to` before Outlook has rendered the chips', () => {
    $('[role="textbox"][aria-label="An"]').replaceChildren();
    const url = new URL('https://outlook.office.com/mail/0/deeplink/compose?to=Lukas.Feldmann%40posteo.example&subject=Gespr%C3%A4ch');
    expect(outlook.recipientFor(only(), url)).toStrictEqual({ key: 'email:lukas.feldmann@posteo.example' });
    expect(outlook.recipientFor(only(), INBOX)).toBeUndefined();
  });
});

describe('outlook: domains and keys', () => {
  beforeEach(() => fixture('popout-compose-de.html'));

  it('treats an account on a subdomain as a colleague of its parent domain, and a personal mail domain as no organisation', () => {
    const me = document.createElement('div');
    me.id = 'mectrl_currentAccount_secondary';
    document.body.prepend(me);
    const well = $('[aria-label="An"]');
    const lukas = $('[title="lukas.feldmann@posteo.example"]', well);
    well.append(lukas); // the candidate last: Annika, Jonas, Lukas
    me.textContent = 'rita@eu.corvelle.example';
    expect(outlook.recipientFor(only(), POPOUT)?.name).toBe('Lukas Feldmann');
    // On outlook.com, sharing the domain with the account says nothing: the well's order stands.
    me.textContent = 'rita.recruiter@outlook.com';
    lukas.title = 'lukas.feldmann@outlook.com';
    well.prepend(lukas);
    expect(outlook.recipientChoices?.(only(), POPOUT).map((r) => r.name)).toEqual(['Lukas Feldmann', 'Annika Oberhuber', 'Jonas Brandt']);
  });

  it('builds lower-case keys the protocol accepts, whatever the address holds', () => {
    for (const address of ['Camille.Dufresne@Proton.Example', "o'brien+jobs@mail.example", 'josé.núñez@correo.example']) {
      const key = outlookKey(address);
      expect(key).toBe(key.toLowerCase());
      expect(RecipientSchema.safeParse({ key }).success, key).toBe(true);
    }
    expect(outlookKey("O'Brien@mail.example")).toBe('email:o%27brien@mail.example');
  });
});

describe('outlook: URL predicates (CONVENTIONS 3, 15)', () => {
  it('accepts its examples, which no other adapter claims; rejects look-alikes and the rest of Microsoft 365', () => {
    expect(adapters).toContain(outlook);
    for (const [name, predicate] of Object.entries(outlookPages)) {
      for (const example of predicate.examples) expect(predicate.test(new URL(example)), `${name}: ${example}`).toBe(true);
    }
    for (const example of outlook.examples.matching) expect(adapterFor(new URL(example)), example).toBe(outlook);
    for (const example of outlookPages.mail.examples) expect(outlookPages.compose.test(new URL(example)), example).toBe(false);
    for (const url of [
      'https://outlook.office.com/calendar/view/week',
      'https://outlook.office.com/people/',
      'http://outlook.office.com/mail/',
      'https://outlook.office.com.evil.example/mail/',
      'https://evil-outlook.live.com/mail/',
      'https://www.office.com/mail/',
      'https://outlook.office.com/mailbox-settings',
    ]) {
      expect(outlook.matches(new URL(url)), url).toBe(false);
    }
  });

  it('runs only where its match patterns (the optional host permissions) let the content script in', async () => {
    const hosts = OUTLOOK_MATCHES.map((pattern) => new URL(pattern.replace('*', '')).hostname);
    for (const example of outlook.examples.matching) expect(hosts).toContain(new URL(example).hostname);
    // The background's list of optional sites (lib/sites/optional.ts) asks for exactly these.
    if (existsSync(join(import.meta.dirname, '..', '..', 'lib', 'sites', 'optional.ts'))) {
      const { OPTIONAL_SITES } = (await import('../../lib/sites/optional' as string)) as { OPTIONAL_SITES: { id: string; matches: string[] }[] };
      expect(OPTIONAL_SITES.find((site) => site.id === 'outlook')?.matches).toEqual(OUTLOOK_MATCHES);
    }
  });
});
