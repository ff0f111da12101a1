import { serve, type ServerType } from '@hono/node-server';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { route } from '../../lib/background/router';
import { db } from '../../lib/db';
import { bootParley, type Parley } from '../../server/boot';
import { loadConfig } from '../../server/config';
import { openPglite } from '../../server/db';
import { createMailer } from '../../server/mail';

export const EXT_ID = fakeBrowser.runtime.id;
export const EXT_BASE = fakeBrowser.runtime.getURL('/');
export const fromPopup = { id: EXT_ID, url: `${EXT_BASE}popup.html` };
export const fromOptions = { id: EXT_ID, url: `${EXT_BASE}options.html` };
export const fromContent = { id: EXT_ID, url: 'https://www.linkedin.com/messaging/thread/2-abc/', tab: { id: 7 } as never };
export const fromElsewhere = { id: 'another-extension', url: 'https://evil.example/', tab: { id: 8 } as never };

/**
 * A real backend on a random local port (PGlite in memory, real clock, mail kept nowhere) for the
 * background to talk to over HTTP; the extension's IndexedDB is emptied before each test.
 */
export function useBackend() {
  const state = { backendUrl: '', parley: undefined as unknown as Parley };
  let server: ServerType;
  beforeAll(async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    state.backendUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({ PORT: String(port), PUBLIC_URL: state.backendUrl, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-ext-')) });
    state.parley = await bootParley(config, { db: await openPglite(), startJobs: false, mailer: createMailer({ from: 'x@parley.test', outbox: () => undefined }) });
    server = serve({ fetch: state.parley.app.fetch, port, hostname: '127.0.0.1' });
  });
  afterAll(async () => {
    server.close();
    await state.parley.close();
    await state.parley.deps.db.close();
  });
  beforeEach(async () => {
    await Promise.all(db.tables.map((t) => t.clear()));
  });

  /** Registers a new recruiter through the background, as the options page does. */
  const signUp = (email = `r${Math.random().toString(36).slice(2)}@example.com`, name = 'Rita') =>
    route({ type: 'session.signIn', payload: { mode: 'register', backendUrl: state.backendUrl, email, password: 'correct horse battery', name, timeZone: 'Europe/Paris' } }, fromPopup);

  return { state, signUp };
}
