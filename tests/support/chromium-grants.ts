import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What Chromium writes to a profile when the user accepts an extension's optional-permission prompt
 * for `origins` (headless Chromium cannot answer the prompt itself). Call it with the browser closed.
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
