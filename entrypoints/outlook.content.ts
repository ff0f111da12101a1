import { runFeatures } from '../lib/features/run';
import { outlook } from '../lib/sites/outlook';

/**
 * Outlook on the web. `matches` is empty on purpose: access to Outlook is an optional host permission,
 * and the background registers this script (for `OUTLOOK_MATCHES`) only once the user has granted it.
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  cssInjectionMode: 'manual',
  runAt: 'document_idle',
  main: (ctx) => runFeatures(ctx, outlook),
});
