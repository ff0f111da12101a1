import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CandidateProfile, ProfileAnchor, SiteAdapter } from '../../lib/sites/types';

// The profile and search-result readers' tests (tests/unit/sites-profiles-*.test.ts, sites-results.test.ts):
// HTML fixtures loaded into happy-dom's document, and what those tests check a read profile with.

export const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'profiles');

/** Empties the test document; each test file runs it before every test. */
export function clearDocument(): void {
  document.head.replaceChildren();
  document.body.replaceChildren();
}

/** Loads a fixture into the test document, without its scripts (the tests drive the DOM themselves). */
export function load(path: string): void {
  const parsed = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  document.head.replaceChildren(...parsed.head.childNodes);
  document.body.replaceChildren(...parsed.body.childNodes);
}
export const fixture = (name: string) => load(join(FIXTURES, name));

export const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document) => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`fixture has no ${selector}`);
  return el;
};

export function profileOf(adapter: SiteAdapter, url: string): ProfileAnchor {
  const anchor = adapter.profile?.(document, new URL(url));
  if (!anchor) throw new Error(`no profile on ${url}`);
  return anchor;
}

/** Side cards are on the page (so the check can fail) and nothing of theirs is in the profile. */
export function expectNothingFrom(profile: CandidateProfile, others: readonly string[]): void {
  const page = `${document.documentElement.textContent ?? ''} ${[...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).join(' ')}`;
  const read = JSON.stringify(profile);
  expect(others.length).toBeGreaterThan(0);
  for (const other of others) {
    expect(page, `fixture shows ${other}`).toContain(other);
    expect(read, `profile must not contain ${other}`).not.toContain(other);
  }
}

export function stripClasses(): void {
  for (const el of document.querySelectorAll('[class]')) el.removeAttribute('class');
}
