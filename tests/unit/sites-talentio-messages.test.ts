// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { adapterFor } from '../../lib/sites/index';
import { candidateIdFrom, conversationCandidateIdFrom, positionIdFrom, talentio, talentioPages } from '../../lib/sites/talentio';
import type { Composer } from '../../lib/sites/types';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

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

const only = (): Composer => {
  const composers = talentio.findComposers(document);
  expect(composers).toHaveLength(1);
  return composers[0]!;
};

const CONVERSATION = new URL('https://app.talent.io/company/positions/9182/candidates/48213/messages');
const CAMILLE = {
  key: 'talentio:candidate:48213',
  name: 'Camille Dufresne-Okoro',
  profileUrl: 'https://www.talent.io/recruiter/candidates/48213',
};

beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('talent.io company messaging: a candidate’s conversation in a position’s pipeline', () => {
  beforeEach(() => fixture('talentio/company-messages.html'));

  it('finds the textarea composer of the conversation, not the team-notes form', () => {
    const composer = only();
    expect(composer.editor).toBe($('textarea[name="body"]'));
    expect(composer.root).toBe($('[data-testid="candidate-panel"]'));
    expect(composer.mountAfter).toBe($('.MessageForm_field__z1A2b'));
    expect(composer.mountAfter.closest('footer')).toBeNull();
    expect(talentio.composerFor(composer.editor)).toEqual(composer);
    expect(talentio.composerFor($('textarea[name="note"]'))).toBeUndefined();
    expect(talentio.findComposers($('[data-testid="message-form"] footer')).map((c) => c.editor)).toEqual([composer.editor]);
  });

  it('names the candidate from the conversation header, with the key profiles use', () => {
    expect(talentio.recipientFor(only(), CONVERSATION)).toStrictEqual(CAMILLE);
    // The same person as the profile page of that candidate.
    expect(`talentio:candidate:${candidateIdFrom(new URL('https://app.talent.io/company/positions/9182/candidates/48213'))}`).toBe(CAMILLE.key);
  });

  it('ignores candidates linked from the pipeline stage and from inside the messages', () => {
    for (const el of document.querySelectorAll('[class]')) el.removeAttribute('class');
    expect(talentio.recipientFor(only(), CONVERSATION)).toStrictEqual(CAMILLE);
  });

  it('falls back to the conversation URL when the header links nobody, and only on a conversation URL', () => {
    for (const a of document.querySelectorAll('[data-testid="candidate-panel"] header a')) a.replaceWith(...a.childNodes);
    expect(talentio.recipientFor(only(), CONVERSATION)).toStrictEqual(CAMILLE);
    expect(talentio.recipientFor(only(), new URL('https://app.talent.io/company/messages/conv_7f3a2b9c'))).toBeUndefined();
  });

  it('gives no recipient when the header links two candidates', () => {
    const other = document.createElement('a');
    other.href = '/company/positions/9182/candidates/50211';
    other.textContent = 'Compare with Yasmin Haddou';
    $('[data-testid="candidate-panel"] header').append(other);
    expect(talentio.recipientFor(only(), CONVERSATION)).toBeUndefined();
  });

  it('finds a contenteditable message box the same way', () => {
    const box = document.createElement('div');
    box.setAttribute('contenteditable', 'true');
    box.setAttribute('role', 'textbox');
    box.setAttribute('aria-label', 'Write a message to Camille');
    $('textarea[name="body"]').replaceWith(box);
    const composer = only();
    expect(composer.editor).toBe(box);
    expect(talentio.recipientFor(composer, CONVERSATION)?.key).toBe(CAMILLE.key);
  });

  it('is not taken for a profile page', () => {
    expect(talentio.profile?.(document, CONVERSATION)).toBeUndefined();
  });
});

describe('talent.io conversation URLs (CONVENTIONS 3, 15)', () => {
  it('the conversation predicate accepts its examples, which the profile and messaging predicates reject', () => {
    for (const example of talentioPages.conversation.examples) {
      const url = new URL(example);
      expect(talentioPages.conversation.test(url), example).toBe(true);
      expect(talentioPages.profile.test(url), example).toBe(false);
      expect(talentioPages.messages.test(url), example).toBe(false);
      expect(adapterFor(url), example).toBe(talentio);
      expect(conversationCandidateIdFrom(url), example).toBe('48213');
      expect(candidateIdFrom(url), example).toBeUndefined();
    }
    for (const example of [...talentioPages.profile.examples, ...talentioPages.messages.examples]) {
      expect(talentioPages.conversation.test(new URL(example)), example).toBe(false);
    }
  });

  it('reads the company side of app.talent.io like the recruiter side; www.talent.io only under /recruiter', () => {
    expect(candidateIdFrom(new URL('https://app.talent.io/company/candidates/51077'))).toBe('51077');
    expect(positionIdFrom(CONVERSATION)).toBe('9182');
    expect(conversationCandidateIdFrom(new URL('https://app.talent.io/company/positions/9182/candidates/48213/notes'))).toBeUndefined();
    expect(conversationCandidateIdFrom(new URL('https://app.talent.io/company/messages/conv_7f3a2b9c'))).toBeUndefined();
    for (const url of [
      'https://www.talent.io/company/positions/9182/candidates/48213/messages',
      'http://app.talent.io/company/positions/9182/candidates/48213/messages',
      'https://app.talent.io.evil.example/company/positions/9182/candidates/48213/messages',
    ]) {
      expect(adapterFor(new URL(url)), url).toBeUndefined();
    }
  });
});
