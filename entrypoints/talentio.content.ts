import { runFeatures } from '../lib/features/run';
import { talentio } from '../lib/sites/talentio';

/** talent.io: candidate profiles and company messaging. */
export default defineContentScript({
  matches: ['https://www.talent.io/*', 'https://app.talent.io/*'],
  cssInjectionMode: 'manual',
  runAt: 'document_idle',
  main: (ctx) => runFeatures(ctx, talentio),
});
