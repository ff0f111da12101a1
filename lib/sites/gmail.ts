import { anyOf } from './dom';
import { emailKey, isEmail, mailRecipient, rankMailRecipients, type MailPerson } from './people';
import { OPTIONAL_SITES } from './optional';
import { page, type Composer, type Recipient, type SiteAdapter } from './types';

// Gmail (mail.google.com). Every label is localized ("Message Body", "Cuerpo del mensaje",
// "Nachrichtentext") and class names are short obfuscated codes, so composers are found by shape: a
// message body (an editable textbox Gmail marks `g_editable`) beside the compose's form, which holds the
// subject and the recipient fields under stable `name`s. New mail and drafts open in `role="dialog"`
// windows (several at once); replies open inline below a thread's read-only messages, which are never
// editable; a popped-out compose (`?view=cm`) fills its own window.
//
// Access to Gmail is an optional host permission; the content script is registered at runtime once the
// user grants it (see entrypoints/gmail.content.ts).

export const GMAIL_MATCHES = OPTIONAL_SITES.find((s) => s.id === 'gmail')!.matches;

const EDITABLE = '[contenteditable="true"][role="textbox"]';

/** Named selectors, each list in order of preference. Class names carry the month they were seen. */
export const selectors = {
  /** The message body. */
  editor: [
    `${EDITABLE}[g_editable="true"]`,
    EDITABLE,
    '.Am.Al.editable[contenteditable="true"]', // seen 2026-11
  ],
  /** A compose window: new mail and drafts, one dialog each. */
  composeWindow: [
    '[role="dialog"]',
    '.nH.Hd', // seen 2026-11
  ],
  /** What makes a container a compose (the vacation responder and the signature editor have none). */
  composeField: [
    'input[name="subjectbox"]',
    '[name="to"]',
    '[name="cc"]',
    'form.bAs', // seen 2026-11
  ],
  /**
   * One recipient: a chip with the address as an attribute. Classic chips keep a hidden input named after
   * their field (`to`, `cc`, `bcc`) beside the address.
   */
  chip: [
    '[email]',
    '[data-hovercard-id*="@"]',
  ],
  /** The To field before its text became chips, or its hidden inputs when chips are not rendered. */
  toField: ['[name="to"]'],
  /** Chips inside these are not in To. */
  otherField: [
    '[name="cc"]',
    '[name="bcc"]',
  ],
  /** The signed-in account: the account button's label says "Google Account: Name (address)". */
  account: [
    'a[href^="https://accounts.google.com/SignOutOptions"][aria-label]',
    '[role="banner"] a[aria-label*="@"]',
    'header a[aria-label*="@"]',
    '.gb_A[aria-label]', // seen 2026-11
  ],
  /** The address a compose sends from (its From field). */
  from: ['input[name="from"]'],
  /** A thread's read-only messages and their senders, for a reply that shows no chips yet. */
  threadMessage: ['[role="listitem"]', '[data-message-id]'],
  sender: [
    '[email][name]',
    '.gD[email]', // seen 2026-11
  ],
  /** Stop climbing for the compose at these. */
  landmark: ['[role="main"]', '[role="dialog"]', 'body'],
} as const satisfies Record<string, readonly string[]>;

const EDITOR = anyOf(selectors.editor);
const COMPOSE_FIELD = anyOf(selectors.composeField);

const isApp = (url: URL) => url.protocol === 'https:' && url.hostname === 'mail.google.com' && /^\/mail(?:\/|$)/.test(url.pathname);

/** URL shapes, with the URLs they must accept beside them. */
export const gmailPages = {
  /** Any mail view: compose windows open over all of them, replies inline in threads. */
  mail: page(
    [
      'https://mail.google.com/mail/u/0/#inbox',
      'https://mail.google.com/mail/u/1/#inbox/FMfcgzQXJWDsKmBvTjZrLcHnNqWxPpVl',
      'https://mail.google.com/mail/u/0/#inbox?compose=CllgCJTHWTxZrnKqHwQrDKPdLNfFhvXtGgqBfKLCxzLz',
      'https://mail.google.com/mail/u/0/#label/Recruiting%2FBackend',
      'https://mail.google.com/mail/',
    ],
    isApp,
  ),
  /** A compose in its own window: popped out (Shift+click), or a mailto: handled by Gmail. */
  popout: page(
    [
      'https://mail.google.com/mail/u/0/?ui=2&view=cm&fs=1&tf=1',
      'https://mail.google.com/mail/?view=cm&fs=1&to=camille.dufresne@proton.example&su=Interview',
    ],
    (url) => isApp(url) && url.searchParams.get('view') === 'cm',
  ),
};

