// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { adapterFor, adapters, demo, linkedin, talentio } from '../../lib/sites/index';
import { linkedinPages } from '../../lib/sites/linkedin';
import { contactsIn, splitName, titleAndCompany } from '../../lib/sites/people';
import { candidateIdFrom, talentioPages } from '../../lib/sites/talentio';
import type { CandidateProfile, Composer, ProfileAnchor } from '../../lib/sites/types';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'profiles');

/** Loads a fixture into the test document, without its scripts (the tests drive the DOM themselves). */
function load(path: string): void {
  const parsed = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  document.head.replaceChildren(...parsed.head.childNodes);
  document.body.replaceChildren(...parsed.body.childNodes);
}
const fixture = (name: string) => load(join(FIXTURES, name));

const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document) => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`fixture has no ${selector}`);
  return el;
};

function profileOf(adapter: typeof linkedin, url: string): ProfileAnchor {
  const anchor = adapter.profile?.(document, new URL(url));
  if (!anchor) throw new Error(`no profile on ${url}`);
  return anchor;
}

/** Side cards are on the page (so the check can fail) and nothing of theirs is in the profile. */
function expectNothingFrom(profile: CandidateProfile, others: readonly string[]): void {
  const page = `${document.documentElement.textContent ?? ''} ${[...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).join(' ')}`;
  const read = JSON.stringify(profile);
  expect(others.length).toBeGreaterThan(0);
  for (const other of others) {
    expect(page, `fixture shows ${other}`).toContain(other);
    expect(read, `profile must not contain ${other}`).not.toContain(other);
  }
}

function stripClasses(): void {
  for (const el of document.querySelectorAll('[class]')) el.removeAttribute('class');
}

/** What LinkedIn's newer shell does after load: attach the outlet's open shadow root and render into it. */
function attachInteropOutlet(): ShadowRoot {
  const shadow = $('#interop-outlet').attachShadow({ mode: 'open' });
  shadow.append($<HTMLTemplateElement>('#interop-outlet-content').content.cloneNode(true));
  return shadow;
}

beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('linkedin profile: classic layout', () => {
  const url = 'https://www.linkedin.com/in/Sigrun-Haldorsen-Mbeki-5a1c3f/';
  const expected: CandidateProfile = {
    site: 'linkedin',
    profileUrl: 'https://www.linkedin.com/in/sigrun-haldorsen-mbeki-5a1c3f/',
    profileKey: 'linkedin:in:sigrun-haldorsen-mbeki-5a1c3f',
    firstName: 'Sigrun',
    lastName: 'Haldorsen-Mbeki',
    headline: 'Staff Data Engineer at Havbris Energi',
    title: 'Staff Data Engineer',
    company: 'Havbris Energi',
    location: 'Bergen, Vestland, Norway',
    emails: [],
    phones: [],
  };
  beforeEach(() => fixture('linkedin-profile-classic.html'));

  it('reads the top card, and only the top card', () => {
    const { profile } = profileOf(linkedin, url);
    expect(profile).toStrictEqual(expected);
    expectNothingFrom(profile, [
      'Noor Haddad', // the signed-in member's "Me" menu
      'Jonas Eklund', // mutual connections in the top card, and a messaging bubble
      'Priya Raman',
      'Ragnhild Osei-Varga', // People also viewed, inside main
      'Fjellvind Kraft',
      'Henrik Aasland', // More profiles for you
      'Mei-Lin Okonkwo',
      'Tobias Grünfeld',
      'Lumora Grid',
      'Fatima Zahra Idrissi', // People you may know
      'fatima.idrissi@example.net',
      'Lukas Brennerová',
      'Kvalitet Recruiting', // the ad
      'sigrun.talks@example.org', // an address in the About section is not contact info
      'University of Bergen', // the school beside the company
    ]);
  });

  it('mounts after the name link, outside every other link and button', () => {
    const { mountAfter } = profileOf(linkedin, url);
    expect(mountAfter.tagName).toBe('A');
    expect(mountAfter.querySelector('h1')?.textContent).toBe('Sigrun Haldorsen-Mbeki');
    expect(mountAfter.parentElement?.closest('a, button, aside')).toBeNull();
    expect(mountAfter.closest('main')).not.toBeNull();
  });

  it('does not depend on class names', () => {
    stripClasses();
    expect(profileOf(linkedin, url).profile).toStrictEqual(expected);
  });

  it('gives nothing while the page still shows the previous member', () => {
    expect(linkedin.profile?.(document, new URL('https://www.linkedin.com/in/henrik-aasland-7d2/'))).toBeUndefined();
  });
});

