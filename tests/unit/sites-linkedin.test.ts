// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { adapterFor, adapters, demo, linkedin } from '../../lib/sites/index';
import { canonicalProfileUrl, linkedinPages, refFromPath } from '../../lib/sites/linkedin';
import type { Composer } from '../../lib/sites/types';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'linkedin');

/** Loads a fixture into the test document, without its scripts (the tests drive the DOM themselves). */
function load(path: string): void {
  const parsed = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  document.head.replaceChildren(...parsed.head.childNodes);
  document.body.replaceChildren(...parsed.body.childNodes);
}
const fixture = (name: string) => load(join(FIXTURES, name));

/** What LinkedIn's newer shell does after load: attach the outlet's open shadow root and render into it. */
function attachInteropOutlet(): ShadowRoot {
  const host = document.getElementById('interop-outlet');
  const template = document.getElementById('interop-outlet-content') as HTMLTemplateElement | null;
  if (!host || !template) throw new Error('interop fixture changed');
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.append(template.content.cloneNode(true));
  return shadow;
}

const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document) => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`fixture has no ${selector}`);
  return el;
};

const THREAD_URL = new URL(
  'https://www.linkedin.com/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/',
);
const FEED_URL = new URL('https://www.linkedin.com/feed/');

beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('linkedin: messaging thread page', () => {
  beforeEach(() => fixture('messaging-thread.html'));

  it('finds the one composer with its conversation root and a mount point outside the footer', () => {
    const composers = linkedin.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(composer.editor).toBe($('form [role="textbox"]'));
    expect(composer.root).toBe($('.msg-convo-wrapper'));
    expect(composer.mountAfter).toBe($('.msg-form__msg-content-container'));
    expect(composer.mountAfter.closest('footer')).toBeNull();
    expect(linkedin.composerFor(composer.editor)).toEqual(composer);
  });

  it('names the person from the thread header, not from the messages or the nav', () => {
    const [composer] = linkedin.findComposers(document) as [Composer];
    expect(linkedin.recipientFor(composer, THREAD_URL)).toEqual({
      key: 'linkedin:in:sofia-lindqvist-4b2a91',
      name: 'Sofia Lindqvist',
      profileUrl: 'https://www.linkedin.com/in/sofia-lindqvist-4b2a91/',
    });
  });

  it('falls back to the thread id from the URL when the header links no profile', () => {
    const link = $('.msg-thread__link-to-profile');
    link.replaceWith(...link.childNodes);
    const [composer] = linkedin.findComposers(document) as [Composer];
    expect(linkedin.recipientFor(composer, THREAD_URL)).toEqual({
      key: 'linkedin:thread:2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==',
      name: 'Sofia Lindqvist',
    });
  });

  it('leads back to the same composer after the footer is re-rendered', () => {
    const [before] = linkedin.findComposers(document) as [Composer];
    const footer = $('.msg-form__footer');
    const fresh = footer.cloneNode(true) as HTMLElement;
    footer.replaceWith(fresh);
    expect(before.mountAfter.isConnected).toBe(true);
    expect(linkedin.findComposers(fresh).map((c) => c.editor)).toEqual([before.editor]);
  });

  it('does not depend on class names', () => {
    for (const el of document.querySelectorAll('[class]')) el.removeAttribute('class');
    const composers = linkedin.findComposers(document);
    expect(composers).toHaveLength(1);
    expect(linkedin.recipientFor(composers[0] as Composer, THREAD_URL)?.key).toBe('linkedin:in:sofia-lindqvist-4b2a91');
  });
});