// ---------------------------------------------------------------------------------------------
// Composers.

function isUsableEditor(el: Element): boolean {
  return el.getAttribute('contenteditable') === 'true' && el.getAttribute('aria-readonly') !== 'true';
}

function editorsIn(scope: Element): HTMLElement[] {
  return [...scope.querySelectorAll<HTMLElement>(EDITOR)].filter(isUsableEditor);
}

const isLandmark = (el: Element) => el.matches(anyOf(selectors.landmark));

/**
 * The compose around a body: its dialog when it is the dialog's only body, else (inline reply, pop-out)
 * the nearest container that also holds the compose's fields. Never a container with a second body.
 */
function composeRootFor(editor: HTMLElement): HTMLElement | undefined {
  const dialog = editor.closest<HTMLElement>(anyOf(selectors.composeWindow));
  if (dialog && editorsIn(dialog).length === 1 && dialog.querySelector(COMPOSE_FIELD)) return dialog;
  for (let el = editor.parentElement; el; el = el.parentElement) {
    if (editorsIn(el).length > 1) return undefined;
    if (el.querySelector(COMPOSE_FIELD)) return el;
    if (isLandmark(el)) return undefined;
  }
  return undefined;
}

/** The body's own container: the largest ancestor below the root that holds nothing but the body. */
function mountAfterFor(editor: HTMLElement, root: HTMLElement): HTMLElement {
  let el = editor;
  while (el.parentElement && el.parentElement !== root && el.parentElement.childElementCount === 1) el = el.parentElement;
  return el;
}

export function composerFor(editor: HTMLElement): Composer | undefined {
  if (!editor.matches(EDITOR) || !isUsableEditor(editor)) return undefined;
  const root = composeRootFor(editor);
  return root ? { editor, root, mountAfter: mountAfterFor(editor, root) } : undefined;
}

/**
 * Composers in `root`, in `root` itself and around it: fields or a toolbar rendered into a compose after
 * its body lead back to that body. Only compose windows and forms are climbed from, to keep it cheap.
 */