describe('linkedin profile: contact info overlay', () => {
  const url = 'https://www.linkedin.com/in/oluwaseun-brandt/overlay/contact-info/';
  beforeEach(() => fixture('linkedin-contact-info.html'));

  it('adds the email and phone of the overlay, nothing else from it', () => {
    const { profile } = profileOf(linkedin, url);
    expect(profile).toStrictEqual({
      site: 'linkedin',
      profileUrl: 'https://www.linkedin.com/in/oluwaseun-brandt/',
      profileKey: 'linkedin:in:oluwaseun-brandt',
      firstName: 'Oluwaseun',
      lastName: 'Brandt',
      headline: 'Engineering Manager – Payments | Building calm, fast teams',
      company: 'Halvard Pay',
      location: 'Manchester, England, United Kingdom',
      emails: ['oluwaseun.brandt@example.com'],
      phones: ['+44 7700 900123'],
    } satisfies CandidateProfile);
    expectNothingFrom(profile, [
      'Chidi Okafor-Hale',
      '+44 7700 900456',
      'Ruth Abernathy-Singh',
      'ruth.as@example.com',
      'Declan Moriarty',
      'Kestrel Ledger',
      'brandt.example.dev',
      'March 3',
      'University of Leeds',
    ]);
  });

  it('takes the contact details of this member only', () => {
    const link = $<HTMLAnchorElement>('.pv-contact-info__contact-link[href*="/in/"]');
    link.href = 'https://www.linkedin.com/in/declan-moriarty-eng';
    $('#pv-contact-info').removeAttribute('id');
    const { profile } = profileOf(linkedin, url);
    expect(profile.emails).toEqual([]);
    expect(profile.phones).toEqual([]);
  });
});

describe('linkedin profile: newer layout (German, hashed classes, shadow-root messaging)', () => {
  const url = 'https://www.linkedin.com/in/Annika-Oberhuber-2c7d19/';
  const expected: CandidateProfile = {
    site: 'linkedin',
    profileUrl: 'https://www.linkedin.com/in/annika-oberhuber-2c7d19/',
    profileKey: 'linkedin:in:annika-oberhuber-2c7d19',
    firstName: 'Annika',
    lastName: 'Oberhuber',
    headline: 'Senior Product Designerin bei Kessler & Voss | Design Systems',
    title: 'Senior Product Designerin',
    company: 'Kessler & Voss',
    location: 'München, Bayern, Deutschland',
    emails: [],
    phones: [],
  };
  const sidePeople = [
    'Noor Haddad',
    'Jonas Weber',
    'Lea Vogelsang',
    'Katharina Lindqvist-Demir',
    'Alpenfinanz',
    'Felix Amankwah',
    'Sophie Rautenberg',
    'Maximilian Ostrowski',
    'Designpilot Recruiting',
    'Brandl Studio',
    'Technische Universität München',
    'annika.design@example.de',
  ];
  beforeEach(() => fixture('linkedin-profile-sdui.html'));

  it('reads the h2 of the first section, with no reply known before the messaging overlay renders', () => {
    const anchor = profileOf(linkedin, url);
    expect(anchor.profile).toStrictEqual(expected);
    expectNothingFrom(anchor.profile, sidePeople);
    expect(anchor.mountAfter.tagName).toBe('A');
    expect(anchor.mountAfter.querySelector('h2')?.textContent).toBe('Annika Oberhuber');
  });

  it('sees her reply in the conversation inside the open shadow root', () => {
    const shadow = attachInteropOutlet();
    expect(profileOf(linkedin, url).profile).toStrictEqual({ ...expected, replied: true });
    $('[data-testid="annika-reply"]', shadow).remove();
    expect(profileOf(linkedin, url).profile).toStrictEqual({ ...expected, replied: false });
  });

  it('does not depend on class names', () => {
    stripClasses();
    expect(profileOf(linkedin, url).profile).toStrictEqual(expected);
  });

  it('skips the side rail when a narrow window renders it first inside main', () => {
    const main = $('main');
    main.prepend($('aside'));
    expect(main.firstElementChild?.tagName).toBe('ASIDE');
    expect(profileOf(linkedin, url).profile).toStrictEqual(expected);
  });
});