describe('linkedin: overlay bubbles on the feed', () => {
  beforeEach(() => fixture('overlay-bubbles.html'));

  it('finds one composer per open bubble and none in the comment boxes', () => {
    const composers = linkedin.findComposers(document);
    expect(composers).toHaveLength(2);
    const bubbles = [...document.querySelectorAll('.msg-overlay-conversation-bubble')];
    expect(composers.map((c) => c.root)).toEqual(bubbles);
    for (const composer of composers) {
      expect(composer.root.contains(composer.editor)).toBe(true);
      expect(composer.editor.closest('[role="article"]')).toBeNull();
    }
    expect(document.querySelectorAll('[contenteditable="true"][role="textbox"]')).toHaveLength(3);
  });

  it('gives each bubble its own recipient; the page URL does not leak into overlays', () => {
    const [marcus, keiko] = linkedin.findComposers(document) as [Composer, Composer];
    for (const url of [FEED_URL, THREAD_URL]) {
      expect(linkedin.recipientFor(marcus, url)).toEqual({
        key: 'linkedin:in:marcus-oyelaran-7c1d3e',
        name: 'Marcus Oyelaran',
        profileUrl: 'https://www.linkedin.com/in/marcus-oyelaran-7c1d3e/',
      });
      expect(linkedin.recipientFor(keiko, url)).toEqual({
        key: 'linkedin:member:ACoAAC8vXq2BZl3mNoPwRtYuIkJhGfDsAqE',
        name: 'Keiko Tanabe-Morris',
        profileUrl: 'https://www.linkedin.com/in/ACoAAC8vXq2BZl3mNoPwRtYuIkJhGfDsAqE/',
      });
    }
  });

  it('gives no recipient for a group bubble without a thread link', () => {
    const [marcus] = linkedin.findComposers(document) as [Composer];
    const title = $('.msg-overlay-bubble-header__title', marcus.root);
    const second = document.createElement('a');
    second.href = 'https://www.linkedin.com/in/another-person-99/';
    second.textContent = 'Another Person';
    title.append(second);
    expect(linkedin.recipientFor(marcus, FEED_URL)).toBeUndefined();
  });
});

describe('linkedin: newer shell with the overlay in #interop-outlet', () => {
  beforeEach(() => fixture('interop-outlet.html'));

  it('finds nothing until the shadow root is attached, then the one bubble inside it', () => {
    expect(linkedin.findComposers(document)).toEqual([]);
    const shadow = attachInteropOutlet();
    const composers = linkedin.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(composer.editor.getRootNode()).toBe(shadow);
    expect(composer.editor.getAttribute('aria-label')).toBe('Rédiger un message…');
    expect(composer.root).toBe($('[data-view-name="message-overlay-conversation"]', shadow));
    expect(composer.mountAfter.parentElement?.tagName).toBe('FORM');
    expect(linkedin.findComposers(shadow).map((c) => c.editor)).toEqual([composer.editor]);
  });

  it('canonicalises the localized, percent-encoded profile link', () => {
    attachInteropOutlet();
    const [composer] = linkedin.findComposers(document) as [Composer];
    expect(linkedin.recipientFor(composer, FEED_URL)).toEqual({
      key: 'linkedin:in:élodie-marchand-b81f22',
      name: 'Élodie Marchand',
      profileUrl: 'https://www.linkedin.com/in/%C3%A9lodie-marchand-b81f22/',
    });
  });
});

describe('linkedin: new message', () => {
  beforeEach(() => fixture('compose-new.html'));
  const withRecipient = new URL(
    'https://www.linkedin.com/messaging/thread/new/?recipient=ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01',
  );

  it('takes the person from the URL and the name from the pill', () => {
    const composers = linkedin.findComposers(document);
    expect(composers).toHaveLength(1);
    expect(linkedin.recipientFor(composers[0] as Composer, withRecipient)).toEqual({
      key: 'linkedin:member:ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01',
      name: 'Rafael Quintero-Ansah',
      profileUrl: 'https://www.linkedin.com/in/ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01/',
    });
  });

  it('reads profileUrn too, and gives up without a stable id or with several recipients', () => {
    const [composer] = linkedin.findComposers(document) as [Composer];
    const urn = new URL(
      'https://www.linkedin.com/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3AACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01',
    );
    expect(linkedin.recipientFor(composer, urn)?.key).toBe('linkedin:member:ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01');
    expect(linkedin.recipientFor(composer, new URL('https://www.linkedin.com/messaging/thread/new/'))).toBeUndefined();
    const pill = $('.artdeco-pill');
    pill.after(pill.cloneNode(true));
    expect(linkedin.recipientFor(composer, withRecipient)).toBeUndefined();
  });
});

