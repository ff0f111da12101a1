import { defineConfig } from 'wxt';

/**
 * Injected UI is written with React's API but runs on preact/compat: react-dom alone is ~200 kB
 * minified, over the 200 KiB budget of a whole site bundle. The options page and the popup keep React.
 */
const PREACT_FOR_REACT = {
  'react-dom/client': 'preact/compat/client',
  'react-dom': 'preact/compat',
  'react/jsx-runtime': 'preact/jsx-runtime',
  'react/jsx-dev-runtime': 'preact/jsx-dev-runtime',
  react: 'preact/compat',
};

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  hooks: {
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((e) => e.type === 'content-script')) return;
      const alias = Object.entries(PREACT_FOR_REACT).map(([find, replacement]) => ({ find: new RegExp(`^${find}$`), replacement }));
      const existing = config.resolve?.alias;
      config.resolve = { ...config.resolve, alias: [...(Array.isArray(existing) ? existing : Object.entries(existing ?? {}).map(([find, replacement]) => ({ find, replacement: String(replacement) }))), ...alias] };
    },
  },
  manifest: {
    name: 'Parley',
    description: 'Share your availability, add video links and export candidates without leaving the page.',
    permissions: ['storage', 'clipboardWrite', 'identity', 'alarms'],
    browser_specific_settings: { gecko: { id: 'parley@parley.localhost', strict_min_version: '115.0' } },
  },
});
