import { features } from '../lib/features';
import { adapterFor } from '../lib/sites';

/** LinkedIn, talent.io and Parley's own demo page: runs every feature registered for the page's site. */
export default defineContentScript({
  matches: ['https://www.linkedin.com/*', 'https://www.talent.io/*', 'https://app.talent.io/*', 'http://localhost/demo/*', 'http://127.0.0.1/demo/*'],
  cssInjectionMode: 'ui',
  runAt: 'document_idle',
  main(ctx) {
    const adapter = adapterFor(new URL(location.href));
    if (!adapter) return;
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    for (const feature of features) {
      if (feature.sites.includes(adapter.id)) feature.run({ ctx, adapter, signal: controller.signal });
    }
  },
});