describe('linkedin: Recruiter InMail', () => {
  beforeEach(() => fixture('recruiter-inmail.html'));
  const url = new URL('https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK?project=1234567');

  it('finds the InMail body textarea, not the notes textarea', () => {
    const composers = linkedin.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(composer.editor).toBe($('#inmail-body'));
    expect(composer.root).toBe($('[role="dialog"]'));
    expect(composer.mountAfter).toBe($('#inmail-body').parentElement);
    expect(linkedin.composerFor($('textarea[name="note"]'))).toBeUndefined();
  });

  it('names the candidate from the panel header', () => {
    const [composer] = linkedin.findComposers(document) as [Composer];
    expect(linkedin.recipientFor(composer, url)).toEqual({
      key: 'linkedin:talent:AEMAAAXyZ12bC3dEfGhIjK',
      name: 'Hannelore Vikström-Achebe',
      profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK',
    });
  });

  it('also accepts a contenteditable body', () => {
    const textarea = $('#inmail-body');
    const editor = document.createElement('div');
    editor.setAttribute('contenteditable', 'true');
    editor.setAttribute('role', 'textbox');
    textarea.replaceWith(editor);
    expect(linkedin.findComposers(document).map((c) => c.editor)).toEqual([editor]);
  });
});

describe('pages without composers', () => {
  it('finds nothing on a feed with comment boxes only, or on an empty page', () => {
    fixture('overlay-bubbles.html');
    $('#msg-overlay').remove();
    expect(document.querySelectorAll('[role="textbox"]').length).toBeGreaterThan(0);
    expect(linkedin.findComposers(document)).toEqual([]);
    document.body.replaceChildren();
    expect(linkedin.findComposers(document)).toEqual([]);
  });

  it('ignores forms with a textarea and a submit button outside messaging', () => {
    const form = document.createElement('form');
    const textarea = document.createElement('textarea');
    const submit = document.createElement('button');
    submit.type = 'submit';
    form.append(textarea, submit);
    document.body.append(form);
    expect(linkedin.findComposers(document)).toEqual([]);
    expect(linkedin.composerFor(textarea)).toBeUndefined();
  });
});

describe('demo page', () => {
  beforeEach(() => load(join(ROOT, 'server', 'demo', 'messaging.html')));
  const url = new URL('http://localhost:8787/demo/messaging');

  it('shows the banner and finds the thread and the bubble with demo-only recipients', () => {
    expect(document.body.textContent).toContain('Parley demo — this page imitates LinkedIn messaging');
    const composers = demo.findComposers(document);
    expect(composers).toHaveLength(2);
    expect(composers.map((c) => demo.recipientFor(c, url))).toEqual([
      {
        key: 'demo:in:amara-okafor-lindgren-demo',
        name: 'Amara Okafor-Lindgren',
        profileUrl: 'http://localhost:8787/demo/in/amara-okafor-lindgren-demo/',
      },
      {
        key: 'demo:in:mateo-ferreira-kaur-demo',
        name: 'Mateo Ferreira-Kaur',
        profileUrl: 'http://localhost:8787/demo/in/mateo-ferreira-kaur-demo/',
      },
    ]);
  });

  it('never turns demo people into LinkedIn members', () => {
    const [composer] = demo.findComposers(document) as [Composer];
    expect(linkedin.recipientFor(composer, url)).toBeUndefined();
  });
});

