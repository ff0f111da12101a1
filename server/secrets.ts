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

/** AES-256-GCM for values that must be read back (invitation links, later OAuth refresh tokens). */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}
export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('The encryption key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, iv, body, tag] = sealed.split('.');
      if (v !== 'v1' || !iv || !body || !tag) throw new Error('Unknown sealed value format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key comes from PARLEY_SECRET_KEY; without it one is generated into the data folder on first
 * start (with a warning), so the embedded default works with no setup and survives restarts.
 */
export async function loadSecretKey(opts: { secretKey?: string; dataDir: string; warn?: (msg: string) => void }): Promise<Buffer> {
  if (opts.secretKey) return Buffer.from(opts.secretKey, 'base64');
  const file = path.join(opts.dataDir, 'secret.key');
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
