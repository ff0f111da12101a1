import { setupMessageRouter } from '../lib/background/router';
import { setupBackgroundSync } from '../lib/background/sync';

export default defineBackground(() => {
  setupMessageRouter();
  setupBackgroundSync();
});
