import type { Context } from 'hono';
import { DateTime, IANAZone } from 'luxon';
import { findIana, findWindows } from 'windows-iana';
import type { FakeContext } from './state.js';

// Graph's `{dateTime, timeZone}` values: reading them in Windows or IANA zone names, writing them.

/** The IANA zone for a Windows or IANA name (also `tzone://Microsoft/…`); undefined when unknown. */
export function toIanaZone(name: string): string | undefined {
  const n = name.replace(/^tzone:\/\/Microsoft\//i, '');
  if (/^utc$/i.test(n)) return 'UTC';
  const w = findIana(n).find((z) => IANAZone.isValidZone(z));
  if (w) return w;
  return IANAZone.isValidZone(n) ? n : undefined;
}

/** Seven fractional digits, as Graph writes them. */
export function graphTime(ms: number, zone: string, label: string) {
  return { dateTime: `${DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`, timeZone: label };
}

/** The zone answers are written in: Windows names in that mode (Prefer ignored), else Prefer, else UTC. */
export function outputZone(ctx: FakeContext, c: Context, e: { zone: string }): { zone: string; label: string } {
  if (ctx.fake.windowsTimeZones) {
    const label = findWindows(e.zone)[0] ?? e.zone;
    return { zone: e.zone, label };
  }
  const prefer = /outlook\.timezone="([^"]+)"/i.exec(c.req.header('prefer') ?? '');
  if (prefer?.[1]) {
    const zone = toIanaZone(prefer[1]);
    if (zone) return { zone, label: prefer[1] };
  }
  return { zone: 'UTC', label: 'UTC' };
}

export function parseGraphTime(t: unknown): { ms: number; zone: string } | { error: string } {
  if (!t || typeof t !== 'object') return { error: 'missing' };
  const { dateTime, timeZone } = t as { dateTime?: unknown; timeZone?: unknown };
  if (typeof dateTime !== 'string' || typeof timeZone !== 'string') return { error: 'missing' };
  const zone = toIanaZone(timeZone);
  if (!zone) return { error: `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${timeZone}'.` };
  const dt = DateTime.fromISO(dateTime.replace(/(\.\d{3})\d+/, '$1'), { zone });
  if (!dt.isValid) return { error: `Cannot convert the literal '${dateTime}' to the expected type 'Edm.DateTimeOffset'.` };
  return { ms: dt.toMillis(), zone };
}
