import { randomBytes } from 'node:crypto';
import type { VideoProvider } from './types.js';

/**
 * Jitsi Meet: no account, no API. A room exists when someone opens its URL, so the room name is the
 * only secret: 128 random bits (base32, lower case) — and participants never see it, only Parley's
 * join links. Moving the interview keeps the room; removing it just forgets the name.
 */
export function jitsiVideo(opts: { baseUrl: string }): VideoProvider {
  const base = opts.baseUrl.replace(/\/$/, '');
  return {
    id: 'jitsi',
    async create() {
      const room = `Parley-${base32(randomBytes(16))}`;
      return { provider: 'jitsi', meetingId: room, joinUrl: `${base}/${room}` };
    },
    async update(meeting) {
      return meeting;
    },
    async remove() {},
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
