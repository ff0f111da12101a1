import { browser, type Browser } from 'wxt/browser';

/**
 * "Parley: share availability" and "Parley: add video link" on any editable field of any site. A
 * click grants Parley the tab through `activeTab` (no host permission needed); the small dialog is
 * injected into the frame that was clicked and asks who the link is for.
 */
export const MENU_ITEMS = { 'parley-share': 'share', 'parley-video': 'video' } as const;
export type AnywhereAction = (typeof MENU_ITEMS)[keyof typeof MENU_ITEMS];

function createMenus() {
  void browser.contextMenus.removeAll().then(() => {
    browser.contextMenus.create({ id: 'parley-share', title: 'Parley: share availability', contexts: ['editable'] });
    browser.contextMenus.create({ id: 'parley-video', title: 'Parley: add video link', contexts: ['editable'] });
  });
}

export async function openAnywhere(info: Browser.contextMenus.OnClickData, tab: Browser.tabs.Tab | undefined): Promise<void> {
  const action = MENU_ITEMS[info.menuItemId as keyof typeof MENU_ITEMS];
  if (!action || tab?.id === undefined) return;
  const target = { tabId: tab.id, frameIds: [info.frameId ?? 0] };
  try {
    // What to open travels in the content scripts' own world, next to the script that reads it.
    await browser.scripting.executeScript({ target, func: (a: string) => { (globalThis as { __parleyAnywhere?: unknown }).__parleyAnywhere = a; }, args: [action] });
    await browser.scripting.executeScript({ target, files: ['/content-scripts/anywhere.js'] });
  } catch (err) {
    // Pages the browser keeps to itself (the web store, settings, PDF viewer) refuse any script.
    console.warn('[parley] cannot open the dialog on this page', err);
  }
}

export function setupContextMenu(): void {
  browser.runtime.onInstalled.addListener(createMenus);
  // What a menu click does, reachable from the service worker's console (and the e2e suite, which
  // cannot click the browser's native menu).
  (globalThis as { parleyOpenAnywhere?: typeof openAnywhere }).parleyOpenAnywhere = openAnywhere;
  browser.contextMenus.onClicked.addListener((info, tab) => void openAnywhere(info, tab));
}
