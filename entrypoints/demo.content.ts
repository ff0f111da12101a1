import { runFeatures } from '../lib/features/run';
import { demo } from '../lib/sites/demo';

/** Parley's own demo page, served by a local backend, to try Parley without a LinkedIn account. */
export default defineContentScript({
  matches: ['http://localhost/demo/*', 'http://127.0.0.1/demo/*'],
  cssInjectionMode: 'manual',
  runAt: 'document_idle',
  main: (ctx) => runFeatures(ctx, demo),
});
