import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { SiteAdapter } from '../sites/types';
import { features } from './index';

/**
 * What every site's content script does: run the features registered for its adapter while the
 * page is one the adapter knows. Single-page apps change pages without a load (Outlook's Calendar →
 * Mail, Gmail's settings → inbox): when the URL starts or stops matching, the features are started
 * or stopped. Everything stops when the extension is updated or removed (WXT invalidates `ctx`).
 */
export function runFeatures(ctx: ContentScriptContext, adapter: SiteAdapter): void {
  let running: AbortController | undefined;
  const update = (url: URL) => {
    const wanted = adapter.matches(url);
    if (wanted && !running) {
      const { signal } = (running = new AbortController());
      // Each feature starts in a task of its own, so that a busy page (a 100-thread inbox) never sees
      // one long task made of every feature's first scan and render.
      for (const feature of features) {
        if (!feature.sites.includes(adapter.id)) continue;
        setTimeout(() => {
          if (!signal.aborted) feature.run({ ctx, adapter, signal });
        }, 0);
      }
    } else if (!wanted && running) {
      running.abort();
      running = undefined;
    }
  };
  ctx.onInvalidated(() => running?.abort());
  ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => update(newUrl));
  update(new URL(location.href));
}
