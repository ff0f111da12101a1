/**
 * A real Radicale CalDAV server for tests: Debian's `radicale` package run by Debian's own Python
 * (`/usr/bin/python3`; a pyenv python3 on PATH does not have the module), bound to 127.0.0.1 on a
 * free port, with storage, config and a plain-text htpasswd file in a temporary folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

export interface Radicale {
  /** Root URL, e.g. "http://127.0.0.1:41234/". */
  url: string;
  username: string;
  password: string;
  stop(): Promise<void>;
  /** Creates (MKCALENDAR) a fresh calendar collection for the user and returns its URL (trailing slash). */
  calendarUrl(name: string): Promise<string>;
}

const PYTHON = '/usr/bin/python3';
const START_TIMEOUT_MS = 15_000;

export async function startRadicale(): Promise<Radicale> {
  const check = spawnSync(PYTHON, ['-m', 'radicale', '--version'], { encoding: 'utf8' });
  if (check.error || check.status !== 0) {
    throw new Error(
      `Radicale is not installed for ${PYTHON} (${(check.error?.message ?? check.stderr ?? '').trim() || 'no module named radicale'}). ` +
        'Install it with: apt-get install -y radicale',
    );
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'parley-radicale-'));
  const username = 'rita';
  const password = `pw-${randomBytes(8).toString('hex')}`;
  writeFileSync(path.join(dir, 'users'), `${username}:${password}\n`);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = path.join(dir, 'config');
    writeFileSync(
      config,
      [
        '[server]',
        `hosts = 127.0.0.1:${port}`,
        '[auth]',
        'type = htpasswd',
        `htpasswd_filename = ${path.join(dir, 'users')}`,
        'htpasswd_encryption = plain',
        // Radicale sleeps ~1 s after a wrong password by default; tests want it fast.
        'delay = 0',
        '[rights]',
        'type = owner_only',
        '[storage]',
        `filesystem_folder = ${path.join(dir, 'collections')}`,
        '[web]',
        'type = none',
        '[logging]',
        'level = error',
        '',
      ].join('\n'),
    );
    const child = spawn(PYTHON, ['-m', 'radicale', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const url = `http://127.0.0.1:${port}/`;
    try {
      await waitUntilAnswering(url, child);
    } catch (error) {
      await kill(child);
      // Another process may have taken the port between probing and binding: try a new one.
      if (attempt < 3 && /address already in use/i.test(stderr)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Radicale did not start: ${(error as Error).message}\n${stderr.trim()}`);
    }

    const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    let stopped = false;
    return {
      url,
      username,
      password,
      async stop() {
        if (stopped) return;
        stopped = true;
        await kill(child);
        rmSync(dir, { recursive: true, force: true });
      },
      async calendarUrl(name) {
        // The principal collection is created on the user's first authenticated request.
        const home = new URL(`/${encodeURIComponent(username)}/`, url).href;
        const propfind = await fetch(home, { method: 'PROPFIND', headers: { authorization: auth, depth: '0' } });
        await propfind.arrayBuffer();
        if (propfind.status !== 207) throw new Error(`PROPFIND ${home} answered ${propfind.status}`);
        const collection = new URL(`${encodeURIComponent(name)}/`, home).href;
        const response = await fetch(collection, {
          method: 'MKCALENDAR',
          headers: { authorization: auth, 'content-type': 'application/xml; charset=utf-8' },
          body:
            '<?xml version="1.0" encoding="utf-8"?>' +
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>' +
            `<D:displayname>${name.replace(/[<&>]/g, '')}</D:displayname>` +
            '<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>' +
            '</D:prop></D:set></C:mkcalendar>',
        });
        const text = await response.text();
        if (response.status !== 201) throw new Error(`MKCALENDAR ${collection} answered ${response.status}: ${text.slice(0, 300)}`);
        return collection;
      },
    };
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the process exited (${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer on ${url} within ${START_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
