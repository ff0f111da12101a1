import { setupMessageRouter } from '../lib/background/router';

export default defineBackground(() => {
  setupMessageRouter();
});
