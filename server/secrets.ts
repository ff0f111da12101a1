import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** A bearer secret for URLs and sessions: 192 bits from the CSPRNG, base64url (32 chars). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** Tokens are stored only as their SHA-256; a database leak does not reveal live links. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64url')}$${key.toString('base64url')}`;
}
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, SCRYPT);
  return timingSafeEqual(actual, expected);
}

/**
 * AES-256-GCM for values that must be read back (invitation links, OAuth tokens, access codes…).
 * Values name the key that sealed them: `v2.<keyid>.<iv>.<body>.<tag>`. The sealer seals with the
 * current key and opens with it or any previous key, so keys can be rotated without downtime
 * (`npm run rotate-key`). Values from before key ids (`v1.<iv>.<body>.<tag>`) are opened with
 * whichever known key authenticates them.
 */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
  /** The id of the key new values are sealed with. */
  readonly keyId: string;
  /** Whether a value is already sealed with the current key (in the current format). */
  isCurrent(sealed: string): boolean;
}

/** A key's public name inside sealed values: 8 characters of a hash of it (no dots). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('parley-key-id\0').update(key).digest('base64url').slice(0, 8);
}

export function createSealer(key: Buffer, previousKeys: Buffer[] = []): Sealer {
  for (const k of [key, ...previousKeys]) if (k.length !== 32) throw new Error('The encryption key must be 32 bytes');
  const keyId = keyIdOf(key);
  const keys = new Map<string, Buffer>([[keyId, key]]);
  for (const k of previousKeys) if (!keys.has(keyIdOf(k))) keys.set(keyIdOf(k), k);
  const decrypt = (k: Buffer, iv: string, body: string, tag: string) => {
    const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  };
  // Plain closures (no `this`): callers pass `sealer.open` around on its own.
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', keyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5 && parts.every(Boolean)) {
        const [, id, iv, body, tag] = parts as [string, string, string, string, string];
        const k = keys.get(id);
        if (!k) throw new Error(`This value was sealed with a key Parley does not have (key id ${id}): add that key to PARLEY_PREVIOUS_KEYS`);
        return decrypt(k, iv, body, tag);
      }
      if (parts[0] === 'v1' && parts.length === 4 && parts.every(Boolean)) {
        const [, iv, body, tag] = parts as [string, string, string, string];
        for (const k of keys.values()) {
          try {
            return decrypt(k, iv, body, tag);
          } catch {
            // not this key: GCM's tag did not match; try the next
          }
        }
        throw new Error('No known key opens this value: add the key it was sealed with to PARLEY_PREVIOUS_KEYS');
      }
      throw new Error('Unknown sealed value format');
    },
    isCurrent: (sealed) => sealed.startsWith(`v2.${keyId}.`),
  };
}

/** Where the embedded setup keeps its generated key, and the keys it had before a rotation. */
export const SECRET_KEY_FILE = 'secret.key';
export const PREVIOUS_KEYS_FILE = 'previous.keys';

/**
 * The key comes from PARLEY_SECRET_KEY; without it one is generated into the data folder on first
 * start (with a warning), so the embedded default works with no setup and survives restarts.
 */
export async function loadSecretKey(opts: { secretKey?: string; dataDir: string; warn?: (msg: string) => void }): Promise<Buffer> {
  if (opts.secretKey) return Buffer.from(opts.secretKey, 'base64');
  const file = path.join(opts.dataDir, SECRET_KEY_FILE);
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length === 32) return key;
  } catch {
    // first start: fall through and create it
  }
  const key = randomBytes(32);
  await mkdir(opts.dataDir, { recursive: true });
  await writeFile(file, key.toString('base64'), { mode: 0o600 });
  opts.warn?.(`No PARLEY_SECRET_KEY set: generated one into ${file}. Set PARLEY_SECRET_KEY in production.`);
  return key;
}

/**
 * Keys from before a rotation: PARLEY_PREVIOUS_KEYS, plus `DATA_DIR/previous.keys` (one per line),
 * where `npm run rotate-key` keeps the old generated key of the embedded setup.
 */
export async function loadPreviousKeys(opts: { previousKeys?: string[]; dataDir: string }): Promise<Buffer[]> {
  const fromFile = await readFile(path.join(opts.dataDir, PREVIOUS_KEYS_FILE), 'utf8').then((t) => t.split(/\s+/), () => [] as string[]);
  return [...(opts.previousKeys ?? []), ...fromFile]
    .map((k) => k.trim()).filter(Boolean)
    .map((k) => Buffer.from(k, 'base64'))
    .filter((k) => k.length === 32);
}
