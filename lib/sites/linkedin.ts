import { openShadowRootsIn } from '../dom/observe-elements';
import { cleanLine, contactsIn, splitName, titleAndCompany } from './people';
import { page, type CandidateProfile, type Composer, type ProfileAnchor, type Recipient, type ResultCard, type SiteAdapter } from './types';

// LinkedIn localizes every aria-label and placeholder, and its newer shell hashes class names
// (`_a1b2c3`). So composers are recognised by structure (a form holding a textbox and a submit
// button), ARIA roles, element names, URL shapes and a few stable ids; classes are the last fallback.

/** Named selectors, each list in order of preference. Class names carry the month they were seen. */
export const selectors = {
  /** The message body editor. */
  editor: [
    '[contenteditable="true"][role="textbox"]',
    '[contenteditable="plaintext-only"][role="textbox"]',
    'textarea', // Recruiter InMail body
    '.msg-form__contenteditable', // seen 2026-11
  ],
  /** The composer's form. */
  form: [
    'form',
    '.msg-form', // seen 2026-11
  ],
  /** The send control of the composer's form. */
  send: [
    'button[type="submit"]',
    'input[type="submit"]',
    '.msg-form__send-button', // seen 2026-11
  ],
  /** An InMail subject field: a form with one is a message composer wherever it is. */
  subject: [
    'input[name="subject"]',
    'input[name*="subject"]',
    'input[id*="subject"]',
    '.msg-form__subject', // seen 2026-11
  ],
  /** Editors here are never message composers: feed posts and their comment boxes. */
  notMessaging: [
    '[role="article"]',
    '[data-urn*="urn:li:activity"]',
    '[data-id*="urn:li:activity"]',
    '.comments-comment-box', // seen 2026-11
    '.share-box', // seen 2026-11
  ],
  /** Hosts whose open shadow root renders the messaging overlay in the newer shell. */
  interopHost: ['#interop-outlet', '[data-testid="interop-shadowdom"]'],
  /** Landmarks that, when they list conversations, make every composer in them a message composer. */
  messagingRegion: ['main', '[role="main"]', 'aside', '[role="complementary"]'],
  conversationLink: ['a[href*="/messaging/thread/"]'],
  /** Containers known to be messaging UI (old shell). */
  messagingContainer: [
    '.msg-form', // seen 2026-11
    '.msg-overlay-conversation-bubble', // seen 2026-11
    '.msg-convo-wrapper', // seen 2026-11
    '#msg-overlay',
  ],
  /** The conversation container, when structure alone did not find it. */
  conversationRoot: [
    '.msg-overlay-conversation-bubble', // seen 2026-11
    '.msg-convo-wrapper', // seen 2026-11
  ],
  /** What heads a conversation: its title bar, found as the nearest of these around the form. */
  title: ['header, h1, h2, h3, h4, [role="heading"]'],
  /** The element holding a person's name inside a title bar. */
  heading: ['h1, h2, h3, h4, [role="heading"]'],
  /** Stop climbing for the conversation root at these. */
  landmark: ['main', '[role="main"]', 'aside', '[role="complementary"]', 'body'],
  /** Overlays, where the page URL says nothing about the conversation. */
  overlay: [
    'aside',
    '[role="complementary"]',
    '#msg-overlay',
    '.msg-overlay-conversation-bubble', // seen 2026-11
  ],
  /** The "To:" field of a new message. */
  recipientSearch: [
    'input[role="combobox"]',
    '[role="combobox"] input',
    '.msg-connections-typeahead__search-field', // seen 2026-11
  ],
  /** Selected recipients beside the "To:" field. */
  recipientPill: [
    '[role="listitem"]',
    'li',
    '.artdeco-pill', // seen 2026-11
  ],
  /** Text that is not the visible name. */
  notName: [
    'button',
    'svg',
    'time',
    '[hidden]',
    '.visually-hidden', // seen 2026-11
    '.a11y-text', // seen 2026-11
    '.sr-only',
  ],
} as const satisfies Record<string, readonly string[]>;

const any = (list: readonly string[]) => list.join(', ');
const EDITOR = any(selectors.editor);

