import { openShadowRootsIn } from '../dom/observe-elements';
import { anyOf, childOfHolding, closestAny, isShadowRoot, isTextarea, isWritable, queryAny, visibleText } from './dom';
import { isPerson, linkedinFlavour, memberIdsFromParams, refsIn, sameRef, type LinkedInFlavour, type LinkedInRef } from './linkedin-urls';
import type { Composer, Recipient } from './types';

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
} as const satisfies Record<string, readonly string[]>;

const EDITOR = anyOf(selectors.editor);

// ---------------------------------------------------------------------------------------------
// Composers.

/** The form a composer lives in: a real <form>, or the messaging form container of the old shell. */
function formOf(editor: Element): HTMLElement | null {
  return closestAny(editor, selectors.form) as HTMLElement | null;
}

/** The one editor of a form: a rich text box before any textarea (InMail may have both kinds). */
function primaryEditor(form: Element): HTMLElement | undefined {
  const editors = [...form.querySelectorAll<HTMLElement>(EDITOR)].filter(isWritable);
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
  for (const el of scope.querySelectorAll(EDITOR)) if (isWritable(el)) count++;
  return count;
}

/** The conversation container: the nearest ancestor that also holds the conversation's title bar. */
function conversationRootFor(form: HTMLElement): HTMLElement {
  const dialog = form.closest<HTMLElement>('[role="dialog"]');
  if (dialog && editorCount(dialog) <= 1) return dialog;
  const title = anyOf(selectors.title);
  for (let el = form.parentElement; el; el = el.parentElement) {
    if (editorCount(el) > 1) break;
    if ([...el.querySelectorAll(title)].some((h) => !form.contains(h))) return el;
    if (closestAny(el, selectors.landmark) === el) break;
  }
  const known = closestAny(form, selectors.conversationRoot) as HTMLElement | null;
  return known && editorCount(known) <= 1 ? known : form;
}

export function composerFor(editor: HTMLElement): Composer | undefined {
  if (!editor.matches(EDITOR) || !isWritable(editor)) return undefined;
  const form = formOf(editor);
  if (!form || primaryEditor(form) !== editor) return undefined;
  if (!queryAny(form, selectors.send)) return undefined;
  if (closestAny(form, selectors.notMessaging)) return undefined;
  if (!isMessagingContext(form)) return undefined;
  return { editor, root: conversationRootFor(form), mountAfter: childOfHolding(editor, form) }; // the editor's own box: it outlives re-renders of the footer toolbar
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

/** The conversation's title bar: its <header>, or the part of the root holding its first heading. */
function titleBar(composer: Composer, form: Element | null): Element | undefined {
  for (const el of composer.root.querySelectorAll(anyOf(selectors.title))) {
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
  const headings = anyOf(selectors.heading);
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
  const search = [...composer.root.querySelectorAll(anyOf(selectors.recipientSearch))].find((el) => !form?.contains(el));
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

/**
 * Whether the person answered: a visible conversation with them (overlay bubble, thread, InMail) holding a
 * message they sent gives true; one holding only others' messages gives false; none gives undefined.
 */
export function repliedIn(doc: Document, key: string, ref: LinkedInRef, pageUrl: URL): boolean | undefined {
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
