import { openShadowRootsIn } from '../dom/observe-elements';
import { anyOf, isShadowRoot, visibleText } from './dom';
import { cleanLine, emailKey, isEmail, mailRecipient, rankMailRecipients, type MailPerson } from './people';
import { OPTIONAL_SITES } from './optional';
import { page, type Composer, type Recipient, type SiteAdapter } from './types';

// Outlook on the web (work accounts on outlook.office.com / outlook.office365.com, personal ones on
// outlook.live.com). Its class names are hashed per build, so composers are found by ARIA: the body is
// an editable textbox labelled "Message body" (in the user's language), the recipients are "persona" chips
// inside the To well (another editable textbox), and the compose is not a <form>. Read-only message
// bodies in the reading pane are `role="document"` and never editable, so they get no control.
//
// Access to Outlook is an optional host permission; the content script is registered at runtime once the
// user grants it (see entrypoints/outlook.content.ts).

export const OUTLOOK_MATCHES = OPTIONAL_SITES.find((s) => s.id === 'outlook')!.matches;

const HOSTS = new Set(OUTLOOK_MATCHES.map((pattern) => new URL(pattern.replace('*', '')).hostname));
const EDITABLE = '[contenteditable="true"][role="textbox"]';

/** Named selectors, each list in order of preference. */
export const selectors = {
  /** The message body, by its label in the languages recruiters mostly use, then by shape. */
  body: [
    `${EDITABLE}[aria-label^="Message body" i]`,
    `${EDITABLE}[aria-label^="Cuerpo del mensaje" i]`,
    `${EDITABLE}[aria-label^="Nachrichtentext" i]`,
    `${EDITABLE}[aria-label^="Corps du message" i]`,
    `${EDITABLE}[aria-label^="Corpo del messaggio" i]`,
    `${EDITABLE}[aria-label^="Corpo da mensagem" i]`,
    `${EDITABLE}[aria-label^="Berichttekst" i]`,
    // Any other language: the body is the one multi-line editable textbox (the wells are single-line).
    `${EDITABLE}[aria-multiline="true"]`,
    `${EDITABLE}[textprediction]`, // Outlook's own attribute on the body, seen 2026-11
  ],
  /** The To well: an editable textbox holding the recipients' persona chips. */
  toWell: [
    `${EDITABLE}[aria-label="To" i]`,
    `${EDITABLE}[aria-label="Para" i]`,
    `${EDITABLE}[aria-label="An" i]`,
    `${EDITABLE}[aria-label="À" i]`,
    `${EDITABLE}[aria-label="A" i]`,
    `${EDITABLE}[aria-label="Aan" i]`,
    '[role="combobox"][aria-label="To" i]',
  ],
  /** Cc and Bcc wells: never the To well, even when the To well's label is unknown. */
  otherWell: [
    '[aria-label="Cc" i]',
    '[aria-label="Bcc" i]',
    '[aria-label="CCO" i]', // es
    '[aria-label="BCC" i]',
    '[aria-label="Cci" i]', // fr
    '[aria-label="Ccn" i]', // it
  ],
  /** One person in a well: Outlook's persona chips; the address is in their title or aria-label. */
  chip: [
    '[data-lpc-hover-target-id]', // the live persona card's hook, seen 2026-11
    '[contenteditable="false"][title]',
    '[contenteditable="false"][aria-label]',
    '[role="button"][title]',
    '[role="button"][aria-label]',
  ],
  /** The compose's Send button. */
  send: [
    'button[aria-label="Send" i]',
    'button[aria-label="Enviar" i]',
    'button[aria-label="Senden" i]',
    'button[aria-label="Envoyer" i]',
    'button[aria-label="Invia" i]',
    'button[aria-label="Verzenden" i]',
    'button[title^="Send (" i]',
  ],
  /**
   * Where the signed-in account shows its address: the account manager panel once rendered, or the
   * account manager button's tooltip (`title`) or label.
   */
  account: [
    '#mectrl_currentAccount_secondary', // Microsoft 365 account manager ids, seen 2026-11
    '#O365_MainLink_Me',
    '#meInitialsButton',
    '#mectrl_main_trigger',
    'button[aria-label^="Account manager" i]',
  ],
  /** Stop climbing for the compose at these: a compose never spans them. */
  landmark: ['[role="main"]', 'main', '[role="complementary"]', '[role="dialog"]', 'body'],
} as const satisfies Record<string, readonly string[]>;

const BODY = anyOf(selectors.body);
const SEND = anyOf(selectors.send);

const isApp = (url: URL) =>
  url.protocol === 'https:' && HOSTS.has(url.hostname) && /^\/mail(?:\/|$)/.test(url.pathname);

