import { openShadowRootsIn } from '../dom/observe-elements';
import { anyOf, firstLineOf, closestAcrossShadow, queryAny, visibleText } from './dom';
import { repliedIn } from './linkedin-composers';
import { linkedinFlavour, linkedinPages, refFromPath, refsIn, sameRef, type LinkedInRef } from './linkedin-urls';
import { cleanLine, contactsIn, splitName, titleAndCompany } from './people';
import type { CandidateProfile, ProfileAnchor, ResultCard } from './types';

// Candidate profiles and search results.
//
// Both profile layouts are read from the profile's own header only: the first `h1` of `main` (classic
// top card, Recruiter) or the heading of `main`'s first section (the newer layout, which has no h1). Side
// cards ("People also viewed", "More profiles for you", "People you may know", ads) sit in `aside` or in
// sections after the header, and the signed-in member's own card is in the global nav, outside `main`.

/** Named selectors for profiles and search results, each list in order of preference. */
export const profileSelectors = {
  main: ['main', '[role="main"]'],
  /** Never read from these: other people, ads, the signed-in member's own cards. */
  sideCard: [
    'aside',
    '[role="complementary"]',
    '[data-view-name*="browsemap"]',
    '[data-view-name*="pymk"]',
    '[componentkey*="Browsemap"]',
    '[componentkey*="Pymk"]',
    '.scaffold-layout__aside', // seen 2026-11
    '.pv-browsemap-section', // seen 2026-11
    '.ad-banner-container', // seen 2026-11
  ],
  /** The headings a profile header names its person with (after the first h1 of main). */
  sectionHeading: ['h2', 'h3', '[role="heading"]'],
  /** The profile header, when neither an h1 nor a headed section gave it. */
  topCard: [
    'section[data-member-id]',
    '[data-view-name="profile-top-card"]',
    '.pv-top-card', // seen 2026-11
  ],
  headline: [
    '[data-test-row-lockup-headline]', // Recruiter
    '.text-body-medium', // seen 2026-11
  ],
  location: [
    '[data-test-row-lockup-location]', // Recruiter
    '.text-body-small.inline.t-black--light', // seen 2026-11
  ],
  contactInfoLink: ['a[href*="/overlay/contact-info"]', '#top-card-text-details-contact-info'],
  /** Recruiter's experience entries; the first is the current position. */
  positionTitle: ['[data-test-position-entity-title]'],
  positionCompany: ['[data-test-position-entity-company-name]'],
  /** The contact info overlay (classic and newer layouts). */
  dialog: ['[role="dialog"]', 'dialog[open]'],
  /** Recruiter's contact info block in the profile. */
  contactBlock: [
    '[data-test-contact-info]',
    '.contact-info', // seen 2026-11
  ],
  projectName: ['[data-test-project-name]'],
  /** One search result: the outermost list item that links a person. */
  resultCard: ['li', '[role="listitem"]'],
  resultName: ['[data-test-row-lockup-full-name]'],
  headingInLink: ['h1, h2, h3, h4, [role="heading"]'],
} as const satisfies Record<string, readonly string[]>;

/** "Current company: Nordlys Energi. Click to skip to experience card", in the languages LinkedIn labels it. */
const CURRENT_COMPANY =
  /^(?:current company|entreprise actuelle|aktuelles unternehmen|derzeitiges unternehmen|empresa actual|empresa atual|azienda attuale|huidig bedrijf|nuvarande företag|nåværende selskap)\s*:\s*(.+?)(?:\.\s.*)?$/i;
const SIDE_CARD = anyOf(profileSelectors.sideCard);
const MAIN = anyOf(profileSelectors.main);
const TEXT_BLOCK = /^(?:DIV|P|H[2-6])$/;

const inSideCard = (el: Element) => closestAcrossShadow(el, SIDE_CARD) !== undefined;

