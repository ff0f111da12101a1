import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { serveFake } from '../serve.js';
import { createCalendarApi } from './calendar.js';
import { apiError, notFound } from './envelopes.js';
import { registerEvents } from './events.js';
import { registerRequestLogAndFaults } from './faults.js';
import { meetLink } from './meet.js';
import { registerOAuth } from './oauth.js';
import { ensureUser, eventsOf, freshState, nextEtag, type FakeContext } from './state.js';
import type { FakeGoogle } from './types.js';

export type {
  AccessRole, FakeCalendar, FakeConference, FakeEvent, FakeFault, FakeGoogle, FakeGoogleState, FakeUser,
} from './types.js';

/**
 * A faithful fake of the Google endpoints Parley uses, served over HTTP on 127.0.0.1:
 * - OAuth 2.0 (accounts.google.com / oauth2.googleapis.com shapes): authorize with PKCE S256,
 *   token (authorization_code, refresh_token), revoke, OpenID userinfo;
 * - Calendar API v3 under `/calendar/v3`: calendarList.list, freeBusy.query, events
 *   insert/get/list/patch/update/delete, with Google's error envelope, per-method scopes, client
 *   chosen event ids (base32hex, 5–1024, 409 on duplicates, deleted events kept as `cancelled`),
 *   the organizer rule and read-only calendars;
 * - Google Meet conferences on events (`conferenceData.createRequest` with `conferenceDataVersion=1`):
 *   `pending` at first, `success` (with `hangoutLink` and `entryPoints`) after `meetPendingPolls`
 *   reads of the event, or `failure` when `meetFailure` says so; a request id seen before is
 *   ignored; without `conferenceDataVersion=1` conferenceData in a request is ignored, and a
 *   change that does not mention conferenceData keeps the conference;
 * - faults Google really produces (expired token, missing scope, rate limits, 5xx, slow answers,
 *   "not a calendar user"), applied to matching requests a given number of times.
 *
 * The parts live beside this file: `types.ts` (data model, scopes), `state.ts` (shared context,
 * users and calendars), `envelopes.ts` (error answers), `faults.ts` (request log and faults),
 * `oauth.ts`, `calendar.ts` (calendarList, freeBusy), `events.ts` and `meet.ts`.
 */

export async function startFakeGoogle(opts: { email?: string } = {}): Promise<FakeGoogle> {
  const defaultEmail = opts.email ?? 'recruiter@example.com';
  const clientId = '123456789012-parleytest.apps.googleusercontent.com';
  const clientSecret = 'GOCSPX-fake-secret';
  let counter = 0;

  const fake: FakeGoogle = {
    url: '',
    clientId,
    clientSecret,
    state: freshState(),
    account: { email: defaultEmail },
    grantedScopes: undefined,
    authorizeError: undefined,
    meetPendingPolls: 1,
    meetFailure: false,
    requests: [],
    fault(match, fault) {
      ctx.faults.push({ method: match.method?.toUpperCase(), path: match.path, left: match.times ?? 1, fault });
    },
    addEvent(calendarId, e) {
      const cal = fake.state.calendars.get(calendarId);
      if (!cal) throw new Error(`fake google: no calendar ${calendarId}`);
      const id = `foreign${ctx.next().toString(32)}${randomBytes(4).toString('hex')}`;
      const now = new Date().toISOString();
      eventsOf(ctx, calendarId).set(id, {
        id, calendarId, status: e.cancelled ? 'cancelled' : 'confirmed', transparency: e.transparent ? 'transparent' : 'opaque',
        summary: e.summary, start: e.start, end: e.end, startTimeZone: cal.timeZone, endTimeZone: cal.timeZone, attendees: [],
        reminders: { useDefault: true }, organizer: e.organizer ?? cal.primaryOf ?? calendarId, etag: nextEtag(ctx), sequence: 0, created: now, updated: now,
      });
      return id;
    },
    events(calendarId) {
      return [...eventsOf(ctx, calendarId).values()].map((e) => ({
        id: e.id, summary: e.summary, status: e.status, start: new Date(e.start).toISOString(), end: new Date(e.end).toISOString(),
        ...(e.description !== undefined ? { description: e.description } : {}),
        ...(e.conference ? { conference: e.conference.status, ...(meetLink(e) ? { hangoutLink: meetLink(e) } : {}) } : {}),
        ...(e.attendees.length ? { attendees: e.attendees.map((a) => a.email) } : {}),
      }));
    },
    addCalendar({ summary, role = 'owner', owner, id }) {
      const email = owner ?? fake.account.email;
      ensureUser(ctx, email);
      const calId = id ?? `c_${randomBytes(12).toString('hex')}@group.calendar.google.com`;
      fake.state.calendars.set(calId, { id: calId, summary, timeZone: 'Europe/Berlin', access: new Map([[email, role]]) });
      return calId;
    },
    primaryCalendarId(email) {
      return ensureUser(ctx, email ?? fake.account.email).email;
    },
    reset() {
      fake.state = freshState();
      fake.account = { email: defaultEmail };
      fake.grantedScopes = undefined;
      fake.authorizeError = undefined;
      fake.meetPendingPolls = 1;
      fake.meetFailure = false;
      fake.requests.length = 0;
      ctx.faults = [];
      ensureUser(ctx, defaultEmail);
    },
    close: async () => undefined,
  };

  const ctx: FakeContext = {
    fake, clientId, clientSecret, faults: [], usedConferenceIds: new Set(),
    next: () => ++counter,
  };
  ensureUser(ctx, defaultEmail);

  // ---------------------------------------------------------------- app
  const app = new Hono();
  registerRequestLogAndFaults(app, ctx);
  registerOAuth(app, ctx);
  const api = createCalendarApi(ctx);
  registerEvents(api, ctx);
  app.route('/calendar/v3', api);
  app.notFound((c) => notFound(c));
  app.onError((err, c) => apiError(c, 500, 'backendError', `Backend Error (${err.message})`));

  const served = await serveFake(app);
  fake.url = served.url;
  fake.close = served.close;
  return fake;
}