/** URL shapes, with the URLs they must accept beside them. */
export const outlookPages = {
  /** Mail, whichever folder or message is open: new mail and replies open in the reading pane. */
  mail: page(
    [
      'https://outlook.office.com/mail/',
      'https://outlook.office.com/mail/inbox/id/AAQkADA3ZmM2YjU0LTk0ZWYtNDNmNi1hMzQ4LTU0ZmE0YjJjOTRhZQAQAGz%2B9wJb5lZLgTw7iNn2ud8%3D',
      'https://outlook.office365.com/mail/sentitems',
      'https://outlook.live.com/mail/0/inbox',
    ],
    isApp,
  ),
  /** A compose on its own page: a deep link, or a draft popped out into its own window. */
  compose: page(
    [
      'https://outlook.office.com/mail/deeplink/compose',
      'https://outlook.office.com/mail/0/deeplink/compose?to=camille.dufresne%40proton.example&subject=Interview',
      'https://outlook.office.com/mail/deeplink/compose/AAQkADA3ZmM2YjU0LTk0ZWYtNDNmNi1hMzQ4?popoutv2=1',
      'https://outlook.live.com/mail/0/deeplink/compose?popoutv2=1&version=20261103001.08',
    ],
    (url) => isApp(url) && (/\/deeplink\/compose(?:\/|$)/.test(url.pathname) || url.searchParams.get('popoutv2') === '1'),
  ),
};

// ---------------------------------------------------------------------------------------------
// Composers.

/** Bodies labelled as such: what they hold (quoted mail, cards, buttons) never makes them a well. */
const LABELLED_BODY = anyOf(selectors.body.filter((s) => s.includes('aria-label')));

/** A recipient well: labelled as one, or an unlabelled editable textbox holding persona chips. */
function isWell(el: Element): boolean {
  if (el.matches(LABELLED_BODY)) return false;
  return el.matches(anyOf(selectors.toWell)) || el.matches(anyOf(selectors.otherWell)) || el.querySelector(anyOf(selectors.chip)) !== null;
}

function isUsableBody(el: Element): boolean {
  return el.getAttribute('contenteditable') === 'true' && el.getAttribute('aria-readonly') !== 'true' && !isWell(el);
}

function wellsIn(scope: Element, body: Element): HTMLElement[] {
  return [...scope.querySelectorAll<HTMLElement>(`${EDITABLE}, [role="combobox"]`)].filter(
    (el) => el !== body && !body.contains(el) && !el.contains(body) && isWell(el),
  );
}

function bodiesIn(scope: Element): number {
  return [...scope.querySelectorAll(BODY)].filter(isUsableBody).length;
}

/**
 * The compose around a body: the nearest container that also holds a recipient well (new mail, reply,
 * forward) or, failing that, the Send button. It never holds a second body, nor crosses a landmark.
 */
function composeRootFor(body: HTMLElement): HTMLElement | undefined {
  let withSend: HTMLElement | undefined;
  for (let el = body.parentElement; el; el = el.parentElement) {
    if (bodiesIn(el) > 1) break;
    if (wellsIn(el, body).length > 0) return el;
    if (!withSend && el.querySelector(SEND)) withSend = el;
    if (el.matches(anyOf(selectors.landmark))) break;
  }
  return withSend;
}

/** The body's own container: the largest ancestor below the root that holds neither wells nor Send. */
function mountAfterFor(body: HTMLElement, root: HTMLElement): HTMLElement {
  let el = body;
  while (el.parentElement && el.parentElement !== root) {
    const parent = el.parentElement;
    if (parent.querySelector(SEND) || wellsIn(parent, body).length > 0) break;
    el = parent;
  }
  return el;
}

export function composerFor(editor: HTMLElement): Composer | undefined {
  if (!editor.matches(BODY) || !isUsableBody(editor)) return undefined;
  const root = composeRootFor(editor);
  return root ? { editor, root, mountAfter: mountAfterFor(editor, root) } : undefined;
}

