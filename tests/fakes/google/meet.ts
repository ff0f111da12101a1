import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import type { FakeContext } from './state.js';
import type { FakeConference, FakeEvent } from './types.js';

/**
 * Google Meet conferences on events: a `createRequest` starts `pending`, turns `success` (with
 * entry points) or `failure` after `fake.meetPendingPolls` reads of the event.
 */

export type ConferenceInput = {
  createRequest?: { requestId?: unknown; conferenceSolutionKey?: { type?: unknown } };
  entryPoints?: { entryPointType?: unknown; uri?: unknown }[];
  conferenceSolution?: { key?: { type?: unknown } };
  conferenceId?: unknown;
} | null;

function newConferenceId(ctx: FakeContext): string {
  const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
  for (;;) {
    const id = `${letters(3)}-${letters(4)}-${letters(3)}`;
    if (!ctx.usedConferenceIds.has(id)) {
      ctx.usedConferenceIds.add(id);
      return id;
    }
  }
}

/** The request's outcome, once it is no longer pending. */
export function settle(ctx: FakeContext, conf: FakeConference) {
  if (conf.status !== 'pending' || conf.pendingReads > 0) return;
  if (conf.willFail) {
    conf.status = 'failure';
    return;
  }
  const id = newConferenceId(ctx);
  const pin = String(100_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000));
  conf.status = 'success';
  conf.conferenceId = id;
  conf.entryPoints = [
    { entryPointType: 'video', uri: `https://meet.google.com/${id}`, label: `meet.google.com/${id}` },
    { entryPointType: 'more', uri: `https://tel.meet/${id}?pin=${pin}`, pin },
    { entryPointType: 'phone', uri: 'tel:+1-347-555-0142', label: '+1 347-555-0142', pin, regionCode: 'US' },
  ];
}

/** An event's `conferenceData`, as Google sends it. */
export function conferenceResource(conf: FakeConference) {
  return {
    ...(conf.requestId !== undefined
      ? { createRequest: { requestId: conf.requestId, conferenceSolutionKey: { type: conf.type }, status: { statusCode: conf.status } } }
      : {}),
    ...(conf.status === 'success' && conf.entryPoints ? { entryPoints: conf.entryPoints } : {}),
    conferenceSolution: {
      key: { type: conf.type }, name: 'Google Meet',
      iconUri: 'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png',
    },
    ...(conf.status === 'success' && conf.conferenceId ? { conferenceId: conf.conferenceId } : {}),
  };
}

/** conferenceDataVersion: 0 (the default: conferenceData ignored) or 1; anything else is refused. */
export function conferenceVersion(c: Context): 0 | 1 | string {
  const v = c.req.query('conferenceDataVersion');
  if (v === undefined || v === '0') return 0;
  if (v === '1') return 1;
  return 'Invalid value for: conferenceDataVersion. Allowed values: [0, 1].';
}

/** Applies a request's conferenceData (version 1 only); an error message if invalid. */
export function applyConference(ctx: FakeContext, e: FakeEvent, data: ConferenceInput | undefined, full: boolean): string | undefined {
  const { fake } = ctx;
  if (data === undefined) {
    // A full update that leaves conferenceData out removes the conference; a patch keeps it.
    if (full) e.conference = undefined;
    return undefined;
  }
  if (data === null || typeof data !== 'object') {
    e.conference = undefined;
    return undefined;
  }
  const request = data.createRequest;
  if (request) {
    if (typeof request.requestId !== 'string' || !request.requestId) return 'Invalid conference create request: missing requestId.';
    const type = request.conferenceSolutionKey?.type;
    if (type !== 'hangoutsMeet') return 'Invalid conference type value.';
    // A request id seen before on this event is ignored: the conference stays as it is.
    if (e.conference?.requestId === request.requestId) return undefined;
    let willFail = fake.meetFailure === true;
    if (typeof fake.meetFailure === 'number' && fake.meetFailure > 0) {
      willFail = true;
      fake.meetFailure -= 1;
    }
    e.conference = { requestId: request.requestId, type, status: 'pending', pendingReads: Math.max(0, fake.meetPendingPolls), willFail };
    settle(ctx, e.conference);
    return undefined;
  }
  // A conference copied in with its entry points (as from another event).
  const video = data.entryPoints?.find((p) => p?.entryPointType === 'video' && typeof p.uri === 'string');
  if (!video) return 'Invalid conference data: a conference needs an entry point or a create request.';
  const type = typeof data.conferenceSolution?.key?.type === 'string' ? data.conferenceSolution.key.type : 'hangoutsMeet';
  e.conference = {
    type, status: 'success', pendingReads: 0, willFail: false,
    ...(typeof data.conferenceId === 'string' ? { conferenceId: data.conferenceId } : {}),
    entryPoints: (data.entryPoints ?? [])
      .filter((p) => typeof p?.entryPointType === 'string' && typeof p.uri === 'string')
      .map((p) => ({ entryPointType: p.entryPointType as string, uri: p.uri as string })),
  };
  return undefined;
}

/** The Meet link of an event whose Meet conference is ready (Google's `hangoutLink`). */
export function meetLink(e: FakeEvent): string | undefined {
  const conf = e.conference;
  if (!conf || conf.status !== 'success' || conf.type !== 'hangoutsMeet' || !conf.conferenceId) return undefined;
  return `https://meet.google.com/${conf.conferenceId}`;
}