describe('linkedin recruiter profile', () => {
  const url = 'https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp?project=1234567&trk=PROJECT_PIPELINE';
  const expected: CandidateProfile = {
    site: 'linkedin-recruiter',
    profileUrl: 'https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp',
    profileKey: 'linkedin:talent:AEMAABk7Qm2Rt9vWxYz3Lp',
    firstName: 'Ingrid',
    lastName: 'Solheim-Adeyemi',
    headline: 'Principal Backend Engineer at Fjordline Logistics · Distributed systems',
    title: 'Principal Backend Engineer',
    company: 'Fjordline Logistics',
    location: 'Oslo, Oslo, Norway',
    emails: ['ingrid.solheim@example.org', 'i.solheim-adeyemi@fjordline.example'],
    phones: ['+47 934 56 789', '+47 22 33 44 55'],
    context: { kind: 'project', id: '1234567', name: 'Senior Data Engineer – Bergen' },
  };
  beforeEach(() => fixture('recruiter-profile.html'));

  it('reads header, current position, contact block and project', () => {
    const anchor = profileOf(linkedin, url);
    expect(anchor.profile).toStrictEqual(expected);
    expectNothingFrom(anchor.profile, [
      'Noor Haddad',
      'Karin Høiby',
      'karin.hoiby@example.no',
      'Pål Eriksen-Obi',
      'Senior Backend Engineer',
      'Siddharth Rao-Nilsen',
      'Tidewater Systems',
      'ingrid.kafka@example.net', // linked in a note, not contact info
      '+47 400 11 222',
      'Pipeline',
      'Sourcing',
    ]);
    expect(anchor.mountAfter.tagName).toBe('H1');
  });

  it('reads the same profile opened from project search, and has no project outside one', () => {
    const fromSearch = 'https://www.linkedin.com/talent/hire/1234567/discover/recruiterSearch/profile/AEMAABk7Qm2Rt9vWxYz3Lp?searchContextId=5c1e';
    expect(profileOf(linkedin, fromSearch).profile).toStrictEqual(expected);
    const { context, ...withoutProject } = expected;
    expect(context).toBeDefined();
    expect(profileOf(linkedin, 'https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp').profile).toStrictEqual(withoutProject);
  });

  it('reads the profile behind an open InMail panel', () => {
    load(join(ROOT, 'tests', 'fixtures', 'linkedin', 'recruiter-inmail.html'));
    const inmail = 'https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK?project=1234567&trk=PROJECT_PIPELINE';
    expect(profileOf(linkedin, inmail).profile).toStrictEqual({
      site: 'linkedin-recruiter',
      profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK',
      profileKey: 'linkedin:talent:AEMAAAXyZ12bC3dEfGhIjK',
      firstName: 'Hannelore',
      lastName: 'Vikström-Achebe',
      headline: 'Staff Data Engineer at Nordlys Energi · Bergen, Norway',
      title: 'Staff Data Engineer',
      company: 'Nordlys Energi',
      emails: [],
      phones: [],
      context: { kind: 'project', id: '1234567' },
    } satisfies CandidateProfile);
  });
});

