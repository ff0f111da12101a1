import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    // .ci/run asks for a JSON report beside the console output, to add up one closing line.
    ...(process.env.VITEST_JSON ? { reporters: ['default', 'json'], outputFile: { json: process.env.VITEST_JSON } } : {}),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        // The background's logic with WXT's fake browser APIs and an in-memory IndexedDB,
        // talking to a real backend over HTTP.
        plugins: [WxtVitest()],
        test: {
          name: 'extension',
          include: ['tests/extension/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Debian's Firefox ESR with the built .output/firefox-mv3, driven over WebDriver BiDi. It needs
        // the build, so `npm test` runs it after `npm run build` (npm run test:firefox), not with the others.
        test: {
          name: 'firefox',
          include: ['tests/firefox/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        // A newcomer's first run on a fresh clone of the committed HEAD: `npm install && npm start` on a
        // free port, the built extension in Chromium, sign-up, the demo page, a booking, the popup. It
        // installs and builds a whole copy, so `npm test` runs it last (npm run test:newcomer).
        test: {
          name: 'newcomer',
          include: ['tests/newcomer/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 15 * 60_000,
          hookTimeout: 2 * 60_000,
        },
      },
    ],
  },
});