/** URL shapes, with the URLs they must accept beside them. */
export const linkedinPages = {
  /** Any page of the app: overlay bubbles open everywhere. */
  app: page(
    [
      'https://www.linkedin.com/feed/',
      'https://www.linkedin.com/in/some-member-42/',
      'https://linkedin.com/jobs/view/4012345678/',
    ],
    (url) => url.protocol === 'https:' && (url.hostname === 'www.linkedin.com' || url.hostname === 'linkedin.com'),
  ),
  /** A conversation on the full messaging page. */
  thread: page(
    [
      'https://www.linkedin.com/messaging/thread/2-OGM1ZWJhNjQtYTk0Ni00ZjE2LWI0NTAtNmJmOGY3ZDcxYjVhXzEwMA==/',
      'https://www.linkedin.com/messaging/thread/2-YjQ0ZWQ1/?trk=nav_msg',
    ],
    (url) => isApp(url) && refFromPath(url.pathname)?.kind === 'thread' && url.pathname.startsWith('/messaging/'),
  ),
  /** A new message: recipients are chosen in a "To:" field or passed in the URL. */
  compose: page(
    [
      'https://www.linkedin.com/messaging/thread/new/',
      'https://www.linkedin.com/messaging/compose/?recipient=ACoAAB4x7QwBcD2eFgHiJkLmNoPqRsTuVwXyZ01',
    ],
    (url) => isApp(url) && /^\/messaging\/(?:thread\/new|compose)\/?$/.test(url.pathname),
  ),
  /** LinkedIn Recruiter: inbox threads and candidate profiles, both with InMail compose panels. */
  recruiter: page(
    [
      'https://www.linkedin.com/talent/inbox/0/main/id/2-NzQ1ZTFhZDMtOGM4Yy00ZDk1XzAxMg==',
      'https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK?project=1234567&trk=PROJECT_PIPELINE',
      'https://www.linkedin.com/talent/hire/1234567/discover/recruiterSearch/profile/AEMAAAXyZ12bC3dEfGhIjK',
    ],
    (url) => isApp(url) && url.pathname.startsWith('/talent/'),
  ),
  /** A member's profile, in either layout, with or without one of its overlays (contact info) open. */
  profile: page(
    [
      'https://www.linkedin.com/in/Sigrun-Haldorsen-Mbeki-5a1c3f/',
      'https://www.linkedin.com/in/annika-oberhuber-2c7d19/?locale=de_DE',
      'https://www.linkedin.com/in/oluwaseun-brandt/overlay/contact-info/',
    ],
    (url) => {
      const ref = refFromPath(url.pathname);
      return isApp(url) && (ref?.kind === 'in' || ref?.kind === 'member') && /^\/in\/[^/]+\/?(?:overlay\/[^/]+\/?)?$/.test(url.pathname);
    },
  ),
  /** A Recruiter candidate profile, on its own or opened from a project's search. */
  recruiterProfile: page(
    [
      'https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp?project=1234567&trk=PROJECT_PIPELINE',
      'https://www.linkedin.com/talent/hire/1234567/discover/recruiterSearch/profile/AEMAABk7Qm2Rt9vWxYz3Lp?searchContextId=5c1e',
    ],
    (url) => isApp(url) && url.pathname.startsWith('/talent/') && refFromPath(url.pathname)?.kind === 'talent',
  ),
  /** People search results. */
  search: page(
    [
      'https://www.linkedin.com/search/results/people/?keywords=data%20engineer&origin=SWITCH_SEARCH_VERTICAL',
      'https://www.linkedin.com/search/results/people/?geoUrn=%5B%22100506914%22%5D&keywords=platform&page=2',
    ],
    (url) => isApp(url) && /^\/search\/results\/people\/?$/.test(url.pathname),
  ),
  /** Recruiter search: on its own or inside a project. */
  recruiterSearch: page(
    [
      'https://www.linkedin.com/talent/search?searchContextId=8f2c4d1a&searchHistoryId=1122334455',
      'https://www.linkedin.com/talent/hire/1234567/discover/recruiterSearch?searchContextId=8f2c4d1a&start=0',
    ],
    (url) => isApp(url) && /^\/talent\/(?:search|hire\/\d+\/discover\/recruiterSearch)\/?$/.test(url.pathname),
  ),
};