function closestWithin(el: Element, selector: string, boundary: Element): Element | undefined {
  const found = el.closest(selector);
  return found && boundary.contains(found) ? found : undefined;
}

/** Visible, cleaned text of the first element matching `list` in `scope` outside side cards. */
const textOf = (scope: ParentNode, list: readonly string[]) => firstLineOf(scope, list, inSideCard);

/** The profile header and its name heading. Recruiter always has an h1; the newer layout never does. */
function profileHeader(main: Element, needsH1: boolean): { card: Element; heading: HTMLElement } | undefined {
  const usable = (el: Element) => !inSideCard(el) && visibleText(el) !== '';
  const h1 = [...main.querySelectorAll<HTMLElement>('h1')].find(usable);
  if (h1) return { card: closestWithin(h1, 'section', main) ?? main, heading: h1 };
  if (needsH1) return undefined;
  const headings = anyOf(profileSelectors.sectionHeading);
  const section = [...main.querySelectorAll('section')].find((el) => !inSideCard(el));
  const heading = section && [...section.querySelectorAll<HTMLElement>(headings)].find(usable);
  if (section && heading) return { card: section, heading };
  const card = queryAny(main, profileSelectors.topCard);
  const fallback = card && [...card.querySelectorAll<HTMLElement>(headings)].find(usable);
  return card && fallback ? { card, heading: fallback } : undefined;
}

/** The header still shows someone else (a client-side navigation that has not re-rendered yet). */
function showsSomeoneElse(card: Element, ref: LinkedInRef, pageUrl: URL): boolean {
  if (ref.kind !== 'in') return false;
  for (const a of card.querySelectorAll(anyOf(profileSelectors.contactInfoLink))) {
    const other = linkedinFlavour.ref(a.getAttribute('href') ?? '', pageUrl);
    if (other?.kind === 'in' && other.id !== ref.id) return true;
  }
  return false;
}

/** The first block of text after the name's row: the headline in both member layouts. */
function headlineOf(card: Element, heading: Element): string | undefined {
  const hook = textOf(card, profileSelectors.headline.slice(0, 1));
  if (hook) return hook;
  for (let el: Element = heading; el !== card && el.parentElement; el = el.parentElement) {
    for (let next = el.nextElementSibling; next; next = next.nextElementSibling) {
      if (!TEXT_BLOCK.test(next.tagName) || next.querySelector('a[href], button')) continue;
      const text = cleanLine(visibleText(next));
      if (text) return text;
    }
  }
  return textOf(card, profileSelectors.headline.slice(1));
}

/** The location is the text beside the "Contact info" link, whatever the language. */
function locationOf(card: Element): string | undefined {
  const hook = textOf(card, profileSelectors.location.slice(0, 1));
  if (hook) return hook;
  const link = queryAny(card, profileSelectors.contactInfoLink);
  let line = link?.parentElement;
  while (line && line !== card && !TEXT_BLOCK.test(line.tagName)) line = line.parentElement;
  if (link && line && line !== card) {
    const text = cleanLine(visibleText(line).replace(visibleText(link), ''));
    if (text) return text;
  }
  return textOf(card, profileSelectors.location.slice(1));
}

/** The current company the header links or labels (not the school beside it). */
function companyOf(card: Element, pageUrl: URL): string | undefined {
  for (const a of card.querySelectorAll('a[href]')) {
    if (inSideCard(a)) continue;
    let path: string;
    try {
      path = new URL(a.getAttribute('href') ?? '', pageUrl).pathname;
    } catch {
      continue;
    }
    if (!/^\/(?:talent\/)?company\/[^/]+/.test(path)) continue;
    const text = cleanLine(visibleText(a));
    if (text) return text;
  }
  for (const el of card.querySelectorAll('[aria-label]')) {
    const match = CURRENT_COMPANY.exec(el.getAttribute('aria-label') ?? '');
    if (!match || inSideCard(el)) continue;
    const text = cleanLine(visibleText(el)) || cleanLine(match[1] ?? '');
    if (text) return text;
  }
  return undefined;
}

