// @vitest-environment happy-dom
// LinkedIn Recruiter profiles read from fixtures: header, position, contact block and project, also
// behind an open InMail panel.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { linkedin } from '../../lib/sites/index';
import type { CandidateProfile } from '../../lib/sites/types';
import { clearDocument, expectNothingFrom, fixture, load, profileOf, ROOT } from '../support/profile-fixtures';

beforeEach(clearDocument);

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