function isApp(url: URL): boolean {
  return linkedinPages.app.test(url);
}

// ---------------------------------------------------------------------------------------------
// References: what a link or a page URL points at.

export type LinkedInRef =
  | { kind: 'in'; id: string } // vanity slug, lower-case
  | { kind: 'member'; id: string } // member id ("ACoAA…"), case-sensitive
  | { kind: 'talent'; id: string } // Recruiter profile id ("AEMAA…")
  | { kind: 'thread'; id: string };

const MEMBER_ID = /^ACoAA[A-Za-z0-9_-]{6,}$/;
const SLUG = /^[\p{L}\p{M}\p{N}_.-]{2,100}$/u;

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** What a LinkedIn path points at, e.g. `/in/Jane-Doe-1/` → `{ kind: 'in', id: 'jane-doe-1' }`. */
export function refFromPath(pathname: string): LinkedInRef | undefined {
  const parts = pathname.split('/').filter(Boolean);
  const [first, second] = parts;
  if (first === 'in' && second) {
    const id = decode(second);
    if (!id || id === 'me') return undefined; // "/in/me/" is whoever is signed in
    if (MEMBER_ID.test(id)) return { kind: 'member', id };
    return SLUG.test(id) ? { kind: 'in', id: id.toLowerCase() } : undefined;
  }
  if (first === 'messaging' && second === 'thread' && parts[2] && parts[2] !== 'new') {
    const id = decode(parts[2]);
    return id ? { kind: 'thread', id } : undefined;
  }
  if (first === 'talent') {
    const profile = parts.indexOf('profile');
    const profileId = profile > 0 ? parts[profile + 1] : undefined;
    if (profileId && /^[A-Za-z0-9_-]{6,}$/.test(profileId)) return { kind: 'talent', id: profileId };
    const thread = parts[1] === 'inbox' ? parts.indexOf('id') : -1;
    const threadId = thread > 0 ? parts[thread + 1] : undefined;
    const id = threadId ? decode(threadId) : undefined;
    if (id) return { kind: 'thread', id };
  }
  return undefined;
}

/** Member ids passed to a new message in its URL (`?recipient=…`, `?profileUrn=urn:li:fsd_profile:…`). */
export function memberIdsFromParams(url: URL): string[] {
  const ids = new Set<string>();
  for (const name of ['recipient', 'recipients', 'profileUrn']) {
    for (const value of url.searchParams.getAll(name)) {
      for (const match of value.matchAll(/ACoAA[A-Za-z0-9_-]{6,}/g)) ids.add(match[0]);
    }
  }
  return [...ids];
}

/** How a site that speaks LinkedIn's DOM names people: LinkedIn itself, or Parley's demo page. */
export interface LinkedInFlavour {
  keyPrefix: string;
  /** What an href on the page points at, or undefined when it leaves the site. */
  ref(href: string, pageUrl: URL): LinkedInRef | undefined;
  profileUrl(ref: LinkedInRef, pageUrl: URL): string | undefined;
}

const LINKEDIN_HOST = /^(?:[a-z0-9-]+\.)*linkedin\.com$/;

export const linkedinFlavour: LinkedInFlavour = {
  keyPrefix: 'linkedin',
  ref(href, pageUrl) {
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return LINKEDIN_HOST.test(url.hostname) ? refFromPath(url.pathname) : undefined;
  },
  profileUrl(ref) {
    const path = canonicalPath(ref);
    return path && `https://www.linkedin.com${path}`;
  },
};

/** `/in/<slug>/` (lower-case, encoded like LinkedIn does) or `/talent/profile/<id>`. */
export function canonicalPath(ref: LinkedInRef): string | undefined {
  switch (ref.kind) {
    case 'in':
    case 'member':
      return `/in/${encodeURIComponent(ref.id)}/`;
    case 'talent':
      return `/talent/profile/${encodeURIComponent(ref.id)}`;
    case 'thread':
      return undefined;
  }
}

