// @vitest-environment happy-dom
// LinkedIn member profiles read from fixtures: the classic layout, the contact info overlay, and the
// newer layout with hashed classes and messaging in a shadow root.
import { beforeEach, describe, expect, it } from 'vitest';
import { linkedin } from '../../lib/sites/index';
import type { CandidateProfile } from '../../lib/sites/types';
import { $, clearDocument, expectNothingFrom, fixture, profileOf, stripClasses } from '../support/profile-fixtures';

/** What LinkedIn's newer shell does after load: attach the outlet's open shadow root and render into it. */
function attachInteropOutlet(): ShadowRoot {
  const shadow = $('#interop-outlet').attachShadow({ mode: 'open' });
  shadow.append($<HTMLTemplateElement>('#interop-outlet-content').content.cloneNode(true));
  return shadow;
}

beforeEach(clearDocument);

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
