import { runFeatures } from '../lib/features/run';
import { linkedin } from '../lib/sites/linkedin';

/** LinkedIn (messaging, overlay bubbles, Recruiter InMail, profiles, search): only LinkedIn's adapter is bundled here. */
export default defineContentScript({
  matches: ['https://www.linkedin.com/*'],
  cssInjectionMode: 'manual',
  runAt: 'document_idle',
  main: (ctx) => runFeatures(ctx, linkedin),
});
