// @vitest-environment happy-dom
// talent.io read from fixtures: candidate profiles over the pipeline, and the messaging page's composer
// and recipient.
import { beforeEach, describe, expect, it } from 'vitest';
import { talentio } from '../../lib/sites/index';
import type { CandidateProfile, Composer } from '../../lib/sites/types';
import { $, clearDocument, expectNothingFrom, fixture, profileOf, stripClasses } from '../support/profile-fixtures';

beforeEach(clearDocument);

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
