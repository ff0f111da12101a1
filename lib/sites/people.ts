// Text rules shared by the profile readers of every site: names, "Title at Company" headlines, and the
// email addresses and phone numbers of a contact info block. Pure functions of strings and elements.

/** Collapses whitespace and trims the separators sites put between fields (`·`, `•`, `|`, `,`, dashes). */
export function cleanLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^[\s·•|,–—-]+|[\s·•|,–—-]+$/g, '')
    .trim();
}

const HONORIFIC = /^(?:dr|prof|mr|mrs|ms|mx|ing|dipl\.-ing)\.?\s+/i;

/**
 * First and last name from a display name: emoji, "(she/her)", credentials after a comma ("Jane Doe, PhD")
 * and leading honorifics are dropped; the first word is the first name, the rest the last name
 * ("Ludwig van Beethoven" → "Ludwig" + "van Beethoven"). Undefined when nothing like a name is left.
 */
export function splitName(display: string): { firstName: string; lastName: string } | undefined {
  let name = display
    .replace(/\p{Extended_Pictographic}|\u200d|\ufe0f/gu, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/,.*$/, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  while (HONORIFIC.test(name)) name = name.replace(HONORIFIC, '');
  if (!/\p{L}/u.test(name) || name.length > 120) return undefined;
  const [firstName = '', ...rest] = name.split(' ');
  return { firstName, lastName: rest.join(' ') };
}

/** "Staff Engineer at Acme | Kafka" → title and company, in the languages recruiters mostly meet. */
const TITLE_AT_COMPANY = /^(.+?)\s+(?:at|@|chez|bei|presso|bij)\s+(.+)$|^(.+?)\s@(\S.*)$/i;

export function titleAndCompany(headline: string): { title?: string; company?: string } {
  const match = TITLE_AT_COMPANY.exec(headline.replace(/\s+/g, ' ').trim());
  if (!match) return {};
  const before = match[1] ?? match[3] ?? '';
  const after = match[2] ?? match[4] ?? '';
  const title = cleanLine(before.split(/\s[|·•]\s/).pop() ?? '');
  const company = cleanLine(after.split(/\s[|·•–—-]\s|,\s|\s\/\s/)[0] ?? '');
  return { ...(title ? { title } : {}), ...(company ? { company } : {}) };
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[\p{L}]{2,}$/u;
const PHONE = /^(?:\+|\(|\d)[\d\s().\/-]*\d$/;
const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const SKIP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'BUTTON', 'SVG', 'NOSCRIPT']);

export function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

export function isPhone(text: string): boolean {
  if (!PHONE.test(text) || DATE_LIKE.test(text)) return false;
  const digits = text.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

function emailFromHref(href: string): string | undefined {
  let address: string;
  try {
    address = decodeURIComponent(href.replace(/^mailto:/i, '').split('?')[0] ?? '');
  } catch {
    return undefined;
  }
  address = address.trim();
  return isEmail(address) ? address : undefined;
}

/**
 * Email addresses and phone numbers shown in `scopes`: `mailto:`/`tel:` links and text that is wholly an
 * address or a number (LinkedIn shows phones as plain text). Duplicates (same address ignoring case, same
 * digits) are dropped; order is page order.
 */
export function contactsIn(scopes: readonly Element[]): { emails: string[]; phones: string[] } {
  const emails = new Map<string, string>();
  const phones = new Map<string, string>();
  const addEmail = (email: string) => {
    if (!emails.has(email.toLowerCase())) emails.set(email.toLowerCase(), email);
  };
  const addPhone = (phone: string) => {
    const digits = phone.replace(/\D/g, '');
    if (!phones.has(digits)) phones.set(digits, phone.replace(/\s+/g, ' ').trim());
  };
  const walk = (node: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) {
        const text = (child.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (isEmail(text)) addEmail(text);
        else if (isPhone(text)) addPhone(text);
        continue;
      }
      if (child.nodeType !== 1) continue;
      const el = child as Element;
      if (SKIP.has(el.tagName.toUpperCase()) || el.hasAttribute('hidden')) continue;
      const href = el.tagName === 'A' ? (el.getAttribute('href') ?? '') : '';
      if (/^mailto:/i.test(href)) {
        const email = emailFromHref(href);
        if (email) addEmail(email);
      } else if (/^tel:/i.test(href)) {
        const text = (el.textContent ?? '').trim();
        const number = href.slice(4).trim();
        if (isPhone(text)) addPhone(text);
        else if (isPhone(number)) addPhone(number);
        continue;
      } else if (href) {
        continue; // a website or a profile link, whatever its text looks like
      }
      walk(el);
    }
  };
  for (const scope of scopes) walk(scope);
  return { emails: [...emails.values()], phones: [...phones.values()] };
}

/** Characters a recipient key keeps as they are (the backend's key format); the rest are percent-encoded. */
const KEY_CHAR = /[\p{L}\p{N}_.~@+=-]/u;
const percentEncoded = (ch: string) => [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/**
 * The recipient key of a person known by their e-mail address, the same on every site: a candidate
 * written to from Gmail, from Outlook or from the context menu keeps one link.
 */
export function emailKey(address: string): string {
  return `email:${[...address.trim().toLowerCase()].map((ch) => (KEY_CHAR.test(ch) ? ch : percentEncoded(ch))).join('')}`;
}

/** Someone a mail is addressed to. */
export interface MailPerson {
  address: string;
  name?: string;
}

/** Personal mail domains: sharing one with the signed-in account says nothing about being a colleague. */
const PUBLIC_DOMAIN = /^(?:(?:outlook|hotmail|live|msn|windowslive|yahoo|ymail|gmail|googlemail|icloud|me|mac|aol|gmx|web|proton|protonmail)\.[a-z.]{2,8}|pm\.me)$/i;
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** Whether `address` is on the account's organisation domain, one of its subdomains or its parent. */
export function isColleague(address: string, me: string): boolean {
  const mine = domainOf(me);
  const theirs = domainOf(address);
  return !PUBLIC_DOMAIN.test(mine) && (theirs === mine || theirs.endsWith(`.${mine}`) || mine.endsWith(`.${theirs}`));
}

/**
 * The people a mail goes to, the likely candidate first: everyone outside the signed-in account's
 * domain before colleagues, the account itself never. Without a known account, as listed.
 */
export function rankMailRecipients<P extends MailPerson>(people: P[], me: string | undefined): P[] {
  if (!me) return people;
  const others = people.filter((p) => p.address !== me);
  const external = others.filter((p) => !isColleague(p.address, me));
  return [...external, ...others.filter((p) => !external.includes(p))];
}

/** A mail person as a recipient, keyed by address like on every mail site. */
export const mailRecipient = (p: MailPerson): { key: string; name?: string } => ({ key: emailKey(p.address), ...(p.name ? { name: p.name } : {}) });
