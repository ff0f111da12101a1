import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { OPTIONAL_SITES, type OptionalSite } from '../lib/sites/optional';

/**
 * Settings → Sites: Parley asks for Gmail or Outlook access only when the recruiter turns that site on
 * (the browser shows its own prompt), and gives it back when they turn it off. LinkedIn and
 * talent.io need nothing; on any other site the context menu works without access.
 */
export function SiteAccess() {
  const [enabled, setEnabled] = useState<Record<string, boolean>>({});
  const [message, setMessage] = useState<{ site: string; text: string }>();

  async function refresh() {
    const entries = await Promise.all(OPTIONAL_SITES.map(async (s) => [s.id, await browser.permissions.contains({ origins: s.matches })] as const));
    setEnabled(Object.fromEntries(entries));
  }
  useEffect(() => {
    void refresh();
    const listener = () => void refresh();
    browser.permissions.onAdded.addListener(listener);
    browser.permissions.onRemoved.addListener(listener);
    return () => {
      browser.permissions.onAdded.removeListener(listener);
      browser.permissions.onRemoved.removeListener(listener);
    };
  }, []);

  async function toggle(site: OptionalSite, on: boolean) {
    setMessage(undefined);
    try {
      // Must run straight from the click: browsers only show the prompt for a user gesture.
      const done = on ? await browser.permissions.request({ origins: site.matches }) : await browser.permissions.remove({ origins: site.matches });
      if (on && !done) setMessage({ site: site.id, text: `Parley was not given access to ${site.name}, so it stays off there. You can still use the right-click menu in any text box.` });
    } catch (err) {
      setMessage({ site: site.id, text: `Your browser did not let Parley change its access to ${site.name}: ${err instanceof Error ? err.message : String(err)}` });
    }
    await refresh();
  }

  return (
    <section aria-labelledby="sites-heading">
      <h2 id="sites-heading">Sites</h2>
      <p className="muted">Parley always works on LinkedIn and talent.io. Turn on the mail sites you write to candidates from; your browser asks you to allow it. In any other text box, right-click → <em>Parley: share availability</em>.</p>
      {OPTIONAL_SITES.map((site) => (
        <div key={site.id}>
          <label className="check">
            <input type="checkbox" checked={enabled[site.id] ?? false} onChange={(e) => void toggle(site, e.currentTarget.checked)} />
            {site.name} <span className="muted">({site.matches.map((m) => new URL(m.replace('*', '')).host).join(', ')})</span>
          </label>
          {message?.site === site.id && <p className="error" role="alert">{message.text}</p>}
        </div>
      ))}
    </section>
  );
}