/** Canonical public profile URL for any LinkedIn profile link, e.g. `https://www.linkedin.com/in/jane-doe/`. */
export function canonicalProfileUrl(href: string, base = 'https://www.linkedin.com/'): string | undefined {
  const ref = linkedinFlavour.ref(href, new URL(base));
  return ref && (ref.kind === 'in' || ref.kind === 'member') ? linkedinFlavour.profileUrl(ref, new URL(base)) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Composers.

function closestAny(el: Element, list: readonly string[]): Element | null {
  for (const selector of list) {
    const found = el.closest(selector);
    if (found) return found;
  }
  return null;
}

function queryAny(scope: ParentNode, list: readonly string[]): Element | null {
  for (const selector of list) {
    const found = scope.querySelector(selector);
    if (found) return found;
  }
  return null;
}

function isShadowRoot(node: Node): node is ShadowRoot {
  return node.nodeType === 11 && 'host' in node;
}

function isTextarea(el: Element): el is HTMLTextAreaElement {
  return el.tagName === 'TEXTAREA';
}

// Hidden editors still count: collapsed bubbles and aria-hidden pages (behind a modal) come back without
// any mutation, and observers only look again when something is added.
function isUsableEditor(el: Element): boolean {
  if (isTextarea(el)) return !el.disabled && !el.readOnly;
  const editable = el.getAttribute('contenteditable');
  return editable === 'true' || editable === '' || editable === 'plaintext-only';
}

/** The form a composer lives in: a real <form>, or the messaging form container of the old shell. */
function formOf(editor: Element): HTMLElement | null {
  return closestAny(editor, selectors.form) as HTMLElement | null;
}

/** The one editor of a form: a rich text box before any textarea (InMail may have both kinds). */
function primaryEditor(form: Element): HTMLElement | undefined {
  const editors = [...form.querySelectorAll<HTMLElement>(EDITOR)].filter(isUsableEditor);
  return editors.find((el) => !isTextarea(el)) ?? editors[0];
}

function inInteropShadow(el: Element): boolean {
  for (let root = el.getRootNode(); isShadowRoot(root); root = root.host.getRootNode()) {
    if (closestAny(root.host, selectors.interopHost)) return true;
  }
  return false;
}

function isMessagingContext(form: HTMLElement): boolean {
  if (queryAny(form, selectors.subject)) return true; // InMail
  if (inInteropShadow(form)) return true;
  const region = closestAny(form, selectors.messagingRegion);
  if (region && queryAny(region, selectors.conversationLink)) return true;
  return closestAny(form, selectors.messagingContainer) !== null;
}

function editorCount(scope: Element): number {
  let count = 0;
  for (const el of scope.querySelectorAll(EDITOR)) if (isUsableEditor(el)) count++;
  return count;
}

/** The conversation container: the nearest ancestor that also holds the conversation's title bar. */
function conversationRootFor(form: HTMLElement): HTMLElement {
  const dialog = form.closest<HTMLElement>('[role="dialog"]');
  if (dialog && editorCount(dialog) <= 1) return dialog;
  const title = any(selectors.title);
  for (let el = form.parentElement; el; el = el.parentElement) {
    if (editorCount(el) > 1) break;
    if ([...el.querySelectorAll(title)].some((h) => !form.contains(h))) return el;
    if (closestAny(el, selectors.landmark) === el) break;
  }
  const known = closestAny(form, selectors.conversationRoot) as HTMLElement | null;
  return known && editorCount(known) <= 1 ? known : form;
}

/** The editor's own container inside the form: it outlives re-renders of the footer toolbar. */
function mountAfterFor(editor: HTMLElement, form: HTMLElement): HTMLElement {
  let el = editor;
  while (el.parentElement && el.parentElement !== form) el = el.parentElement;
  return el.parentElement === form ? el : editor;
}

export function composerFor(editor: HTMLElement): Composer | undefined {
  if (!editor.matches(EDITOR) || !isUsableEditor(editor)) return undefined;
  const form = formOf(editor);
  if (!form || primaryEditor(form) !== editor) return undefined;
  if (!queryAny(form, selectors.send)) return undefined;
  if (closestAny(form, selectors.notMessaging)) return undefined;
  if (!isMessagingContext(form)) return undefined;
  return { editor, root: conversationRootFor(form), mountAfter: mountAfterFor(editor, form) };
}

/**
 * Composers in `root`, in `root` itself, in the form `root` sits in (so a re-rendered footer leads back to
 * its composer) and in every open shadow root below it.
 */
export function findComposers(root: ParentNode): Composer[] {
  const found = new Map<HTMLElement, Composer>();
  const consider = (el: HTMLElement | undefined) => {
    if (!el || found.has(el)) return;
    const composer = composerFor(el);
    if (composer) found.set(el, composer);
  };
  if (root.nodeType === 1) {
    const el = root as HTMLElement;
    if (el.matches(EDITOR)) consider(el);
    const form = formOf(el);
    if (form) consider(primaryEditor(form));
  }
  for (const scope of [root, ...openShadowRootsIn(root)]) {
    for (const el of scope.querySelectorAll<HTMLElement>(EDITOR)) consider(el);
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
// Recipients.

/**
 * Screen-reader-only text ("Status is online") sits inside names. Hashed class names hide the usual
 * `.visually-hidden`, so the computed style decides: the common visually-hidden pattern is an absolutely
 * positioned box of at most 1px, or one clipped away.
 */
function isHiddenText(el: Element): boolean {
  if (el.matches(any(selectors.notName))) return true;
  const style = el.ownerDocument.defaultView?.getComputedStyle(el);
  if (!style) return false;
  if (style.display === 'none' || style.visibility === 'hidden') return true;
  if (style.position !== 'absolute' && style.position !== 'fixed') return false;
  const tiny = (length: string) => Number.parseFloat(length) <= 1;
  return (tiny(style.width) && tiny(style.height)) || String(style.clip).startsWith('rect') || /^inset\(\s*(50|100)%/.test(String(style.clipPath));
}

/** Visible text of an element, without screen-reader-only text, buttons and icons. */
export function visibleText(el: Element): string {
  let text = '';
  const walk = (node: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) text += child.textContent ?? '';
      else if (child.nodeType === 1 && !isHiddenText(child as Element)) walk(child);
    }
  };
  walk(el);
  return text.replace(/\s+/g, ' ').trim();
}

/** The conversation's title bar: its <header>, or the part of the root holding its first heading. */
function titleBar(composer: Composer, form: Element | null): Element | undefined {
  for (const el of composer.root.querySelectorAll(any(selectors.title))) {
    if (form?.contains(el)) continue;
    const header = el.closest('header');
    if (header && composer.root.contains(header)) return header;
    let region: Element = el;
    while (region.parentElement && region.parentElement !== composer.root) region = region.parentElement;
    return region;
  }
  return undefined;
}

function nameIn(region: Element): string | undefined {
  const headings = any(selectors.heading);
  const heading = region.matches(headings) ? region : (region.querySelector(headings) ?? region.querySelector('a[href]'));
  const name = heading ? visibleText(heading) : '';
  return name || undefined;
}

function toRecipient(ref: LinkedInRef, name: string | undefined, flavour: LinkedInFlavour, pageUrl: URL): Recipient {
  const recipient: Recipient = { key: `${flavour.keyPrefix}:${ref.kind}:${ref.id}` };
  if (name) recipient.name = name;
  const profileUrl = flavour.profileUrl(ref, pageUrl);
  if (profileUrl) recipient.profileUrl = profileUrl;
  return recipient;
}

function refsIn(scope: Element, flavour: LinkedInFlavour, pageUrl: URL): LinkedInRef[] {
  const refs = new Map<string, LinkedInRef>();
  for (const a of scope.querySelectorAll('a[href]')) {
    const ref = flavour.ref(a.getAttribute('href') ?? '', pageUrl);
    if (ref) refs.set(`${ref.kind}:${ref.id}`, ref);
  }
  return [...refs.values()];
}

const isPerson = (ref: LinkedInRef) => ref.kind !== 'thread';

/**
 * The person a title bar links to. One person may be linked several ways (vanity slug, member id,
 * Recruiter profile); two links of the same kind mean a group conversation.
 */
function onePerson(refs: LinkedInRef[]): LinkedInRef | undefined {
  const byKind = (kind: LinkedInRef['kind']) => refs.filter((r) => r.kind === kind);
  const kinds = [byKind('in'), byKind('member'), byKind('talent')];
  if (kinds.some((list) => list.length > 1)) return undefined;
  return kinds.find((list) => list.length === 1)?.[0];
}

/** The composer fills the whole page (not an overlay), so the page URL describes its conversation. */
function isPageLevel(composer: Composer): boolean {
  return !isShadowRoot(composer.root.getRootNode()) && !closestAny(composer.root, selectors.overlay);
}

/** A new message: the person is the single selected pill, or the single member id in the URL. */
function composeRecipient(
  composer: Composer,
  search: Element,
  form: Element | null,
  flavour: LinkedInFlavour,
  pageUrl: URL,
): Recipient | undefined {
  let pills: Element[] = [];
  for (let el = search.parentElement; el && composer.root.contains(el) && pills.length === 0; el = el.parentElement) {
    for (const selector of selectors.recipientPill) {
      pills = [...el.querySelectorAll(selector)].filter(
        (pill) => !pill.closest('[role="listbox"]') && !form?.contains(pill) && visibleText(pill) !== '',
      );
      if (pills.length > 0) break;
    }
  }
  if (pills.length > 1) return undefined; // a group message has no single recipient
  const pill = pills[0];
  const name = pill ? visibleText(pill) : undefined;
  const linked = pill ? refsIn(pill, flavour, pageUrl).filter(isPerson) : [];
  if (linked.length === 1 && linked[0]) return toRecipient(linked[0], name, flavour, pageUrl);
  const ids = isPageLevel(composer) ? memberIdsFromParams(pageUrl) : [];
  if (ids.length === 1 && ids[0]) return toRecipient({ kind: 'member', id: ids[0] }, name, flavour, pageUrl);
  return undefined;
}

/**
 * Who the composer writes to: the one person linked from the conversation's title bar; for a new message
 * the selected recipient; otherwise the conversation itself (from a thread link or the page URL).
 * Group conversations without a known thread, and unknown pages, give `undefined`.
 */
export function recipientForComposer(composer: Composer, pageUrl: URL, flavour: LinkedInFlavour): Recipient | undefined {
  const form = formOf(composer.editor);
  const search = [...composer.root.querySelectorAll(any(selectors.recipientSearch))].find((el) => !form?.contains(el));
  if (search) return composeRecipient(composer, search, form, flavour, pageUrl);

  const bar = titleBar(composer, form);
  const name = bar ? nameIn(bar) : undefined;
  const refs = bar ? refsIn(bar, flavour, pageUrl) : [];
  const person = onePerson(refs);
  if (person) return toRecipient(person, name, flavour, pageUrl);
  const people = refs.filter(isPerson);

  const fromPage = isPageLevel(composer) ? flavour.ref(pageUrl.href, pageUrl) : undefined;
  if (people.length === 0 && fromPage && fromPage.kind === 'talent') return toRecipient(fromPage, name, flavour, pageUrl);
  const thread = refs.find((r) => r.kind === 'thread') ?? (fromPage?.kind === 'thread' ? fromPage : undefined);
  return thread ? toRecipient(thread, name, flavour, pageUrl) : undefined;
}

// ---------------------------------------------------------------------------------------------
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
const SIDE_CARD = any(profileSelectors.sideCard);
const MAIN = any(profileSelectors.main);
const TEXT_BLOCK = /^(?:DIV|P|H[2-6])$/;

/** Walks out of shadow roots too, so a card rendered in a shadow root still knows where it is. */
function closestAcrossShadow(el: Element, selector: string): Element | undefined {
  for (let node: Element | undefined = el; node; ) {
    const found = node.closest(selector);
    if (found) return found;
    const root = node.getRootNode();
    node = isShadowRoot(root) ? root.host : undefined;
  }
  return undefined;
}

const inSideCard = (el: Element) => closestAcrossShadow(el, SIDE_CARD) !== undefined;

function closestWithin(el: Element, selector: string, boundary: Element): Element | undefined {
  const found = el.closest(selector);
  return found && boundary.contains(found) ? found : undefined;
}

/** Visible, cleaned text of the first element matching `list` in `scope` outside side cards. */
function textOf(scope: ParentNode, list: readonly string[]): string | undefined {
  for (const selector of list) {
    for (const el of scope.querySelectorAll(selector)) {
      if (inSideCard(el)) continue;
      const text = cleanLine(visibleText(el));
      if (text) return text;
    }
  }
  return undefined;
}

const sameRef = (a: LinkedInRef, b: LinkedInRef) => a.kind === b.kind && a.id === b.id;

/** The profile header and its name heading. Recruiter always has an h1; the newer layout never does. */
function profileHeader(main: Element, needsH1: boolean): { card: Element; heading: HTMLElement } | undefined {
  const usable = (el: Element) => !inSideCard(el) && visibleText(el) !== '';
  const h1 = [...main.querySelectorAll<HTMLElement>('h1')].find(usable);
  if (h1) return { card: closestWithin(h1, 'section', main) ?? main, heading: h1 };
  if (needsH1) return undefined;
  const headings = any(profileSelectors.sectionHeading);
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
  for (const a of card.querySelectorAll(any(profileSelectors.contactInfoLink))) {
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
    for (const el of main.querySelectorAll(any(profileSelectors.contactBlock))) if (!inSideCard(el)) scopes.push(el);
    if (scopes.length > 0) return scopes;
    // Without the block's hook: the sections holding mailto/tel links (a note that links an address, too).
    for (const a of main.querySelectorAll('a[href^="mailto:" i], a[href^="tel:" i]')) {
      const section = closestWithin(a, 'section', main);
      if (section && !inSideCard(section) && !section.closest(any(profileSelectors.dialog))) scopes.push(section);
    }
    return [...new Set(scopes)];
  }
  if (!/\/overlay\/contact-info\/?$/.test(pageUrl.pathname)) return scopes;
  for (const dialog of doc.querySelectorAll(any(profileSelectors.dialog))) {
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
      const heading = a.closest(any(profileSelectors.headingInLink)) ?? a.querySelector(any(profileSelectors.headingInLink));
      name = heading ? cleanLine(visibleText(heading)) : undefined;
      if (name) break;
    }
  }
  return { kind: 'project', id, ...(name ? { name } : {}) };
}

/**
 * Whether the person answered: a visible conversation with them (overlay bubble, thread, InMail) holding a
 * message they sent gives true; one holding only others' messages gives false; none gives undefined.
 */
function repliedIn(doc: Document, key: string, ref: LinkedInRef, pageUrl: URL): boolean | undefined {
  let verdict: boolean | undefined;
  for (const composer of findComposers(doc)) {
    if (recipientForComposer(composer, pageUrl, linkedinFlavour)?.key !== key) continue;
    const form = formOf(composer.editor);
    const bar = titleBar(composer, form);
    const senders: LinkedInRef[] = [];
    for (const a of composer.root.querySelectorAll('a[href]')) {
      if (form?.contains(a) || bar?.contains(a)) continue;
      const sender = linkedinFlavour.ref(a.getAttribute('href') ?? '', pageUrl);
      if (sender && isPerson(sender)) senders.push(sender);
    }
    if (senders.some((sender) => sameRef(sender, ref))) return true;
    if (senders.length > 0) verdict = false;
  }
  return verdict;
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
  const selector = any(profileSelectors.resultCard);
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

export const linkedin: SiteAdapter = {
  id: 'linkedin',
  name: 'LinkedIn',
  examples: {
    matching: [
      ...linkedinPages.app.examples,
      ...linkedinPages.thread.examples,
      ...linkedinPages.compose.examples,
      ...linkedinPages.recruiter.examples,
      ...linkedinPages.profile.examples,
      ...linkedinPages.recruiterProfile.examples,
      ...linkedinPages.search.examples,
      ...linkedinPages.recruiterSearch.examples,
    ],
  },
  matches: (url) => linkedinPages.app.test(url),
  findComposers,
  composerFor,
  recipientFor: (composer, url) => recipientForComposer(composer, url, linkedinFlavour),
  shadowHosts: any(selectors.interopHost),
  profile: linkedinProfile,
  resultCards: linkedinResultCards,
};