export function findComposers(root: ParentNode): Composer[] {
  const found = new Map<HTMLElement, Composer>();
  const consider = (el: HTMLElement) => {
    if (found.has(el)) return;
    const composer = composerFor(el);
    if (composer) found.set(el, composer);
  };
  if (root.nodeType === 1) {
    const el = root as HTMLElement;
    if (el.matches(EDITOR)) consider(el);
    const form = el.closest('form');
    const around = el.closest<HTMLElement>(anyOf(selectors.composeWindow)) ?? (form?.querySelector(COMPOSE_FIELD) ? form : null);
    for (let up = around; up; up = isLandmark(up) ? null : up.parentElement) {
      const bodies = editorsIn(up);
      bodies.forEach(consider);
      if (bodies.length > 0) break;
    }
  }
  for (const el of root.querySelectorAll<HTMLElement>(EDITOR)) consider(el);
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
// Recipients.

/** "Camille Dufresne <camille@proton.example>", "camille@proton.example", "Rita (rita@acme.example)". */
const ADDRESS = /[^\s<>()",;:]+@[^\s<>()",;:]+\.[\p{L}]{2,}/u;

export type Address = MailPerson;

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

function address(text: string | null | undefined): string | undefined {
  const found = text ? ADDRESS.exec(text)?.[0] : undefined;
  return found && isEmail(found) ? found.toLowerCase() : undefined;
}

/** The first of `names` that is a name (not an address), cut to what a recipient's name may hold. */
function person(addr: string, ...names: (string | null | undefined)[]): Address {
  const name = names.map(clean).find((n) => n && !n.includes('@'))?.slice(0, 200);
  return { address: addr, ...(name ? { name } : {}) };
}

/** The people a hidden field lists: "Camille Dufresne <camille@proton.example>, kai@acme.example". */
function peopleInValue(value: string): Address[] {
  const people: Address[] = [];
  for (const part of value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const addr = address(part);
    if (addr) people.push(person(addr, part.replace(/<[^>]*>/, '').replace(/"/g, '')));
  }
  return people;
}

function addressOfChip(chip: Element): Address | undefined {
  const addr = address(chip.getAttribute('email')) ?? address(chip.getAttribute('data-hovercard-id'));
  return addr ? person(addr, chip.getAttribute('name'), chip.getAttribute('data-name'), chip.textContent) : undefined;
}

/** The field a chip is in (`to`, `cc`, `bcc`): the name of the hidden input it carries, or of the field around it. */
function fieldOf(chip: Element): string | undefined {
  const own = [...(chip.parentElement?.children ?? [])].find((el) => el.matches('input[type="hidden"][name]'));
  return (own ?? chip.closest(anyOf(selectors.otherField)))?.getAttribute('name')?.toLowerCase();
}

/** Everyone in the compose's To field, in order, once each: its chips, else what its hidden field holds. */
export function toRecipients(composer: Composer): Address[] {
  const { root, editor } = composer;
  const chipSelector = anyOf(selectors.chip);
  const people = new Map<string, Address>();
  const add = (p: Address | undefined) => {
    if (p && !people.has(p.address)) people.set(p.address, p);
  };
  for (const chip of root.querySelectorAll(chipSelector)) {
    if (editor.contains(chip) || chip.parentElement?.closest(chipSelector)) continue;
    const field = fieldOf(chip);
    if (field === undefined || field === 'to') add(addressOfChip(chip));
  }
  if (people.size > 0) return [...people.values()];
  for (const field of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(anyOf(selectors.toField))) {
    if (!editor.contains(field)) peopleInValue(field.value).forEach(add);
  }
  return [...people.values()];
}

/** The signed-in account's address, from the account button's label; in a pop-out, the From field. */
export function accountAddress(doc: Document, composer?: Composer): string | undefined {
  for (const el of doc.querySelectorAll(anyOf(selectors.account))) {
    const found = address(el.getAttribute('aria-label'));
    if (found) return found;
  }
  const from = composer?.root.querySelector<HTMLInputElement>(anyOf(selectors.from));
  return address(from?.value);
}

/** Who wrote the thread's messages, latest last: what an inline reply goes to when it shows no chips. */
function threadSenders(composer: Composer): Address[] {
  const thread = composer.root.closest('[role="main"]');
  if (!thread || composer.root.closest(anyOf(selectors.composeWindow))) return [];
  const senders: Address[] = [];
  for (const message of thread.querySelectorAll(anyOf(selectors.threadMessage))) {
    if (message.contains(composer.root) || composer.root.contains(message)) continue;
    const chip = message.querySelector(anyOf(selectors.sender));
    const sender = chip && addressOfChip(chip);
    if (sender) senders.push(sender);
  }
  return senders;
}

/** Gmail's people are keyed by address, like every mail site's (see emailKey). */
export const gmailKey = emailKey;

/** Addresses a compose window was opened with (`?view=cm&to=a@x.example,b@y.example`). */
function addressesFromUrl(url: URL): Address[] {
  if (!gmailPages.popout.test(url)) return [];
  return peopleInValue(url.searchParams.get('to') ?? '');
}

/**
 * The people to choose from, the likely candidate first: recipients outside the signed-in account's
 * domain before colleagues, the account itself never. Without chips: a pop-out's `to`, or for an inline
 * reply the latest other sender of the thread.
 */
function rankedRecipients(composer: Composer, url: URL): Address[] {
  const me = accountAddress(composer.root.ownerDocument, composer);
  let people = toRecipients(composer);
  if (people.length === 0 && !composer.root.closest(anyOf(selectors.composeWindow))) people = addressesFromUrl(url);
  if (people.length === 0) {
    const latest = threadSenders(composer).reverse().find((p) => p.address !== me);
    if (latest) people = [latest];
  }
  return rankMailRecipients(people, me);
}

export function recipientFor(composer: Composer, url: URL): Recipient | undefined {
  const [first] = rankedRecipients(composer, url);
  return first && mailRecipient(first);
}

export function recipientChoices(composer: Composer, url: URL): Recipient[] {
  return rankedRecipients(composer, url).map(mailRecipient);
}

export const gmail: SiteAdapter = {
  id: 'gmail',
  name: 'Gmail',
  examples: { matching: [...gmailPages.mail.examples, ...gmailPages.popout.examples] },
  matches: (url) => gmailPages.mail.test(url),
  findComposers,
  composerFor,
  recipientFor,
  recipientChoices,
};
