import { browser } from 'wxt/browser';
import { route } from './router';

const ALARM = 'parley-sync';

/**
 * Background sync, as LinkedIn RSC does it (not real time): every 15 minutes, and when the browser
 * starts, the ATS cache is refreshed so badges and profile panels show what the backend knows.
 */
export function setupBackgroundSync() {
  const self = { id: browser.runtime.id, url: browser.runtime.getURL('/background.js') };
  const sync = () => void route({ type: 'ats.sync', payload: {} }, self).catch(() => undefined);
  void browser.alarms.create(ALARM, { periodInMinutes: 15, delayInMinutes: 1 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) sync();
  });
  browser.runtime.onStartup.addListener(sync);
}
