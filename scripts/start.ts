import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../server/config';
import { startServer } from '../server/main';

/**
 * `npm start`: builds the extension for the address this backend serves (PORT / PUBLIC_URL, so the
 * extension finds it without anyone typing it), starts the backend on the embedded database (PGlite
 * in ./data, or DATABASE_URL) and prints the one next step.
 */
let publicUrl: string;
try {
  publicUrl = loadConfig(process.env).publicUrl;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

const skipBuild = process.argv.includes('--no-build');
if (!skipBuild) {
  console.log(`[parley] building the extension for ${publicUrl}…`);
  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, WXT_PARLEY_BACKEND: publicUrl },
  });
  if (build.status !== 0) {
    console.error(build.stdout, build.stderr, '\n[parley] the extension build failed; see the messages above.');
    process.exit(build.status ?? 1);
  }
}

const { config } = await startServer();
const ext = path.resolve('.output/chrome-mv3');
console.log(`
  Parley is running on ${config.publicUrl}.${skipBuild ? '' : ` The extension is built for this address.`}

  Next step: load the extension. In Chrome or Chromium open chrome://extensions, turn on "Developer mode",
  click "Load unpacked" and choose
      ${ext}
  (Firefox: about:debugging → This Firefox → Load Temporary Add-on → ${path.resolve('.output/firefox-mv3/manifest.json')})

  Then click the Parley icon → "Create an account", open ${config.publicUrl}/demo/messaging,
  click "Share availability" under the message box → Insert, and open the link as the candidate.
${skipBuild ? `\n  (--no-build: the extension was built earlier; if its sign-in form shows another address, change it under "Backend".)\n` : ''}
  Stop with Ctrl+C.
`);
