import { randomBytes } from 'node:crypto';
import type { FakeContext } from './state.js';
import type { OnlineMeetingProvider, StoredEvent } from './types.js';

// Online meetings as the calendar API makes them: Teams meetings are fields of the event, there
// is no onlineMeetings route.

const MEETING_PROVIDERS: readonly OnlineMeetingProvider[] = ['unknown', 'skypeForBusiness', 'skypeForConsumer', 'teamsForBusiness'];

/** `allowedOnlineMeetingProviders` of every calendar: Teams while `teamsAvailable`, else none. */
export const allowedProviders = (ctx: FakeContext): OnlineMeetingProvider[] => (ctx.fake.teamsAvailable ? ['teamsForBusiness'] : []);

/** The online-meeting fields of a request: an error message when a value is not one Graph knows. */
export function readOnline(body: Record<string, unknown>): { isOnlineMeeting?: boolean; provider?: OnlineMeetingProvider } | string {
  const out: { isOnlineMeeting?: boolean; provider?: OnlineMeetingProvider } = {};
  if (body.isOnlineMeeting !== undefined) {
    if (typeof body.isOnlineMeeting !== 'boolean') return "Cannot convert the literal to the expected type 'Edm.Boolean'.";
    out.isOnlineMeeting = body.isOnlineMeeting;
  }
  if (body.onlineMeetingProvider !== undefined) {
    const p = MEETING_PROVIDERS.find((x) => x === body.onlineMeetingProvider);
    if (!p) return `Requested value '${String(body.onlineMeetingProvider)}' was not found.`;
    out.provider = p;
  }
  return out;
}

/**
 * Turns the event into an online meeting when asked for with a provider the calendar allows.
 * Anything else is ignored without an error (as Graph does), and so is every change once the
 * event is online: the meeting and its join URL stay.
 */
export function applyOnline(ctx: FakeContext, e: StoredEvent, o: { isOnlineMeeting?: boolean; provider?: OnlineMeetingProvider }) {
  const { fake, state } = ctx;
  if (e.isOnlineMeeting || o.isOnlineMeeting !== true) return;
  const provider = o.provider ?? allowedProviders(ctx)[0] ?? 'unknown';
  if (provider === 'unknown' || !allowedProviders(ctx).includes(provider)) return;
  const thread = `19:meeting_${randomBytes(36).toString('base64url')}@thread.v2`;
  const context = JSON.stringify({ Tid: fake.tenantId, Oid: state.userId });
  e.isOnlineMeeting = true;
  e.onlineMeetingProvider = provider;
  e.onlineMeeting = {
    joinUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(thread)}/0?context=${encodeURIComponent(context)}`,
    conferenceId: String(100_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000)),
    tollNumber: '+1 323-555-0166',
  };
  e.onlineMeetingHiddenReads = Math.max(0, fake.teamsJoinUrlDelayGets);
}
