/**
 * Sites Parley works on only once the recruiter turns them on (Settings → Sites): their host
 * permission is optional and asked for then, and their content script is registered at runtime.
 * Kept free of adapter code so that the background and the options page can import it.
 */
export interface OptionalSite {
  id: 'gmail' | 'outlook';
  name: string;
  /** Match patterns: the optional host permissions and where the content script runs. */
  matches: string[];
  /** The built content script (entrypoints/<id>.content.ts). */
  js: string;
}

export const OPTIONAL_SITES: readonly OptionalSite[] = [
  { id: 'gmail', name: 'Gmail', matches: ['https://mail.google.com/*'], js: 'content-scripts/gmail.js' },
  {
    id: 'outlook',
    name: 'Outlook on the web',
    matches: ['https://outlook.office.com/*', 'https://outlook.office365.com/*', 'https://outlook.live.com/*'],
    js: 'content-scripts/outlook.js',
  },
];

export const OPTIONAL_HOSTS = OPTIONAL_SITES.flatMap((s) => s.matches);
