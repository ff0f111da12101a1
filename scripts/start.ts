import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer } from '../server/main';

/**
 * `npm start`: builds the extension, starts the backend on the embedded database (PGlite in
 * ./data, or DATABASE_URL) and prints where the demo page is and how to load the extension.
 */
const skipBuild = process.argv.includes('--no-build');
if (!skipBuild) {
  console.log('[parley] building the extension…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (build.status !== 0) {
    console.error(build.stdout, build.stderr, '\n[parley] the extension build failed; see the messages above.');
    process.exit(build.status ?? 1);
  }
}

const { config } = await startServer();
const ext = path.resolve('.output/chrome-mv3');
console.log(`
  Parley is running.

  1. Load the extension: open chrome://extensions, turn on Developer mode, "Load unpacked" → ${ext}
     (Firefox: about:debugging → This Firefox → Load Temporary Add-on → ${path.resolve('.output/firefox-mv3/manifest.json')})
  2. Click the Parley icon → "Create an account" (backend: ${config.publicUrl}).
  3. Open the demo conversation: ${config.publicUrl}/demo/messaging
     Click "Share availability" under the message box, then Insert, and open the link as the candidate.

  Stop with Ctrl+C.
`);