describe('URL predicates (CONVENTIONS 3, 15)', () => {
  it('each adapter accepts its own examples and rejects every other adapter’s', () => {
    expect(adapters.length).toBeGreaterThan(1);
    for (const adapter of adapters) {
      expect(adapter.examples.matching.length).toBeGreaterThan(0);
      for (const example of adapter.examples.matching) {
        expect(adapter.matches(new URL(example)), `${adapter.id} should match ${example}`).toBe(true);
        expect(adapterFor(new URL(example))).toBe(adapter);
      }
      for (const other of adapters.filter((a) => a !== adapter)) {
        for (const example of other.examples.matching) {
          expect(adapter.matches(new URL(example)), `${adapter.id} must not match ${example}`).toBe(false);
        }
      }
    }
  });

  it('each LinkedIn page predicate accepts its examples; the specific ones are disjoint', () => {
    for (const [name, predicate] of Object.entries(linkedinPages)) {
      for (const example of predicate.examples) expect(predicate.test(new URL(example)), `${name}: ${example}`).toBe(true);
    }
    const specific = [linkedinPages.thread, linkedinPages.compose, linkedinPages.recruiter];
    for (const predicate of specific) {
      for (const other of specific.filter((p) => p !== predicate)) {
        for (const example of other.examples) expect(predicate.test(new URL(example)), example).toBe(false);
      }
    }
  });

  it('rejects look-alike hosts and other sites', () => {
    for (const url of [
      'https://www.linkedin.com.evil.example/messaging/',
      'https://evil-linkedin.com/feed/',
      'http://www.linkedin.com/feed/',
      'https://mail.google.com.evil.example/mail/u/0/',
      'http://localhost:8787/messaging',
      'http://example.com/demo/messaging',
    ]) {
      expect(adapterFor(new URL(url)), url).toBeUndefined();
    }
  });

  it('canonicalises profile links', () => {
    expect(canonicalProfileUrl('/in/Jane-Doe-123/detail/contact-info/?trk=x')).toBe('https://www.linkedin.com/in/jane-doe-123/');
    expect(canonicalProfileUrl('https://de.linkedin.com/in/J%C3%BCrgen-M%C3%BCller')).toBe(
      'https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller/',
    );
    expect(canonicalProfileUrl('https://www.linkedin.com/in/me/')).toBeUndefined();
    expect(canonicalProfileUrl('https://www.linkedin.com/company/acme/')).toBeUndefined();
    expect(canonicalProfileUrl('https://www.linkedin.example/in/jane/')).toBeUndefined();
    expect(refFromPath('/talent/inbox/0/main/id/2-abc%3D%3D')).toEqual({ kind: 'thread', id: '2-abc==' });
  });
});

describe('conventions', () => {
  it('lib/sites and lib/dom never write HTML strings into the page', () => {
    for (const dir of ['lib/sites', 'lib/dom']) {
      for (const file of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(join(ROOT, dir, file), 'utf8');
        expect(source, `${dir}/${file}`).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write\(/);
      }
    }
  });

  it('every fixture page takes the one shared editor emulation, which never sends', () => {
    const emulation = readFileSync(join(ROOT, 'server', 'demo', 'editor-emulation.js'), 'utf8');
    expect(emulation).toContain('footer.replaceWith(footer.cloneNode(true))');
    expect(emulation).toContain('event.preventDefault()');
    const pages = readdirSync(FIXTURES).map((f) => join(FIXTURES, f));
    expect(pages.length).toBe(5);
    for (const path of pages) {
      const html = readFileSync(path, 'utf8');
      expect(html, path).toContain('<!-- parley:editor-emulation -->');
      expect(html, path).not.toContain('footer.replaceWith');
      expect(html, path).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)="https?:/);
    }
    // The demo page loads the same file, and nothing inline: its policy allows no inline code.
    const demo = readFileSync(join(ROOT, 'server', 'demo', 'messaging.html'), 'utf8');
    expect(demo).toContain('<script src="/demo/editor-emulation.js"></script>');
    expect(demo).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle="|\son[a-z]+=/i);
  });
});
