import { runFeatures } from '../lib/features/run';
import { gmail } from '../lib/sites/gmail';

/**
 * Gmail: compose windows, pop-outs and inline replies. `matches` is empty on purpose: access to Gmail is an
 * optional host permission, and the background registers this script (for `GMAIL_MATCHES`) only once the
 * user has granted it.
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  cssInjectionMode: 'manual',
  runAt: 'document_idle',
  main: (ctx) => runFeatures(ctx, gmail),
});
