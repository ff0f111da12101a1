import { Hono } from 'hono';
import { randomBytes, randomUUID } from 'node:crypto';
import { serveFake } from '../serve.js';
import { registerCalendars } from './calendar.js';
import { registerEvents } from './events.js';
import { registerFallback, registerProfile } from './graph.js';
import { issueAccess, registerIdentity } from './identity.js';
import { registerRecording } from './recording.js';
import { createState, graphId, ordered, type FakeContext } from './state.js';
import { toIanaZone } from './time.js';
import type { FakeMicrosoft } from './types.js';

export type { FakeFault, FakeMicrosoft, FakeRequest, ShowAs } from './types.js';

/**
 * A faithful fake of Microsoft Entra ID (OAuth 2.0 v2 endpoints, authorization code + PKCE,
 * refresh tokens) and of the Microsoft Graph v1.0 calendar API, served on 127.0.0.1.
 *
 * Shapes follow the real services: Entra's error JSON (`error`, `error_description` "AADSTS…",
 * `error_codes`, trace and correlation ids) and redirects with `?error=…`; Graph's
 * `{"error":{"code","message","innerError"}}` envelope, `@odata.nextLink` paging, `{dateTime,
 * timeZone}` times with seven fractional digits, `Prefer: outlook.timezone`, `transactionId`
 * de-duplication of creates, single-value extended properties with `$filter`/`$expand`, and the
 * per-mailbox concurrency limit (429 ApplicationThrottled "MailboxConcurrency" with Retry-After).
 *
 * Online meetings as the calendar API makes them: calendars list `allowedOnlineMeetingProviders`
 * (`teamsForBusiness` while `teamsAvailable`, none otherwise); `isOnlineMeeting: true` with
 * `onlineMeetingProvider: 'teamsForBusiness'` (or the calendar's default) gives the event an
 * `onlineMeeting.joinUrl` (after `teamsJoinUrlDelayGets` reads, if set); a provider the calendar
 * does not allow is silently ignored, as Graph does; once online, later changes to
 * `isOnlineMeeting` are ignored, so a PATCH without those fields (or with them) keeps the meeting.
 *
 * The parts live beside this file: types.ts (public and stored shapes), state.ts (the in-memory
 * mailbox and grants), recording.ts (request log, concurrency limit, faults), identity.ts (Entra
 * ID), graph.ts (error envelope, auth checks, paging, /me), time.ts (Graph's zoned times),
 * calendar.ts (calendars, getSchedule, calendarView), events.ts (events) and meetings.ts (Teams
 * meetings on events). This file builds the handle the test gets and starts the server.
 */
export async function startFakeMicrosoft(opts: { email?: string; displayName?: string } = {}): Promise<FakeMicrosoft> {
  const email = opts.email ?? 'rita.recruiter@contoso.onmicrosoft.com';
  const displayName = opts.displayName ?? 'Rita Recruiter';
  const state = createState({ email, displayName });
  const { calendars, events, defaultCalendarId, secondaryCalendarId, sharedCalendarId } = state;

  const fake: FakeMicrosoft = {
    url: '',
    clientId: randomUUID(),
    clientSecret: randomBytes(30).toString('base64url'),
    tenantId: randomUUID(),
    account: { email, displayName },
    grantedScopes: undefined,
    authorizeError: undefined,
    redirectUris: undefined,
    mailboxState: 'ok',
    windowsTimeZones: false,
    honourTransactionId: true,
    teamsAvailable: true,
    teamsJoinUrlDelayGets: 0,
    pageSize: 10,
    maxConcurrentPerMailbox: 4,
    peakConcurrency: 0,
    throttled: 0,
    fault(match, fault) {
      state.faults.push({ ...(match.method ? { method: match.method } : {}), path: match.path, remaining: match.times ?? Number.POSITIVE_INFINITY, fault });
    },
    clearFaults() {
      state.faults.length = 0;
    },
    requests: [],
    calendars: () => [...calendars.values()].map(({ id, name, isDefaultCalendar, canEdit }) => ({ id, name, isDefaultCalendar, canEdit })),
    defaultCalendarId,
    secondaryCalendarId,
    sharedCalendarId,
    addEvent(calendarId, e) {
      if (!calendars.has(calendarId)) throw new Error(`fake Microsoft: no calendar ${calendarId}`);
      const zone = e.timeZone ? toIanaZone(e.timeZone) : 'Europe/Berlin';
      if (!zone) throw new Error(`fake Microsoft: unknown zone ${e.timeZone}`);
      const now = Date.now();
      const id = graphId();
      events.set(id, {
        id,
        calendarId,
        subject: e.summary,
        body: { contentType: 'text', content: '' },
        start: e.start,
        end: e.end,
        zone,
        showAs: e.showAs ?? (e.transparent ? 'free' : 'busy'),
        isCancelled: e.cancelled ?? false,
        props: [],
        isOnlineMeeting: false,
        onlineMeetingProvider: 'unknown',
        onlineMeetingHiddenReads: 0,
        attendees: [],
        changeKey: randomBytes(12).toString('base64'),
        created: now,
        modified: now,
      });
      return id;
    },
    events: (calendarId) =>
      ordered(state, calendarId).map((e) => ({
        id: e.id,
        subject: e.subject,
        start: new Date(e.start).toISOString(),
        end: new Date(e.end).toISOString(),
        showAs: e.showAs,
        isCancelled: e.isCancelled,
        ...(e.transactionId ? { transactionId: e.transactionId } : {}),
        ...(e.onlineMeeting ? { joinUrl: e.onlineMeeting.joinUrl } : {}),
        ...(e.attendees.length ? { attendees: e.attendees.map((a) => a.emailAddress.address) } : {}),
      })),
    expireAccessTokens() {
      for (const t of state.accessTokens.values()) t.expiresAt = 0;
    },
    revokeRefreshTokens() {
      for (const t of state.refreshTokens.values()) t.revoked = true;
    },
    issueAccessToken: (scopes = ['User.Read', 'Calendars.ReadWrite']) => issueAccess(ctx, scopes),
    close: async () => undefined,
  };
  const ctx: FakeContext = { fake, state, url: '' };

  // Registered in this order: the middleware first, the Graph catch-all last.
  const app = new Hono();
  registerRecording(app, ctx);
  registerIdentity(app, ctx);
  registerProfile(app, ctx);
  registerCalendars(app, ctx);
  registerEvents(app, ctx);
  registerFallback(app);

  const served = await serveFake(app);
  ctx.url = served.url;
  fake.url = served.url;
  fake.close = served.close;
  return fake;
}
