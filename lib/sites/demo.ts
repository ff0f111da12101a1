import { composerFor, findComposers, recipientForComposer, refFromPath, canonicalPath, type LinkedInFlavour } from './linkedin';
import { page, type SiteAdapter } from './types';

// Parley's public demo page imitates LinkedIn messaging, so it reuses LinkedIn's composer logic. Its
// people live under the demo's own origin (`/demo/in/<slug>/`) and get `demo:` keys, so nothing done on
// the demo is ever attributed to a real LinkedIn member.

const DEMO_PREFIX = '/demo';

export const demoPages = {
  demo: page(
    [
      'http://localhost:8787/demo/messaging',
      'http://127.0.0.1:3000/demo/messaging',
      'http://localhost:5173/demo/messaging/thread/2-demo-amara/',
    ],
    (url) =>
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      (url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
      (url.pathname === DEMO_PREFIX || url.pathname.startsWith(`${DEMO_PREFIX}/`)),
  ),
};

export const demoFlavour: LinkedInFlavour = {
  keyPrefix: 'demo',
  ref(href, pageUrl) {
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      return undefined;
    }
    if (url.origin !== pageUrl.origin || !url.pathname.startsWith(`${DEMO_PREFIX}/`)) return undefined;
    return refFromPath(url.pathname.slice(DEMO_PREFIX.length));
  },
  profileUrl(ref, pageUrl) {
    const path = canonicalPath(ref);
    return path && `${pageUrl.origin}${DEMO_PREFIX}${path}`;
  },
};

export const demo: SiteAdapter = {
  id: 'demo',
  name: 'Parley demo',
  examples: { matching: [...demoPages.demo.examples] },
  matches: (url) => demoPages.demo.test(url),
  findComposers,
  composerFor,
  recipientFor: (composer, url) => recipientForComposer(composer, url, demoFlavour),
};
