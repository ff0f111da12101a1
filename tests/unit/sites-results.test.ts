// @vitest-environment happy-dom
// Search result cards read from fixtures: LinkedIn people search and Recruiter search, each card with
// its profile key, name and mount point.
import { beforeEach, describe, expect, it } from 'vitest';
import { linkedin } from '../../lib/sites/index';
import { $, clearDocument, fixture } from '../support/profile-fixtures';

beforeEach(clearDocument);

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
