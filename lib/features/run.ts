import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { SiteAdapter } from '../sites/types';
import { features } from './index';

/**
 * What every site's content script does: run the features registered for its adapter, all stopped
 * by one signal when the extension is updated or removed (WXT invalidates `ctx`).
 */
export function runFeatures(ctx: ContentScriptContext, adapter: SiteAdapter): void {
  if (!adapter.matches(new URL(location.href))) return;
  const controller = new AbortController();
  ctx.onInvalidated(() => controller.abort());
  for (const feature of features) {
    if (feature.sites.includes(adapter.id)) feature.run({ ctx, adapter, signal: controller.signal });
  }
}