/**
 * Where contact details are shown: the contact info overlay of this very profile (it links back to it), or
 * Recruiter's contact block. Emails written in an About section or a note are not contact details.
 */
function contactScopes(doc: Document, main: Element, ref: LinkedInRef, pageUrl: URL): Element[] {
  const scopes: Element[] = [];
  if (ref.kind === 'talent') {
    for (const el of main.querySelectorAll(anyOf(profileSelectors.contactBlock))) if (!inSideCard(el)) scopes.push(el);
    if (scopes.length > 0) return scopes;
    // Without the block's hook: the sections holding mailto/tel links (a note that links an address, too).
    for (const a of main.querySelectorAll('a[href^="mailto:" i], a[href^="tel:" i]')) {
      const section = closestWithin(a, 'section', main);
      if (section && !inSideCard(section) && !section.closest(anyOf(profileSelectors.dialog))) scopes.push(section);
    }
    return [...new Set(scopes)];
  }
  if (!/\/overlay\/contact-info\/?$/.test(pageUrl.pathname)) return scopes;
  for (const dialog of doc.querySelectorAll(anyOf(profileSelectors.dialog))) {
    if (inSideCard(dialog)) continue;
    const linksBack = refsIn(dialog, linkedinFlavour, pageUrl).some((other) => sameRef(other, ref));
    if (linksBack || dialog.querySelector('#pv-contact-info')) scopes.push(dialog);
  }
  return scopes;
}

/** Recruiter's project: from the URL, named by the project header's heading link. */
function projectOf(doc: Document, pageUrl: URL): CandidateProfile['context'] {
  const parts = pageUrl.pathname.split('/').filter(Boolean);
  const id = pageUrl.searchParams.get('project') ?? (parts[1] === 'hire' || parts[1] === 'projects' ? parts[2] : undefined);
  if (!id || !/^\d{1,20}$/.test(id)) return undefined;
  let name = textOf(doc, profileSelectors.projectName);
  if (!name) {
    for (const a of doc.querySelectorAll('a[href]')) {
      let path: string;
      try {
        path = new URL(a.getAttribute('href') ?? '', pageUrl).pathname;
      } catch {
        continue;
      }
      if (!new RegExp(`^/talent/(?:hire|projects)/${id}(?:/overview)?/?$`).test(path) || inSideCard(a)) continue;
      const heading = a.closest(anyOf(profileSelectors.headingInLink)) ?? a.querySelector(anyOf(profileSelectors.headingInLink));
      name = heading ? cleanLine(visibleText(heading)) : undefined;
      if (name) break;
    }
  }
  return { kind: 'project', id, ...(name ? { name } : {}) };
}

/** The candidate a LinkedIn or LinkedIn Recruiter profile page shows, or undefined on any other page. */
export function linkedinProfile(doc: Document, url: URL): ProfileAnchor | undefined {
  const recruiter = linkedinPages.recruiterProfile.test(url);
  if (!recruiter && !linkedinPages.profile.test(url)) return undefined;
  const ref = refFromPath(url.pathname);
  const main = queryAny(doc, profileSelectors.main);
  const header = ref && main ? profileHeader(main, recruiter) : undefined;
  if (!ref || !main || !header || showsSomeoneElse(header.card, ref, url)) return undefined;
  const { card, heading } = header;
  const name = splitName(visibleText(heading));
  const profileUrl = linkedinFlavour.profileUrl(ref, url);
  if (!name || !profileUrl) return undefined;

  const profileKey = `${linkedinFlavour.keyPrefix}:${ref.kind}:${ref.id}`;
  const headline = headlineOf(card, heading);
  const fromHeadline = headline ? titleAndCompany(headline) : {};
  const title = textOf(main, profileSelectors.positionTitle) ?? fromHeadline.title;
  const company = textOf(main, profileSelectors.positionCompany) ?? companyOf(card, url) ?? fromHeadline.company;
  const location = locationOf(card);
  const context = recruiter ? projectOf(doc, url) : undefined;
  const replied = repliedIn(doc, profileKey, ref, url);
  const profile: CandidateProfile = {
    site: recruiter ? 'linkedin-recruiter' : 'linkedin',
    profileUrl,
    profileKey,
    ...name,
    ...(headline ? { headline } : {}),
    ...(title ? { title } : {}),
    ...(company ? { company } : {}),
    ...(location ? { location } : {}),
    ...contactsIn(contactScopes(doc, main, ref, url)),
    ...(context ? { context } : {}),
    ...(replied !== undefined ? { replied } : {}),
  };
  const link = closestWithin(heading, 'a', card) as HTMLElement | undefined;
  return { profile, mountAfter: link ?? heading };
}

