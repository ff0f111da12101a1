import { demo } from './demo';
import { gmail } from './gmail';
import { linkedin } from './linkedin';
import { outlook } from './outlook';
import { talentio } from './talentio';
import type { SiteAdapter } from './types';

export type { CandidateProfile, Composer, PagePredicate, ProfileAnchor, Recipient, ResultCard, SiteAdapter } from './types';
export { demo, gmail, linkedin, talentio };

export const adapters: SiteAdapter[] = [linkedin, talentio, outlook, gmail, demo];

/** The adapter for a page, or undefined when Parley does not know the site. */
export function adapterFor(url: URL): SiteAdapter | undefined {
  return adapters.find((adapter) => adapter.matches(url));
}
