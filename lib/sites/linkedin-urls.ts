import { page } from './types';

// Where LinkedIn's pages are, and what a link or a page URL points at (a member, a Recruiter profile, a
// conversation), read the same way by the composer, profile and search-result code.

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
// References.

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

export const sameRef = (a: LinkedInRef, b: LinkedInRef): boolean => a.kind === b.kind && a.id === b.id;

export const isPerson = (ref: LinkedInRef): boolean => ref.kind !== 'thread';

/** Everything the links in `scope` point at, each once. */
export function refsIn(scope: Element, flavour: LinkedInFlavour, pageUrl: URL): LinkedInRef[] {
  const refs = new Map<string, LinkedInRef>();
  for (const a of scope.querySelectorAll('a[href]')) {
    const ref = flavour.ref(a.getAttribute('href') ?? '', pageUrl);
    if (ref) refs.set(`${ref.kind}:${ref.id}`, ref);
  }
  return [...refs.values()];
}
