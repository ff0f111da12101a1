import { openShadowRootsIn } from '../dom/observe-elements';
import { anyOf, firstLineOf, childOfHolding, isShadowRoot, isTextarea, isWritable, queryAny, visibleText } from './dom';
import { cleanLine, contactsIn, splitName } from './people';
import { page, type CandidateProfile, type Composer, type ProfileAnchor, type Recipient, type SiteAdapter } from './types';

// talent.io's recruiter app (React, CSS-module class names such as `CandidateHeader_name__x7Kp2` whose
// suffix changes with every release). Candidates are identified by the numeric id in their URL; contact
// details are shown only once the candidate has accepted the recruiter's contact request, which is also
// what the workspace's "export only after consent" policy waits for. Recruiters write to candidates from the
// messaging view and from a candidate's conversation tab in a position's pipeline (company messaging); both
// are a form (contenteditable or textarea + Send) below a message log, under a header naming the candidate.

/** Named selectors, each list in order of preference. Class names carry the month they were seen. */
export const selectors = {
  main: ['main', '[role="main"]'],
  /** A candidate profile opened as an overlay over a position's pipeline. */
  overlay: ['[role="dialog"]', 'dialog[open]'],
  profileRoot: [
    '[data-testid="candidate-profile"]',
    '[class*="CandidateProfile_root"]', // seen 2026-11
  ],
  /** Never read from these: similar candidates, the pipeline board, the recruiter's own menu. */
  sideCard: [
    'aside',
    '[role="complementary"]',
    '[data-testid="similar-candidates"]',
    '[class*="SimilarCandidates_"]', // seen 2026-11
  ],
  heading: ['h1', 'h2', '[role="heading"]'],
  currentTitle: ['[data-testid="candidate-current-title"]'],
  currentCompany: ['[data-testid="candidate-current-company"]'],
  /** "Lead Backend Engineer · Quantaflux" when the parts are not marked separately. */
  currentPosition: [
    '[data-testid="candidate-current-position"]',
    '[class*="CandidateHeader_position"]', // seen 2026-11
  ],
  location: [
    '[data-testid="candidate-location"]',
    '[class*="CandidateHeader_location"]', // seen 2026-11
  ],
  /** Contact details; present but empty (locked) while the contact request is pending. */
  contact: [
    '[data-testid="candidate-contact"]',
    '[class*="ContactDetails_root"]', // seen 2026-11
  ],
  editor: [
    '[contenteditable="true"][role="textbox"]',
    '[contenteditable="plaintext-only"][role="textbox"]',
    'textarea',
    '.ProseMirror[contenteditable="true"]', // seen 2026-11
  ],
  send: [
    'button[type="submit"]',
    '[data-testid="send-message"]',
  ],
  /** The message list of a conversation: what makes a form a message composer. */
  messageLog: [
    '[role="log"]',
    '[data-testid="message-list"]',
    '[class*="MessageList_root"]', // seen 2026-11
  ],
  /** Stop climbing for the conversation at these. */
  landmark: ['main', '[role="main"]', 'aside', '[role="complementary"]', '[role="dialog"]', 'body'],
} as const satisfies Record<string, readonly string[]>;

