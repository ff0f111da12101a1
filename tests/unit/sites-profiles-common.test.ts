// @vitest-environment happy-dom
// What the profile readers share: pages that are not profiles, the sites' URL predicates, and the
// name, headline and contact rules (lib/sites/people).
import { beforeEach, describe, expect, it } from 'vitest';
import { adapterFor, adapters, demo, linkedin, talentio } from '../../lib/sites/index';
import { linkedinPages } from '../../lib/sites/linkedin';
import { contactsIn, splitName, titleAndCompany } from '../../lib/sites/people';
import { candidateIdFrom, talentioPages } from '../../lib/sites/talentio';
import { clearDocument, fixture } from '../support/profile-fixtures';

beforeEach(clearDocument);

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
