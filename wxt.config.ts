import { defineConfig } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  manifest: {
    name: 'Parley',
    description: 'Share your availability, add video links and export candidates without leaving the page.',
    permissions: ['storage', 'clipboardWrite', 'identity', 'alarms'],
    browser_specific_settings: { gecko: { id: 'parley@parley.localhost', strict_min_version: '115.0' } },
  },
});