const EDITOR = anyOf(selectors.editor);
const SIDE_CARD = anyOf(selectors.sideCard);
const HOSTS = new Set(['app.talent.io', 'www.talent.io']);
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The app's path without its `/recruiter` (or, on `app.talent.io`, `/company`) prefix, or undefined
 * outside the recruiter app. `www.talent.io` serves the recruiter app under `/recruiter/` only (the rest is
 * the public site and the candidates' side); `app.talent.io` is the app throughout.
 */
function appPath(url: URL): string | undefined {
  if (url.protocol !== 'https:' || !HOSTS.has(url.hostname)) return undefined;
  const prefix = (url.hostname === 'app.talent.io' ? /^\/(?:recruiter|company)(?=\/|$)/ : /^\/recruiter(?=\/|$)/).exec(url.pathname);
  if (prefix) return url.pathname.slice(prefix[0].length) || '/';
  return url.hostname === 'app.talent.io' ? url.pathname : undefined;
}

/** `/candidates/<id>`, also under a position, and `…/messages` after it for the conversation with them. */
const CANDIDATE_PATH = /^(?:\/positions\/[^/]+)?\/candidates\/([^/]+)(\/messages)?\/?$/;

function candidatePath(url: URL): { id: string; conversation: boolean } | undefined {
  const path = appPath(url);
  const match = path === undefined ? null : CANDIDATE_PATH.exec(path);
  const id = match?.[1];
  return id && ID.test(id) ? { id, conversation: match[2] !== undefined } : undefined;
}

/** The candidate a talent.io profile URL points at: `/candidates/<id>` (also under a position) or `?candidate=<id>`. */
export function candidateIdFrom(url: URL): string | undefined {
  if (appPath(url) === undefined) return undefined;
  const fromPath = candidatePath(url);
  if (fromPath) return fromPath.conversation ? undefined : fromPath.id;
  const id = url.searchParams.get('candidate') ?? undefined;
  return id && ID.test(id) ? id : undefined;
}

/** The candidate of a conversation URL: `/candidates/<id>/messages`, also under a position. */
export function conversationCandidateIdFrom(url: URL): string | undefined {
  const fromPath = candidatePath(url);
  return fromPath?.conversation ? fromPath.id : undefined;
}

/** The position a talent.io URL is in: `/positions/<id>/…` or `?position=<id>`. */
export function positionIdFrom(url: URL): string | undefined {
  const path = appPath(url);
  if (path === undefined) return undefined;
  const id = /^\/positions\/([^/]+)/.exec(path)?.[1] ?? url.searchParams.get('position') ?? undefined;
  return id && ID.test(id) ? id : undefined;
}

/** URL shapes, with the URLs they must accept beside them. */
export const talentioPages = {
  app: page(
    [
      'https://app.talent.io/recruiter/dashboard',
      'https://www.talent.io/recruiter/positions',
      'https://app.talent.io/positions/9182/pipeline',
      'https://app.talent.io/company/positions/9182/pipeline',
    ],
    (url) => appPath(url) !== undefined,
  ),
  /** A candidate: a page of its own, or the profile overlay over a position's pipeline. */
  profile: page(
    [
      'https://app.talent.io/recruiter/candidates/51077',
      'https://www.talent.io/recruiter/candidates/51077?tab=experience',
      'https://app.talent.io/recruiter/positions/9182/candidates/48213',
      'https://app.talent.io/recruiter/positions/9182/pipeline?candidate=48213',
    ],
    (url) => candidateIdFrom(url) !== undefined,
  ),
  /** The conversation with one candidate: in a position's pipeline (company messaging) or on its own. */
  conversation: page(
    [
      'https://app.talent.io/company/positions/9182/candidates/48213/messages',
      'https://app.talent.io/recruiter/positions/9182/candidates/48213/messages',
      'https://www.talent.io/recruiter/candidates/48213/messages?from=pipeline',
    ],
    (url) => conversationCandidateIdFrom(url) !== undefined,
  ),
  /** The messaging view: the conversation list and one open conversation. */
  messages: page(
    [
      'https://app.talent.io/recruiter/messages',
      'https://app.talent.io/recruiter/messages/conv_7f3a2b9c',
      'https://www.talent.io/recruiter/messages/conv_7f3a2b9c',
    ],
    (url) => /^\/messages(?:\/[^/]+)?\/?$/.test(appPath(url) ?? ''),
  ),
};

/** `talentio:candidate:<id>` and its canonical URL. */
function candidate(id: string): { key: string; profileUrl: string } {
  return { key: `talentio:candidate:${id}`, profileUrl: `https://www.talent.io/recruiter/candidates/${encodeURIComponent(id)}` };
}

/** The candidate a link on the page points at: their profile, or the conversation with them. */
function candidateIdOfLink(a: Element, pageUrl: URL): string | undefined {
  try {
    const url = new URL(a.getAttribute('href') ?? '', pageUrl);
    return candidateIdFrom(url) ?? conversationCandidateIdFrom(url);
  } catch {
    return undefined;
  }
}

const inSideCard = (el: Element) => el.closest(SIDE_CARD) !== null;

/** Visible, cleaned text of the first element matching `list` in `scope` outside side cards. */
const textOf = (scope: ParentNode, list: readonly string[]) => firstLineOf(scope, list, inSideCard);

// ---------------------------------------------------------------------------------------------
// Candidate profiles.

/**
 * Where the candidate is shown: the profile overlay when it links to (or is marked as) this candidate's
 * profile, otherwise the page's main region. A contact-request modal is never mistaken for the profile.
 */
function profileScope(doc: Document, id: string, pageUrl: URL): Element | undefined {
  const overlays = [...doc.querySelectorAll(anyOf(selectors.overlay))].reverse();
  const overlay = overlays.find(
    (el) =>
      queryAny(el, selectors.profileRoot) !== null ||
      [...el.querySelectorAll('a[href]')].some((a) => candidateIdOfLink(a, pageUrl) === id),
  );
  const main = queryAny(doc, selectors.main);
  const scope = overlay ?? main ?? undefined;
  return scope && (queryAny(scope, selectors.profileRoot) ?? scope);
}

function nameHeading(scope: Element): HTMLElement | undefined {
  for (const selector of selectors.heading) {
    const found = [...scope.querySelectorAll<HTMLElement>(selector)].find((el) => !inSideCard(el) && visibleText(el) !== '');
    if (found) return found;
  }
  return undefined;
}

function titleAndCompanyOf(scope: Element): { title?: string; company?: string } {
  let title = textOf(scope, selectors.currentTitle);
  let company = textOf(scope, selectors.currentCompany);
  const line = title && company ? undefined : queryAny(scope, selectors.currentPosition);
  if (line && !inSideCard(line)) {
    const [first, ...rest] = visibleText(line).split(/\s[·•|@]\s|\s(?:at|chez|bei)\s/i);
    title ??= cleanLine(first ?? '') || undefined;
    company ??= cleanLine(rest.join(' ')) || undefined;
  }
  return { ...(title ? { title } : {}), ...(company ? { company } : {}) };
}

/** The position the profile is viewed in (URL) or assigned to (a link in the profile), with its title. */
function positionOf(doc: Document, scope: Element, pageUrl: URL): CandidateProfile['context'] {
  const positionOfLink = (a: Element) => {
    try {
      const url = new URL(a.getAttribute('href') ?? '', pageUrl);
      const id = /^\/positions\/([^/]+)\/?$/.exec(appPath(url) ?? '')?.[1];
      return id && ID.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  };
  const links = (root: ParentNode) => [...root.querySelectorAll('a[href]')].filter((a) => !inSideCard(a));
  const id = positionIdFrom(pageUrl) ?? links(scope).map(positionOfLink).find(Boolean);
  if (!id) return undefined;
  const named = [...links(scope), ...links(doc)].find((a) => positionOfLink(a) === id && cleanLine(visibleText(a)) !== '');
  const name = named ? cleanLine(visibleText(named)) : undefined;
  return { kind: 'position', id, ...(name ? { name } : {}) };
}

/** The candidate a talent.io profile page or profile overlay shows, or undefined on any other page. */
export function talentioProfile(doc: Document, url: URL): ProfileAnchor | undefined {
  const id = candidateIdFrom(url);
  const scope = id ? profileScope(doc, id, url) : undefined;
  const heading = scope && nameHeading(scope);
  const name = heading && splitName(visibleText(heading));
  if (!id || !scope || !heading || !name) return undefined;

  const contact = [...scope.querySelectorAll(anyOf(selectors.contact))].filter((el) => !inSideCard(el));
  const { emails, phones } = contactsIn(contact);
  const location = textOf(scope, selectors.location);
  const context = positionOf(doc, scope, url);
  const profile: CandidateProfile = {
    site: 'talentio',
    profileUrl: candidate(id).profileUrl,
    profileKey: candidate(id).key,
    ...name,
    ...titleAndCompanyOf(scope),
    ...(location ? { location } : {}),
    emails,
    phones,
    ...(context ? { context } : {}),
    // The contact block is always there; it holds details only once the candidate accepted contact.
    ...(contact.length > 0 ? { replied: emails.length + phones.length > 0 } : {}),
  };
  const link = heading.closest('a');
  return { profile, mountAfter: link && scope.contains(link) ? link : heading };
}

// ---------------------------------------------------------------------------------------------
// Message composers.

function primaryEditor(form: Element): HTMLElement | undefined {
  const editors = [...form.querySelectorAll<HTMLElement>(EDITOR)].filter(isWritable);
  return editors.find((el) => !isTextarea(el)) ?? editors[0];
}

function editorCount(scope: Element): number {
  return [...scope.querySelectorAll(EDITOR)].filter(isWritable).length;
}

/**
 * The conversation a form writes to: the nearest container holding a message log, widened to the one that
 * also holds the conversation's heading. Forms whose surroundings have no log (team notes, contact
 * requests, search) are not message composers.
 */
function conversationRootFor(form: HTMLElement): HTMLElement | undefined {
  const log = anyOf(selectors.messageLog);
  const heading = anyOf(selectors.heading);
  let withLog: HTMLElement | undefined;
  for (let el = form.parentElement; el; el = el.parentElement) {
    if (editorCount(el) > 1) break;
    if (!withLog && el.querySelector(log)) withLog = el;
    if (withLog && [...el.querySelectorAll(heading)].some((h) => !form.contains(h) && !h.closest(log))) return el;
    if (el.matches(anyOf(selectors.landmark))) break;
  }
  return withLog;
}

export function composerFor(editor: HTMLElement): Composer | undefined {
  if (!editor.matches(EDITOR) || !isWritable(editor)) return undefined;
  const form = editor.closest<HTMLElement>('form');
  if (!form || primaryEditor(form) !== editor || !queryAny(form, selectors.send)) return undefined;
  const root = conversationRootFor(form);
  return root ? { editor, root, mountAfter: childOfHolding(editor, form) } : undefined;
}

/** Composers in `root`, in `root` itself, in the form `root` sits in and in open shadow roots below it. */
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
    const form = el.closest('form');
    if (form) consider(primaryEditor(form));
  }
  for (const scope of [root, ...openShadowRootsIn(root)]) {
    for (const el of scope.querySelectorAll<HTMLElement>(EDITOR)) consider(el);
  }
  return [...found.values()];
}

