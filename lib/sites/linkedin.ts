import { anyOf } from './dom';
import { composerFor, findComposers, recipientForComposer, selectors } from './linkedin-composers';
import { linkedinProfile, linkedinResultCards } from './linkedin-profiles';
import { linkedinFlavour, linkedinPages } from './linkedin-urls';
import type { SiteAdapter } from './types';

// LinkedIn and LinkedIn Recruiter: message composers and their recipient (linkedin-composers.ts), candidate
// profiles and search results (linkedin-profiles.ts), and the URL shapes both read (linkedin-urls.ts).

export { canonicalPath, canonicalProfileUrl, linkedinFlavour, linkedinPages, refFromPath, type LinkedInFlavour, type LinkedInRef } from './linkedin-urls';
export { composerFor, findComposers, recipientForComposer, selectors } from './linkedin-composers';
export { linkedinProfile, linkedinResultCards, profileSelectors } from './linkedin-profiles';

export const linkedin: SiteAdapter = {
  id: 'linkedin',
  name: 'LinkedIn',
  examples: {
    matching: [
      ...linkedinPages.app.examples,
      ...linkedinPages.thread.examples,
      ...linkedinPages.compose.examples,
      ...linkedinPages.recruiter.examples,
      ...linkedinPages.profile.examples,
      ...linkedinPages.recruiterProfile.examples,
      ...linkedinPages.search.examples,
      ...linkedinPages.recruiterSearch.examples,
    ],
  },
  matches: (url) => linkedinPages.app.test(url),
  findComposers,
  composerFor,
  recipientFor: (composer, url) => recipientForComposer(composer, url, linkedinFlavour),
  shadowHosts: anyOf(selectors.interopHost),
  profile: linkedinProfile,
  resultCards: linkedinResultCards,
};