/** Outermost list items in `scope` (and around it, when `scope` is inside one) that link a person. */
function resultCardsIn(scope: ParentNode, kinds: readonly LinkedInRef['kind'][], pageUrl: URL): ResultCard[] {
  const selector = anyOf(profileSelectors.resultCard);
  const items = [...scope.querySelectorAll<HTMLElement>(selector)];
  if (scope.nodeType === 1) {
    const around = (scope as Element).closest<HTMLElement>(selector);
    if (around) items.unshift(around);
  }
  const personIn = (el: Element) => {
    for (const a of el.querySelectorAll<HTMLElement>('a[href]')) {
      const ref = linkedinFlavour.ref(a.getAttribute('href') ?? '', pageUrl);
      if (ref && kinds.includes(ref.kind)) return { ref, link: a };
    }
    return undefined;
  };
  const cards: ResultCard[] = [];
  for (const card of items) {
    if (inSideCard(card) || !closestAcrossShadow(card, MAIN)) continue;
    const outer = card.parentElement?.closest(selector);
    if (outer && personIn(outer)) continue; // a list inside a result (shared connections)
    const person = personIn(card);
    const profileUrl = person && linkedinFlavour.profileUrl(person.ref, pageUrl);
    if (!person || !profileUrl) continue;
    let name: string | undefined;
    let mountAfter = person.link;
    const hook = queryAny(card, profileSelectors.resultName) as HTMLElement | null;
    if (hook && visibleText(hook)) {
      name = visibleText(hook);
      mountAfter = (closestWithin(hook, 'a', card) as HTMLElement | undefined) ?? hook;
    } else {
      for (const a of card.querySelectorAll<HTMLElement>('a[href]')) {
        const ref = linkedinFlavour.ref(a.getAttribute('href') ?? '', pageUrl);
        if (!ref || !sameRef(ref, person.ref) || !visibleText(a)) continue;
        name = visibleText(a);
        mountAfter = a;
        break;
      }
    }
    const key = `${linkedinFlavour.keyPrefix}:${person.ref.kind}:${person.ref.id}`;
    cards.push({ card, profileUrl, profileKey: key, ...(name ? { name } : {}), mountAfter });
  }
  return cards;
}

/** The people on a LinkedIn or Recruiter search results page, in page order; empty on other pages. */
export function linkedinResultCards(root: ParentNode, url: URL): ResultCard[] {
  const recruiter = linkedinPages.recruiterSearch.test(url);
  if (!recruiter && !linkedinPages.search.test(url)) return [];
  const kinds: LinkedInRef['kind'][] = recruiter ? ['talent'] : ['in', 'member'];
  const seen = new Set<HTMLElement>();
  const cards: ResultCard[] = [];
  for (const scope of [root, ...openShadowRootsIn(root)]) {
    for (const card of resultCardsIn(scope, kinds, url)) {
      if (seen.has(card.card)) continue;
      seen.add(card.card);
      cards.push(card);
    }
  }
  return cards;
}