/**
 * The candidate a conversation is with: the one candidate its header links to, or, for a composer filling
 * the page, the candidate of the URL (their profile, or the conversation with them in a position's
 * pipeline). Conversation ids (`/messages/conv_…`) are not candidate ids.
 */
export function recipientFor(composer: Composer, url: URL): Recipient | undefined {
  const form = composer.editor.closest('form');
  const log = anyOf(selectors.messageLog);
  const outside = (el: Element) => !form?.contains(el) && !el.closest(log);
  const ids = new Set<string>();
  for (const a of composer.root.querySelectorAll('a[href]')) {
    const id = outside(a) ? candidateIdOfLink(a, url) : undefined;
    if (id) ids.add(id);
  }
  const pageLevel = !isShadowRoot(composer.root.getRootNode()) && !composer.root.closest(anyOf(selectors.overlay));
  const fromUrl = pageLevel ? (candidateIdFrom(url) ?? conversationCandidateIdFrom(url)) : undefined;
  const id = ids.size === 1 ? [...ids][0] : ids.size === 0 ? fromUrl : undefined;
  if (!id) return undefined;
  const heading = [...composer.root.querySelectorAll(anyOf(selectors.heading))].find(outside);
  const name = heading ? visibleText(heading) : '';
  const { key, profileUrl } = candidate(id);
  return { key, ...(name ? { name } : {}), profileUrl };
}

export const talentio: SiteAdapter = {
  id: 'talentio',
  name: 'talent.io',
  examples: {
    matching: [
      ...talentioPages.app.examples,
      ...talentioPages.profile.examples,
      ...talentioPages.conversation.examples,
      ...talentioPages.messages.examples,
    ],
  },
  matches: (url) => talentioPages.app.test(url),
  findComposers,
  composerFor,
  recipientFor,
  profile: talentioProfile,
};
