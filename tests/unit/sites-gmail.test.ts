// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RecipientSchema } from '../../lib/schemas';
import { GMAIL_MATCHES, accountAddress, gmailKey, gmailPages } from '../../lib/sites/gmail';
import { adapterFor, gmail } from '../../lib/sites/index';
import type { Composer } from '../../lib/sites/types';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'gmail');

/** Loads a fixture into the test document, without its scripts (the tests drive the DOM themselves). */
function fixture(name: string): void {
  const parsed = new DOMParser().parseFromString(readFileSync(join(FIXTURES, name), 'utf8'), 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  document.head.replaceChildren(...parsed.head.childNodes);
  document.body.replaceChildren(...parsed.body.childNodes);
}

const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document) => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`fixture has no ${selector}`);
  return el;
};
const $$ = (selector: string, root: ParentNode = document) => [...root.querySelectorAll<HTMLElement>(selector)];

const INBOX = new URL('https://mail.google.com/mail/u/0/#inbox');
const THREAD = new URL('https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKmBvTjZrLcHnNqWxPpVl');
const POPOUT = new URL('https://mail.google.com/mail/u/0/?ui=2&view=cm&fs=1&tf=1');

const keys = (composer: Composer, url: URL) => gmail.recipientChoices!(composer, url).map((r) => r.key);

beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('gmail: two compose windows open at once', () => {
  beforeEach(() => fixture('inbox-two-drafts.html'));

  it('finds exactly one composer per window, rooted at the window, mounted outside the form and toolbar', () => {
    const composers = gmail.findComposers(document);
    const dialogs = $$('[role="dialog"]');
    expect(composers).toHaveLength(2);
    composers.forEach((composer, i) => {
      const dialog = dialogs[i]!;
      expect(composer.root).toBe(dialog);
      expect(composer.editor).toBe($('[g_editable="true"]', dialog));
      expect(composer.mountAfter.contains(composer.editor)).toBe(true);
      expect(composer.mountAfter.closest('form')).toBeNull();
      expect(composer.mountAfter.contains($('[data-fixture-send]', dialog))).toBe(false);
      expect(gmail.composerFor(composer.editor)).toEqual(composer);
    });
  });

  it('gives the inbox rows and the search box no composer', () => {
    expect(gmail.findComposers($('[role="main"]'))).toEqual([]);
    expect(gmail.findComposers($('#gb'))).toEqual([]);
  });

  it('writes to the one candidate of the first draft', () => {
    const [first] = gmail.findComposers(document) as [Composer];
    expect(gmail.recipientFor(first, INBOX)).toEqual({ key: 'email:lena.okafor@fjordmail.example', name: 'Lena Okafor' });
    expect(keys(first, INBOX)).toEqual(['email:lena.okafor@fjordmail.example']);
  });

  it('picks the first external address of three and offers the others, colleagues last', () => {
    const [, second] = gmail.findComposers(document) as [Composer, Composer];
    expect(gmail.recipientFor(second, INBOX)).toEqual({ key: 'email:camille.dufresne@proton.example', name: 'Camille Dufresne' });
    expect(gmail.recipientChoices!(second, INBOX)).toEqual([
      { key: 'email:camille.dufresne@proton.example', name: 'Camille Dufresne' },
      { key: 'email:tomas@talentbridge.example', name: 'Tomás Eriksen' },
      { key: 'email:kai.sorensen@acme.example', name: 'Kai Sørensen' },
    ]);
  });

  it('without the account, keeps the To order (no one can be told to be a colleague)', () => {
    $('a[href^="https://accounts.google.com/SignOutOptions"]').remove();
    for (const from of $$('input[name="from"]')) from.remove();
    const [, second] = gmail.findComposers(document) as [Composer, Composer];
    expect(accountAddress(document, second)).toBeUndefined();
    expect(gmail.recipientFor(second, INBOX)?.key).toBe('email:kai.sorensen@acme.example');
    expect(keys(second, INBOX)).toHaveLength(3);
  });

  it('leads back to its composer when the toolbar is re-rendered or the form arrives after the body', () => {
    const dialog = $$('[role="dialog"]')[1]!;
    const footer = $('[data-fixture-footer]', dialog);
    const fresh = footer.cloneNode(true) as HTMLElement;
    footer.replaceWith(fresh);
    expect(gmail.findComposers(fresh).map((c) => c.editor)).toEqual([$('[g_editable="true"]', dialog)]);

    const form = $('form', dialog);
    form.remove();
    expect(gmail.composerFor($('[g_editable="true"]', dialog))).toBeUndefined();
    dialog.insertBefore(form, $('table.iN', dialog));
    expect(gmail.findComposers($('input[name="subjectbox"]', dialog)).map((c) => c.editor)).toEqual([$('[g_editable="true"]', dialog)]);
  });
});

