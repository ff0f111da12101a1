import { setupContextMenu } from '../lib/background/context-menu';
import { setupMessageRouter } from '../lib/background/router';
import { setupSiteScripts } from '../lib/background/site-scripts';
import { setupBackgroundSync } from '../lib/background/sync';

export default defineBackground(() => {
  setupMessageRouter();
  setupBackgroundSync();
  setupSiteScripts();
  setupContextMenu();
});
