import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What Chromium writes to a profile when the user accepts an extension's optional-permission prompt
 * for `origins`. Call it with the browser closed.
 *
 * Headless Chromium gives a test no way to answer that prompt: `permissions.request` (from an extension
 * page, with a real click as the user gesture) never settles; `--apps-gallery-install-auto-confirm-for-tests`
 * does not apply to it; chrome://extensions' `developerPrivate.addHostPermission` reports success but grants
 * nothing for an optional host; and `scripting.registerContentScripts` without the permission succeeds, yet
 * Chromium never injects the script. What does work is what Chromium itself does when the user accepts: it
 * records the origin in the extension's granted and active permissions in the profile's Preferences. The
 * permission is then granted and still optional, as in production.
 */
export function recordGrant(profile: string, extensionId: string, origins: string[]): void {
  const file = path.join(profile, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(file, 'utf8')) as { extensions: { settings: Record<string, Record<string, { explicit_host?: string[] }>> } };
  const settings = prefs.extensions.settings[extensionId];
  if (!settings) throw new Error('the extension has no settings in the profile yet');
  for (const key of ['granted_permissions', 'active_permissions', 'runtime_granted_permissions']) {
    const set = (settings[key] ??= {});
    set.explicit_host = [...new Set([...(set.explicit_host ?? []), ...origins])];
  }
  writeFileSync(file, JSON.stringify(prefs));
}