describe('gmail: one new message with To and Cc', () => {
  beforeEach(() => fixture('inbox-compose.html'));

  it('names only To, never Cc, and nothing written in the body (the signature)', () => {
    const composers = gmail.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(gmail.recipientFor(composer, INBOX)).toEqual({ key: 'email:aiyana.redcloud@outlook.example', name: 'Aiyana Redcloud' });
    expect(keys(composer, INBOX)).toEqual(['email:aiyana.redcloud@outlook.example']);
  });

  it('reads the To field itself while its text has not become chips yet', () => {
    for (const chip of $$('.vR')) chip.remove();
    ($('textarea[name="to"]') as HTMLTextAreaElement).value = 'Aiyana Redcloud <Aiyana.Redcloud@outlook.example>, noor@studio.example';
    const [composer] = gmail.findComposers(document) as [Composer];
    expect(gmail.recipientChoices!(composer, INBOX)).toEqual([
      { key: 'email:aiyana.redcloud@outlook.example', name: 'Aiyana Redcloud' },
      { key: 'email:noor@studio.example' },
    ]);
  });

  it('has no recipient before anyone is in To', () => {
    for (const chip of $$('.vR')) chip.remove();
    const [composer] = gmail.findComposers(document) as [Composer];
    expect(gmail.recipientFor(composer, INBOX)).toBeUndefined();
    expect(gmail.recipientChoices!(composer, INBOX)).toEqual([]);
  });
});

describe('gmail: inline reply in a thread', () => {
  beforeEach(() => fixture('thread-reply.html'));

  it('finds the reply only: read-only messages above it get no composer', () => {
    const composers = gmail.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(composer.root).toBe($('.M9'));
    expect(composer.root.querySelector('[role="listitem"]')).toBeNull();
    for (const message of $$('[role="listitem"]')) expect(gmail.findComposers(message)).toEqual([]);
    expect(gmail.recipientFor(composer, THREAD)).toEqual({ key: 'email:camille.dufresne@proton.example', name: 'Camille Dufresne' });
  });

  it('finds nothing in a thread without a reply open', () => {
    $('.ip').remove();
    expect(gmail.findComposers(document)).toEqual([]);
  });

  it('falls back to the latest other sender when the reply shows no recipients', () => {
    for (const el of $$('.vR, textarea[name="to"]')) el.remove();
    const [composer] = gmail.findComposers(document) as [Composer];
    expect(gmail.recipientFor(composer, THREAD)).toEqual({ key: 'email:camille.dufresne@proton.example', name: 'Camille Dufresne' });
  });
});

describe('gmail: a compose popped out into its own window', () => {
  beforeEach(() => fixture('popout-compose.html'));

  it('finds the compose without a dialog and knows the account from its From field', () => {
    const composers = gmail.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(composer.root).toBe($('.aaZ'));
    expect(accountAddress(document, composer)).toBe('rita@acme.example');
    expect(gmail.recipientFor(composer, POPOUT)).toEqual({ key: 'email:oluwaseun.brandt@mailbox.example', name: 'Oluwaseun Brandt' });
    expect(keys(composer, POPOUT)).toEqual(['email:oluwaseun.brandt@mailbox.example', 'email:mira.holm@acme.example']);
  });

  it('takes the addresses a mailto: compose was opened with while To is not rendered', () => {
    for (const el of $$('.vR, textarea[name="to"]')) el.remove();
    const [composer] = gmail.findComposers(document) as [Composer];
    const url = new URL('https://mail.google.com/mail/?view=cm&fs=1&to=mira.holm@acme.example,Oluwaseun.Brandt@mailbox.example&su=Interview');
    expect(keys(composer, url)).toEqual(['email:oluwaseun.brandt@mailbox.example', 'email:mira.holm@acme.example']);
  });
});

