import { browser } from 'wxt/browser';
import { OPTIONAL_SITES, type OptionalSite } from '../sites/optional';

/** Whether the recruiter has given Parley access to every address of `site`. */
export async function siteEnabled(site: OptionalSite): Promise<boolean> {
  return browser.permissions.contains({ origins: site.matches });
}

/**
 * Makes the registered content scripts match the granted permissions: a site's script runs on its
 * pages while its access is granted, and not at all otherwise. Safe to call any number of times.
 */
export async function syncSiteScripts(): Promise<void> {
  const registered = new Set((await browser.scripting.getRegisteredContentScripts()).map((s) => s.id));
  for (const site of OPTIONAL_SITES) {
    const enabled = await siteEnabled(site);
    if (enabled && !registered.has(site.id)) {
      await browser.scripting.registerContentScripts([{ id: site.id, js: [site.js], matches: site.matches, runAt: 'document_idle', persistAcrossSessions: true }]);
    } else if (!enabled && registered.has(site.id)) {
      await browser.scripting.unregisterContentScripts({ ids: [site.id] });
    }
  }
}

/** Keeps the scripts in step with access granted or taken back (in Settings or in the browser's own UI). */
export function setupSiteScripts(): void {
  const sync = () => void syncSiteScripts().catch((err: unknown) => console.error('[parley] site scripts', err));
  browser.runtime.onInstalled.addListener(sync);
  browser.runtime.onStartup.addListener(sync);
  browser.permissions.onAdded.addListener(sync);
  browser.permissions.onRemoved.addListener(sync);
  sync();
}
