import { randomBytes } from 'node:crypto';
import { HOLIDAYS_ID, type FakeEvent, type FakeFault, type FakeGoogle, type FakeGoogleState, type FakeUser } from './types.js';

/** A fault still waiting for matching requests; `left` counts down to its removal. */
export interface FaultEntry { method?: string; path: RegExp; left: number; fault: FakeFault }

/**
 * What the parts of one fake share. The route handlers read `fake` (and so `fake.state`) at each
 * request: `reset()` replaces the state and the faults, never the context itself.
 */
export interface FakeContext {
  /** The object handed to the test: state, signed-in account, granted scopes, Meet settings, request log. */
  fake: FakeGoogle;
  /** The OAuth client's credentials, as registered (the test may not change them). */
  clientId: string;
  clientSecret: string;
  /** Faults in the order they were added; the first matching one is applied. */
  faults: FaultEntry[];
  /** Meet conference ids handed out so far (never handed out twice, not even after `reset()`). */
  usedConferenceIds: Set<string>;
  /** The next value of a counter shared by etags and the ids of events added by the test. */
  next(): number;
}

export const freshState = (): FakeGoogleState => ({
  users: new Map(), calendars: new Map(), events: new Map(), codes: new Map(), accessTokens: new Map(), refreshTokens: new Map(),
  maxPageSize: 250, redirectUris: undefined,
});

export const nextEtag = (ctx: FakeContext) => `"${Date.now()}${String(ctx.next()).padStart(4, '0')}"`;
export const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export function eventsOf(ctx: FakeContext, calendarId: string): Map<string, FakeEvent> {
  const state = ctx.fake.state;
  let m = state.events.get(calendarId);
  if (!m) state.events.set(calendarId, (m = new Map()));
  return m;
}

/** A user, created on first sight with a primary calendar and the (read-only) Holidays calendar. */
export function ensureUser(ctx: FakeContext, email: string): FakeUser {
  const state = ctx.fake.state;
  const key = email.toLowerCase();
  let user = state.users.get(key);
  if (user) return user;
  user = { email: key, sub: String(100000000000000000000n + BigInt(state.users.size + 1) * 7919n), calendarUser: true };
  state.users.set(key, user);
  state.calendars.set(key, { id: key, summary: key, timeZone: 'Europe/Berlin', access: new Map([[key, 'owner']]), primaryOf: key });
  let holidays = state.calendars.get(HOLIDAYS_ID);
  if (!holidays) {
    holidays = { id: HOLIDAYS_ID, summary: 'Holidays in United States', timeZone: 'America/New_York', access: new Map() };
    state.calendars.set(HOLIDAYS_ID, holidays);
  }
  holidays.access.set(key, 'reader');
  return user;
}