/** Composers in `root`, `root` itself, around `root` (a re-rendered toolbar) and in open shadow roots below it. */
export function findComposers(root: ParentNode): Composer[] {
  const found = new Map<HTMLElement, Composer>();
  const consider = (el: HTMLElement) => {
    if (found.has(el)) return;
    const composer = composerFor(el);
    if (composer) found.set(el, composer);
  };
  if (root.nodeType === 1) {
    const el = root as HTMLElement;
    if (el.matches(BODY)) consider(el);
    // A toolbar (it holds Send) or a well re-rendered inside a compose leads back to its body. Other
    // mutations (typing in a body, the message list, the reading pane) are not climbed from, to keep the
    // observer cheap.
    const inCompose = !el.closest(BODY) && (el.matches(SEND) || el.querySelector(SEND) !== null || el.closest(EDITABLE) !== null);
    for (let up = inCompose ? el.parentElement : null; up && !up.matches(anyOf(selectors.landmark)); up = up.parentElement) {
      const bodies = [...up.querySelectorAll<HTMLElement>(BODY)].filter(isUsableBody);
      if (bodies.length > 1) break;
      if (bodies[0]) {
        consider(bodies[0]);
        break;
      }
    }
  }
  for (const scope of [root, ...openShadowRootsIn(root)]) {
    for (const el of scope.querySelectorAll<HTMLElement>(BODY)) consider(el);
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
// Recipients.

/** "Camille Dufresne <camille@proton.example>", "camille@proton.example", "Camille (camille@…)". */
const ADDRESS = /[^\s<>()",;:]+@[^\s<>()",;:]+\.[\p{L}]{2,}/u;

export type Address = MailPerson;

/** The address and display name a chip's title, label or text gives. */
function addressOf(chip: Element): Address | undefined {
  const texts = [chip.getAttribute('title'), chip.getAttribute('aria-label'), visibleText(chip)];
  for (const text of texts) {
    const address = text ? ADDRESS.exec(text)?.[0] : undefined;
    if (!address || !isEmail(address)) continue;
    const beside = cleanLine((text ?? '').replace(address, '').replace(/[<>()]/g, ' ').replace(/;$/, ''));
    const shown = cleanLine(visibleText(chip).replace(/;$/, ''));
    const name = [beside, shown].find((candidate) => candidate && !candidate.includes('@'));
    return { address: address.toLowerCase(), ...(name ? { name } : {}) };
  }
  return undefined;
}

/** The To well of a compose: by its label, else the first well that is not labelled Cc or Bcc. */
function toWellOf(composer: Composer): HTMLElement | undefined {
  const wells = wellsIn(composer.root, composer.editor);
  return (
    wells.find((el) => el.matches(anyOf(selectors.toWell))) ??
    wells.find((el) => !el.matches(anyOf(selectors.otherWell)) && !el.closest(anyOf(selectors.otherWell)))
  );
}

/** Everyone in the To well, in order, once each. */
export function toRecipients(composer: Composer): Address[] {
  const well = toWellOf(composer);
  if (!well) return [];
  const people = new Map<string, Address>();
  const read: Element[] = []; // chips that gave an address: the elements inside them are the same person
  for (const chip of well.querySelectorAll(anyOf(selectors.chip))) {
    if (read.some((outer) => outer.contains(chip))) continue;
    const person = addressOf(chip);
    if (!person) continue;
    read.push(chip);
    if (!people.has(person.address)) people.set(person.address, person);
  }
  return [...people.values()];
}

/** The signed-in account's address, from the account manager (button tooltip or open panel). */
export function accountAddress(doc: Document): string | undefined {
  for (const selector of selectors.account) {
    for (const el of doc.querySelectorAll(selector)) {
      for (const text of [el.textContent, el.getAttribute('title'), el.getAttribute('aria-label')]) {
        const address = text ? ADDRESS.exec(text)?.[0] : undefined;
        if (address && isEmail(address)) return address.toLowerCase();
      }
    }
  }
  return undefined;
}

/** Outlook's people are keyed by address, like every mail site's (see emailKey). */
export const outlookKey = emailKey;

/** Addresses a compose deep link was opened with (`?to=a@x.example;b@y.example`). */
function addressesFromUrl(url: URL): Address[] {
  if (!outlookPages.compose.test(url)) return [];
  return (url.searchParams.get('to') ?? '')
    .split(/[;,]/)
    .map((part) => part.trim().toLowerCase())
    .filter(isEmail)
    .map((address) => ({ address }));
}

/**
 * The people to choose from, the likely candidate first: recipients outside the signed-in account's
 * domain before colleagues, the account itself never. Without chips, a compose deep link's `to`.
 */
function rankedRecipients(composer: Composer, url: URL): Address[] {
  let people = toRecipients(composer);
  const isPageLevel = !composer.root.closest('[role="dialog"]') && !isShadowRoot(composer.root.getRootNode());
  if (people.length === 0 && isPageLevel) people = addressesFromUrl(url);
  const me = accountAddress(composer.root.ownerDocument);
  return rankMailRecipients(people, me);
}

export function recipientFor(composer: Composer, url: URL): Recipient | undefined {
  const [first] = rankedRecipients(composer, url);
  return first && mailRecipient(first);
}

export function recipientChoices(composer: Composer, url: URL): Recipient[] {
  return rankedRecipients(composer, url).map(mailRecipient);
}

export const outlook: SiteAdapter = {
  id: 'outlook',
  name: 'Outlook',
  examples: { matching: [...outlookPages.mail.examples, ...outlookPages.compose.examples] },
  matches: (url) => outlookPages.mail.test(url),
  findComposers,
  composerFor,
  recipientFor,
  recipientChoices,
};