describe('talent.io profiles', () => {
  it('reads an accepted candidate from the profile overlay over the pipeline', () => {
    fixture('talentio-profile-accepted.html');
    const anchor = profileOf(talentio, 'https://app.talent.io/recruiter/positions/9182/pipeline?candidate=48213');
    const expected: CandidateProfile = {
      site: 'talentio',
      profileUrl: 'https://www.talent.io/recruiter/candidates/48213',
      profileKey: 'talentio:candidate:48213',
      firstName: 'Camille',
      lastName: 'Dufresne-Okoro',
      title: 'Lead Backend Engineer',
      company: 'Quantaflux',
      location: 'Lyon, France',
      emails: ['camille.dufresne-okoro@example.com'],
      phones: ['+33 6 12 34 56 78'],
      context: { kind: 'position', id: '9182', name: 'Senior Backend Engineer (Go)' },
      replied: true,
    };
    expect(anchor.profile).toStrictEqual(expected);
    expect(anchor.mountAfter).toBe($('#candidate-name'));
    expectNothingFrom(anchor.profile, [
      'Margaux Lefebvre',
      'Yasmin Haddou',
      'Piotr Zawadzki-Mensah',
      'Rémi Castellane-Obi',
      'Inès Barroso-Klein',
      'Mirador',
      'Kwame Asante-Dubois',
      'Grenoble',
      'Beltrane',
      'linkedin.com/in/camille-dufresne-okoro',
    ]);
    stripClasses();
    expect(profileOf(talentio, 'https://app.talent.io/recruiter/positions/9182/pipeline?candidate=48213').profile).toStrictEqual(expected);
    expect(profileOf(talentio, 'https://www.talent.io/recruiter/positions/9182/candidates/48213').profile).toStrictEqual(expected);
  });

  it('gives no email, no phone and replied: false while the contact request is pending', () => {
    fixture('talentio-profile-pending.html');
    const { profile } = profileOf(talentio, 'https://www.talent.io/recruiter/candidates/51077');
    expect(profile).toStrictEqual({
      site: 'talentio',
      profileUrl: 'https://www.talent.io/recruiter/candidates/51077',
      profileKey: 'talentio:candidate:51077',
      firstName: 'Théo',
      lastName: 'B.',
      title: 'Senior Data Scientist',
      location: 'Nantes, France',
      emails: [],
      phones: [],
      context: { kind: 'position', id: '9190', name: 'Data Scientist – Pricing' },
      replied: false,
    } satisfies CandidateProfile);
    expectNothingFrom(profile, [
      'Margaux Lefebvre',
      'Léa Fontaine-Mbaye',
      'lea.fm@example.fr',
      'Octalis',
      'Arjun Mehta-Laurent',
      '+33 6 98 76 54 32',
      'Maréa Assurances',
      '19/11/2026',
    ]);
  });

  it('does not guess whether contact was accepted when the page has no contact block', () => {
    fixture('talentio-profile-pending.html');
    $('[data-testid="candidate-contact"]').remove();
    const { profile } = profileOf(talentio, 'https://www.talent.io/recruiter/candidates/51077');
    expect(profile.emails).toEqual([]);
    expect('replied' in profile).toBe(false);
  });

  it('takes the position from the URL over the one the profile links', () => {
    fixture('talentio-profile-pending.html');
    const { profile } = profileOf(talentio, 'https://app.talent.io/recruiter/positions/9200/candidates/51077');
    expect(profile.context).toStrictEqual({ kind: 'position', id: '9200' });
  });
});

describe('talent.io messaging', () => {
  const url = new URL('https://app.talent.io/recruiter/messages/conv_7f3a2b9c');
  beforeEach(() => fixture('talentio-messaging.html'));

  it('finds the conversation composer and not the team-notes form', () => {
    const composers = talentio.findComposers(document);
    expect(composers).toHaveLength(1);
    const [composer] = composers as [Composer];
    expect(composer.editor).toBe($('.ProseMirror'));
    expect(composer.root).toBe($('section[aria-labelledby="conversation-title"]'));
    expect(composer.mountAfter).toBe($('.Composer_field__k1L2m'));
    expect(composer.mountAfter.closest('footer')).toBeNull();
    expect(talentio.composerFor(composer.editor)).toEqual(composer);
    expect(talentio.composerFor($('textarea[name="note"]'))).toBeUndefined();
    expect(talentio.findComposers($('footer')).map((c) => c.editor)).toEqual([composer.editor]);
  });

  it('names the candidate from the conversation header, with the talent.io key', () => {
    const [composer] = talentio.findComposers(document) as [Composer];
    expect(talentio.recipientFor(composer, url)).toStrictEqual({
      key: 'talentio:candidate:48213',
      name: 'Camille Dufresne-Okoro',
      profileUrl: 'https://www.talent.io/recruiter/candidates/48213',
    });
    stripClasses();
    const [again] = talentio.findComposers(document) as [Composer];
    expect(talentio.recipientFor(again, url)?.key).toBe('talentio:candidate:48213');
  });

  it('never takes a conversation id for a candidate id', () => {
    const header = $('header a[href="/recruiter/candidates/48213"]');
    header.replaceWith(...header.childNodes);
    const [composer] = talentio.findComposers(document) as [Composer];
    expect(talentio.recipientFor(composer, url)).toBeUndefined();
  });
});