describe('gmail: localized interfaces', () => {
  it('Spanish: finds the compose and the account from «Cuenta de Google»', () => {
    fixture('inbox-compose-es.html');
    expect($('[role="textbox"]').getAttribute('aria-label')).toBe('Cuerpo del mensaje');
    const composers = gmail.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(accountAddress(document)).toBe('rita@acme.example');
    expect(gmail.recipientFor(composer, INBOX)).toEqual({ key: 'email:lucia.fernandez@correo.example', name: 'Lucía Fernández Ruiz' });
  });

  it('German: a reply whose recipient is only in its hidden To input; the thread gets no other composer', () => {
    fixture('thread-reply-de.html');
    expect($('[role="textbox"]').getAttribute('aria-label')).toBe('Nachrichtentext');
    const composers = gmail.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(accountAddress(document)).toBe('rita@acme.example');
    expect(gmail.recipientFor(composer, THREAD)).toEqual({ key: 'email:jonas.weber@posteo.example', name: 'Weber, Jonas' });
    // Without the hidden input: the latest sender who is not the account (Rita answered last).
    $('.M9 input[name="to"]').remove();
    expect(gmail.recipientFor(composer, THREAD)).toEqual({ key: 'email:jonas.weber@posteo.example', name: 'Jonas Weber' });
  });
});

describe('gmail: editors that are not message composers', () => {
  it('ignores an editable textbox without compose fields (the signature and vacation responder settings)', () => {
    fixture('inbox-compose.html');
    $('[role="dialog"]').remove();
    const settings = document.createElement('div');
    const signature = document.createElement('div');
    signature.setAttribute('contenteditable', 'true');
    signature.setAttribute('role', 'textbox');
    signature.setAttribute('aria-label', 'Signature');
    settings.append(signature);
    $('[role="main"]').append(settings);
    expect(gmail.findComposers(document)).toEqual([]);
  });

  it('ignores a body that is not editable (a sent message opened in a dialog)', () => {
    fixture('inbox-two-drafts.html');
    for (const body of $$('[g_editable="true"]')) body.setAttribute('contenteditable', 'false');
    expect(gmail.findComposers(document)).toEqual([]);
  });
});

describe('gmail: URLs and keys', () => {
  it('accepts its example URLs; the pop-out predicate only pop-outs', () => {
    expect(GMAIL_MATCHES).toEqual(['https://mail.google.com/*']);
    for (const example of gmail.examples.matching) expect(adapterFor(new URL(example)), example).toBe(gmail);
    for (const example of gmailPages.popout.examples) expect(gmailPages.popout.test(new URL(example)), example).toBe(true);
    for (const example of gmailPages.mail.examples) expect(gmailPages.popout.test(new URL(example)), example).toBe(false);
  });

  it('rejects look-alike hosts and other Google apps', () => {
    for (const url of [
      'https://mail.google.com.evil.example/mail/u/0/',
      'http://mail.google.com/mail/u/0/',
      'https://mail.google.com/chat/u/0/',
      'https://accounts.google.com/SignOutOptions',
      'https://calendar.google.com/calendar/u/0/r',
      'https://gmail.com/',
    ]) {
      expect(gmail.matches(new URL(url)), url).toBe(false);
    }
  });

  it('keys recipients by their lower-cased address, in a form the backend accepts', () => {
    expect(gmailKey('Jane.Doe+jobs@Example.COM')).toBe('email:jane.doe+jobs@example.com');
    expect(gmailKey("o'brien@example.com")).toBe('email:o%27brien@example.com');
    for (const key of [gmailKey('Jane.Doe+jobs@Example.COM'), gmailKey("o'brien@example.com"), gmailKey('zoë@exämple.de')]) {
      expect(RecipientSchema.safeParse({ key }).success, key).toBe(true);
    }
  });
});

describe('conventions', () => {
  it('every Gmail fixture takes the shared editor emulation and loads nothing from the network', () => {
    const pages = readdirSync(FIXTURES).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(6);
    for (const page of pages) {
      const html = readFileSync(join(FIXTURES, page), 'utf8');
      expect(html, page).toContain('<!-- parley:editor-emulation -->');
      expect(html, page).toContain('data-fixture-composer');
      expect(html, page).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)="https?:/);
    }
  });

  it('dates every class-name selector of the adapter and stays small', () => {
    const source = readFileSync(join(ROOT, 'lib', 'sites', 'gmail.ts'), 'utf8');
    const block = source.slice(source.indexOf('export const selectors'), source.indexOf('} as const satisfies'));
    const namesAClass = (line: string) => [...line.matchAll(/'([^']*)'/g)].some(([, sel]) => /\.[A-Za-z]/.test(sel!.replace(/\[[^\]]*\]/g, '')));
    for (const line of block.split('\n').filter(namesAClass)) {
      expect(line, line.trim()).toMatch(/\/\/ seen \d{4}-\d{2}/);
    }
    expect(source.split('\n').length).toBeLessThan(400);
  });
});
