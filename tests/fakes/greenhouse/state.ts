import type { FakeGreenhouse, FakeGreenhouseFault, FakeGreenhouseJob, StoredPerson } from './types.js';

/** A fault still waiting for matching requests; `left` counts down to its removal. */
export interface FaultEntry { method?: string; path: RegExp; left: number; fault: FakeGreenhouseFault }

/**
 * What the parts of one fake share: the test's handle, the credentials as issued, the account's
 * jobs and people, the tokens, throttle windows and faults, and the two id counters. The route
 * handlers read `fake` (settings, users, request log) at each request.
 */
export interface FakeContext {
  /** The object handed to the test: settings (`invisibleAfterCreateMs`, `rateLimit`), users, request log. */
  fake: FakeGreenhouse;
  /** The credentials as issued; the routes check against these, not against `fake`. */
  apiKey: string;
  clientId: string;
  clientSecret: string;
  /** The account's jobs (the same array as `fake.jobs`). */
  jobs: FakeGreenhouseJob[];
  /** Candidates and prospects by id, including those still invisible after their create. */
  people: Map<number, StoredPerson>;
  /** v3 access tokens handed out by `/oauth/token`. */
  tokens: Map<string, { expiresAt: number; sub: string }>;
  /** The throttle's current window per credential (the Authorization header). */
  windows: Map<string, { start: number; count: number }>;
  /** Faults in the order they were added; the first matching one is applied. */
  faults: FaultEntry[];
  /** The id of the next new person (ids grow by a random step, as Greenhouse's do). */
  nextPersonId(): number;
  /** The next id of an application, note, email or activity item. */
  nextId(): number;
}

export const now = () => new Date().toISOString();

export function isProspect(p: StoredPerson) {
  return p.applications.length > 0 && p.applications.every((a) => a.prospect);
}
export function visible(p: StoredPerson | undefined): p is StoredPerson {
  return !!p && Date.now() >= p.visibleAt;
}
export function personById(ctx: FakeContext, id: string): StoredPerson | undefined {
  const p = /^\d+$/.test(id) ? ctx.people.get(Number(id)) : undefined;
  return visible(p) ? p : undefined;
}
export function newPerson(ctx: FakeContext, fields: Partial<StoredPerson>, invisibleMs: number): StoredPerson {
  const at = now();
  return {
    id: ctx.nextPersonId(), first_name: '', last_name: '', company: null, title: null,
    email_addresses: [], phone_numbers: [], social_media_addresses: [], website_addresses: [], addresses: [], tags: [],
    applications: [], notes: [], emails: [], created_at: at, visibleAt: Date.now() + invisibleMs, ...fields,
  };
}
