import { defineConfig } from 'wxt';
import { OPTIONAL_HOSTS } from './lib/sites/optional';

// Firefox: 128 ESR and later. optional_host_permissions (Gmail, Outlook) needs Firefox 128 (web-ext
// lint says so for anything lower), the content scripts use AbortSignal.any (124), and only from 127
// does a Manifest V3 add-on get its host permissions (the content scripts' sites) at install.
const gecko = {
  id: 'parley@parley.localhost',
  strict_min_version: '128.0',
  // What leaves the device (to the Parley backend), which AMO asks every new add-on to declare.
  // Firefox 140+ shows it at install; older versions ignore the key.
  data_collection_permissions: {
    required: ['personallyIdentifyingInfo', 'authenticationInfo', 'personalCommunications', 'websiteContent'],
  },
};

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
  vite: () => ({
    build: {
      rollupOptions: {
        // zod's sources explain their @__PURE__ annotations in comments the bundler drops with a warning
        // on every build; the code is unaffected. Anything else is still reported.
        onwarn(warning, warn) {
          if (warning.code === 'INVALID_ANNOTATION' && /node_modules[\\/]zod[\\/]/.test(warning.id ?? warning.message)) return;
          warn(warning);
        },
      },
    },
  }),
  hooks: {
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((e) => e.type === 'content-script')) return;
      const alias = Object.entries(PREACT_FOR_REACT).map(([find, replacement]) => ({ find: new RegExp(`^${find}$`), replacement }));
      const existing = config.resolve?.alias;
      config.resolve = {
        ...config.resolve,
        alias: [...(Array.isArray(existing) ? existing : Object.entries(existing ?? {}).map(([find, replacement]) => ({ find, replacement: String(replacement) }))), ...alias],
      };
    },
  },
  manifest: {
    name: 'Parley',
    description: 'Share your availability, add video links and export candidates without leaving the page.',
    // activeTab + scripting: the context menu's dialog on any site, without a host permission.
    permissions: ['storage', 'clipboardWrite', 'identity', 'alarms', 'contextMenus', 'activeTab', 'scripting'],
    // Gmail and Outlook: asked for when the recruiter turns the site on in Settings.
    optional_host_permissions: OPTIONAL_HOSTS,
    browser_specific_settings: { gecko },
  },
  zip: {
    // The sources zip that AMO reviewers rebuild the Firefox package from (`wxt zip -b firefox --mv3`):
    // only what the extension's build reads. Hidden files (.env), node_modules and .output are left
    // out by WXT already; scripts/check-packages.mjs checks the result.
    excludeSources: [
      'server/**', 'tests/**', 'bench/**', 'docs/**', 'scripts/**',
      'data/**', 'test-results/**', 'playwright-report/**', 'web-ext-artifacts/**',
      '**/*.log', 'playwright.config.ts', 'vitest.config.ts',
    ],
  },
});