describe('search result cards', () => {
  const searchUrl = new URL('https://www.linkedin.com/search/results/people/?keywords=data%20engineer&origin=SWITCH_SEARCH_VERTICAL');
  const searchKeys = [
    'linkedin:in:amara-nwosu-berg',
    'linkedin:in:lukas-feldmann-7b3e21',
    'linkedin:in:priyanka-sethi-olsen',
    'linkedin:in:mateus-carvalho-lindqvist-0a9',
    'linkedin:in:yuki-tanaka-hofmann',
    'linkedin:in:zainab-oyelaran-kraus-31',
    'linkedin:in:elias-mørck',
    'linkedin:in:chiara-benedetti-ansah',
    'linkedin:member:ACoAAC1x2y3z4A5b6C7d8E9f0GhIjKlMn',
    'linkedin:in:sofie-lambrecht-data',
  ];
  const searchNames = [
    'Amara Nwosu-Berg',
    'Lukas Feldmann',
    'Priyanka Sethi-Olsen',
    'Mateus Carvalho Lindqvist',
    'Yuki Tanaka-Hofmann',
    'Zainab Oyelaran-Kraus',
    'Elias Mørck',
    'Chiara Benedetti-Ansah',
    'Daniel Okoro-Vance',
    'Sofie Lambrecht',
  ];

  it('lists the ten LinkedIn search results in order, without the aside or mutual connections', () => {
    fixture('linkedin-search-results.html');
    const cards = linkedin.resultCards?.(document, searchUrl) ?? [];
    expect(cards.map((c) => c.profileKey)).toEqual(searchKeys);
    expect(cards.map((c) => c.name)).toEqual(searchNames);
    expect(cards.map((c) => c.card)).toEqual([...document.querySelectorAll('main li.reusable-search__result-container')].filter((li) => !li.matches('.premium-upsell')));
    expect(cards[1]?.profileUrl).toBe('https://www.linkedin.com/in/lukas-feldmann-7b3e21/');
    expect(cards[6]?.profileUrl).toBe('https://www.linkedin.com/in/elias-m%C3%B8rck/');
    expect(cards[8]?.profileUrl).toBe('https://www.linkedin.com/in/ACoAAC1x2y3z4A5b6C7d8E9f0GhIjKlMn/');
    for (const card of cards) {
      expect(card.mountAfter.tagName).toBe('A');
      expect(card.card.contains(card.mountAfter)).toBe(true);
      expect(card.mountAfter.closest('.entity-result__title-text')).not.toBeNull();
    }
    const all = JSON.stringify(cards.map(({ profileKey, profileUrl, name }) => ({ profileKey, profileUrl, name })));
    for (const other of ['henrik-aasland', 'Henrik Aasland', 'mei-lin-okonkwo', 'tobias-gruenfeld', 'jonas-eklund', 'Jonas Eklund', 'priya-raman', 'noor-haddad']) {
      expect(all).not.toContain(other);
    }
  });

  it('finds results rendered in an open shadow root, and the card around a node it is given', () => {
    fixture('linkedin-search-results.html');
    const list = $('ul.reusable-search__entity-result-list');
    const host = document.createElement('div');
    list.replaceWith(host);
    host.attachShadow({ mode: 'open' }).append(list);
    expect(linkedin.resultCards?.(document, searchUrl).map((c) => c.profileKey)).toEqual(searchKeys);
    const third = list.querySelectorAll('li.reusable-search__result-container')[2] as HTMLElement;
    expect(linkedin.resultCards?.(third, searchUrl).map((c) => c.profileKey)).toEqual([searchKeys[2]]);
    expect(linkedin.resultCards?.($('.entity-result__primary-subtitle', third), searchUrl).map((c) => c.card)).toEqual([third]);
  });

  it('skips the side rail when a narrow window renders it inside main, above the results', () => {
    fixture('linkedin-search-results.html');
    $('main').prepend($('aside'));
    expect(document.querySelectorAll('main aside li a[href*="/in/"]')).toHaveLength(3);
    expect(linkedin.resultCards?.(document, searchUrl).map((c) => c.profileKey)).toEqual(searchKeys);
  });

  it('lists Recruiter search results with Recruiter keys, without the right rail', () => {
    fixture('recruiter-search-results.html');
    const url = new URL('https://www.linkedin.com/talent/hire/1234567/discover/recruiterSearch?searchContextId=8f2c4d1a&start=0');
    const cards = linkedin.resultCards?.(document, url) ?? [];
    expect(cards.map(({ profileKey, profileUrl, name }) => ({ profileKey, profileUrl, name }))).toStrictEqual([
      { profileKey: 'linkedin:talent:AEMAABk7Qm2Rt9vWxYz3Lp', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp', name: 'Ingrid Solheim-Adeyemi' },
      { profileKey: 'linkedin:talent:AEMAAC2pLq8Ws3eRt6Yu1Io', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAC2pLq8Ws3eRt6Yu1Io', name: 'Rasmus Thorvaldsen' },
      { profileKey: 'linkedin:talent:AEMAAD9kJh4Gf7dSa2Zx5Cv', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAD9kJh4Gf7dSa2Zx5Cv', name: 'Nkechi Adebayo-Lund' },
      { profileKey: 'linkedin:talent:AEMAAE3bNm6Vc1xZq8Wp4Lo', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAE3bNm6Vc1xZq8Wp4Lo', name: 'Marek Szymański' },
      { profileKey: 'linkedin:talent:AEMAAF5tGy2Hu8jKi3Ol9Pm', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAF5tGy2Hu8jKi3Ol9Pm', name: 'Leonie Brandvold' },
      { profileKey: 'linkedin:talent:AEMAAG7rDe4Sw1qAz6Xc2Vb', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAG7rDe4Sw1qAz6Xc2Vb', name: 'Ahmed El-Masri Strand' },
    ]);
    for (const card of cards) expect(card.mountAfter.matches('a[data-test-link-to-profile-link]')).toBe(true);
    expect(linkedin.resultCards?.(document, new URL('https://www.linkedin.com/talent/search?searchContextId=8f2c4d1a'))).toHaveLength(6);
  });

  it('lists nothing on pages that are not search results', () => {
    fixture('linkedin-search-results.html');
    expect(document.querySelectorAll('main li a[href*="/in/"]').length).toBeGreaterThan(10);
    for (const url of ['https://www.linkedin.com/in/amara-nwosu-berg/', 'https://www.linkedin.com/mynetwork/', 'https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp']) {
      expect(linkedin.resultCards?.(document, new URL(url)), url).toEqual([]);
    }
  });
});

describe('pages that are not profiles', () => {
  it('give undefined', () => {
    fixture('linkedin-profile-classic.html');
    for (const url of [
      'https://www.linkedin.com/feed/',
      'https://www.linkedin.com/in/me/',
      'https://www.linkedin.com/in/sigrun-haldorsen-mbeki-5a1c3f/details/experience/',
      'https://www.linkedin.com/search/results/people/?keywords=sigrun',
      'https://www.linkedin.com/messaging/thread/2-YjQ0ZWQ1/',
      'https://www.linkedin.com/talent/inbox/0/main/id/2-NzQ1ZTFhZDMtOGM4Yy00ZDk1XzAxMg==',
    ]) {
      expect(linkedin.profile?.(document, new URL(url)), url).toBeUndefined();
    }
    fixture('linkedin-search-results.html');
    expect(linkedin.profile?.(document, new URL('https://www.linkedin.com/search/results/people/?keywords=data'))).toBeUndefined();
    fixture('talentio-messaging.html');
    expect(talentio.profile?.(document, new URL('https://app.talent.io/recruiter/messages/conv_7f3a2b9c'))).toBeUndefined();
    expect(talentio.profile?.(document, new URL('https://www.linkedin.com/in/sigrun-haldorsen-mbeki-5a1c3f/'))).toBeUndefined();
    expect(demo.profile).toBeUndefined();
  });

  it('give undefined when the page has not rendered a profile', () => {
    document.body.append(document.createElement('main'));
    expect(linkedin.profile?.(document, new URL('https://www.linkedin.com/in/sigrun-haldorsen-mbeki-5a1c3f/'))).toBeUndefined();
    expect(linkedin.profile?.(document, new URL('https://www.linkedin.com/talent/profile/AEMAABk7Qm2Rt9vWxYz3Lp'))).toBeUndefined();
    expect(talentio.profile?.(document, new URL('https://www.talent.io/recruiter/candidates/51077'))).toBeUndefined();
  });
});

describe('URL predicates (CONVENTIONS 3, 15)', () => {
  it('registers talent.io beside LinkedIn; every adapter owns exactly its examples', () => {
    expect(adapters).toContain(talentio);
    for (const adapter of adapters) {
      for (const example of adapter.examples.matching) expect(adapterFor(new URL(example)), example).toBe(adapter);
    }
    expect(adapters.filter((a) => a.id === 'talentio')).toHaveLength(1);
  });

  it('each talent.io page predicate accepts its examples; look-alikes and the public site are rejected', () => {
    for (const [name, predicate] of Object.entries(talentioPages)) {
      for (const example of predicate.examples) expect(predicate.test(new URL(example)), `${name}: ${example}`).toBe(true);
    }
    for (const example of talentioPages.messages.examples) expect(talentioPages.profile.test(new URL(example)), example).toBe(false);
    for (const url of [
      'https://www.talent.io/',
      'https://www.talent.io/p/en-fr/home',
      'https://www.talent.io/recruiters-pricing',
      'http://app.talent.io/recruiter/candidates/1',
      'https://app.talent.io.evil.example/recruiter/candidates/1',
      'https://evil-talent.io/recruiter/candidates/1',
    ]) {
      expect(adapterFor(new URL(url)), url).toBeUndefined();
    }
    expect(candidateIdFrom(new URL('https://app.talent.io/recruiter/positions/9182/candidates/48213'))).toBe('48213');
    expect(candidateIdFrom(new URL('https://app.talent.io/positions/9182/pipeline?candidate=48213'))).toBe('48213');
    expect(candidateIdFrom(new URL('https://www.talent.io/candidates/48213'))).toBeUndefined();
  });

  it('the LinkedIn profile and search predicates are disjoint', () => {
    const specific = [linkedinPages.profile, linkedinPages.recruiterProfile, linkedinPages.search, linkedinPages.recruiterSearch];
    for (const predicate of specific) {
      for (const other of specific.filter((p) => p !== predicate)) {
        for (const example of other.examples) expect(predicate.test(new URL(example)), example).toBe(false);
      }
    }
  });
});

describe('name, headline and contact rules', () => {
  it('splits display names', () => {
    expect(splitName('Jane Doe')).toStrictEqual({ firstName: 'Jane', lastName: 'Doe' });
    expect(splitName('Ludwig van Beethoven')).toStrictEqual({ firstName: 'Ludwig', lastName: 'van Beethoven' });
    expect(splitName('Dr. Amina Kovač-Obi, PhD 🚀')).toStrictEqual({ firstName: 'Amina', lastName: 'Kovač-Obi' });
    expect(splitName('Sam (they/them) Rivera')).toStrictEqual({ firstName: 'Sam', lastName: 'Rivera' });
    expect(splitName('Prince')).toStrictEqual({ firstName: 'Prince', lastName: '' });
    expect(splitName('  🚀 ')).toBeUndefined();
  });

  it('reads "Title at Company" headlines and leaves others alone', () => {
    expect(titleAndCompany('Staff Engineer at Acme | Kafka, Flink')).toStrictEqual({ title: 'Staff Engineer', company: 'Acme' });
    expect(titleAndCompany('Kafka | Staff Engineer @ Acme')).toStrictEqual({ title: 'Staff Engineer', company: 'Acme' });
    expect(titleAndCompany('Ingénieure data chez Météo Vive, Lyon')).toStrictEqual({ title: 'Ingénieure data', company: 'Météo Vive' });
    expect(titleAndCompany('Recruiter | jane@acme.example')).toStrictEqual({});
    expect(titleAndCompany('Building calm teams')).toStrictEqual({});
  });

  it('reads contact details, not dates, websites or profile links', () => {
    const block = document.createElement('div');
    for (const [tag, href, text] of [
      ['a', 'mailto:Jane.Doe@Example.com?subject=Hi', 'Jane.Doe@Example.com'],
      ['span', '', 'jane.doe@example.com'],
      ['a', 'tel:+4930123456', 'Call'],
      ['span', '', '+49 30 123456'],
      ['span', '', '2026-11-22'],
      ['span', '', '22.11.2026'],
      ['a', 'https://example.com/+49301234567', '+49 30 1234567'],
      ['button', '', '+49 170 0000000'],
    ] as const) {
      const el = document.createElement(tag);
      if (href) el.setAttribute('href', href);
      el.textContent = text;
      block.append(el);
    }
    expect(contactsIn([block])).toStrictEqual({ emails: ['Jane.Doe@Example.com'], phones: ['+4930123456'] });
  });
});
