import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VideoError, type MeetingInput, type VideoProvider } from '../../server/providers/video/types.js';
import { zoomVideo, type ZoomOptions } from '../../server/providers/video/zoom.js';
import { startFakeZoom, type FakeZoom } from '../fakes/zoom.js';

const H = 3_600_000;
// A week ahead, so the meetings are upcoming whatever day the tests run.
const base = Math.floor(Date.now() / (24 * H)) * 24 * H + 7 * 24 * H;
const HOST = 'recruiter@example.com';
const LIST = /^\/v2\/users\/[^/]+\/meetings$/;
const ONE = /^\/v2\/meetings\/\d+$/;

let fake: FakeZoom;
beforeEach(async () => {
  fake = await startFakeZoom();
});
afterEach(async () => {
  await fake?.close();
});

type Tuning = Partial<Pick<ZoomOptions, 'timeoutMs' | 'retries' | 'maxDelayMs' | 'clientSecret' | 'accountId' | 'clientId' | 'oauthUrl'>>;
const zoomWith = (t: Tuning = {}): VideoProvider =>
  zoomVideo({
    accountId: fake.accountId, clientId: fake.clientId, clientSecret: fake.clientSecret, oauthUrl: fake.url, apiUrl: `${fake.url}/v2`,
    timeoutMs: 2_000, retries: 2, maxDelayMs: 20, ...t,
  });

const input = (key: string, startH: number, over: Partial<MeetingInput> = {}): MeetingInput => ({
  key, start: base + startH * H, end: base + startH * H + 45 * 60_000, timeZone: 'Europe/Berlin', topic: `Interview: Carla Candidate (${key})`, hostEmail: HOST, ...over,
});
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
const tokenRequests = () => calls('POST', /^\/oauth\/token$/).length;

async function failure(p: Promise<unknown>): Promise<VideoError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VideoError);
  return err as VideoError;
}

/** What a host does in Zoom's web portal: deletes the meeting (here through the API, as its own client). */
async function deleteAtZoom(id: string) {
  const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');
  const res = await fetch(`${fake.url}/oauth/token?grant_type=account_credentials&account_id=${fake.accountId}`, { method: 'POST', headers: { authorization: `Basic ${basic}` } });
  const { access_token } = (await res.json()) as { access_token: string };
  const del = await fetch(`${fake.url}/v2/meetings/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${access_token}` } });
  expect(del.status).toBe(204);
}

describe('zoom video provider', () => {
  it('creates one scheduled meeting with the interview’s start, length, zone and topic', async () => {
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10, { timeZone: 'America/St_Johns' }));

    const [made, ...others] = fake.meetings();
    expect(others).toEqual([]);
    expect(made).toMatchObject({
      hostEmail: HOST, topic: 'Interview: Carla Candidate (parley-b1)', start_time: iso(base + 10 * H), duration: 45, timezone: 'America/St_Johns',
    });
    expect(made!.agenda).toContain('[parley:parley-b1]');
    expect(meeting).toEqual({ provider: 'zoom', meetingId: String(made!.id), joinUrl: made!.join_url, data: { hostEmail: HOST } });
    const [post] = calls('POST', LIST);
    expect(post?.body).toMatchObject({ type: 2, settings: { join_before_host: false, waiting_room: true } });
  });

  it('creating twice with one key makes one meeting; another key makes another', async () => {
    const zoom = zoomWith();
    const first = await zoom.create(input('parley-b1', 10));
    const again = await zoom.create(input('parley-b1', 10));
    expect(again).toEqual(first);
    expect(fake.meetings()).toHaveLength(1);
    expect(calls('POST', LIST)).toHaveLength(1);

    const other = await zoom.create(input('parley-b12', 10));
    expect(other.meetingId).not.toBe(first.meetingId);
    expect(fake.meetings()).toHaveLength(2);
  });

  it('finds its meeting on a later page of the host’s meetings', async () => {
    fake.maxPageSize = 2;
    const zoom = zoomWith();
    const first = await zoom.create(input('parley-late', 50)); // the latest start: listed last
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) await zoom.create(input(`parley-${key}`, 10 + i));
    fake.requests.length = 0;

    expect(await zoom.create(input('parley-late', 50))).toEqual(first);
    expect(fake.meetings()).toHaveLength(5);
    expect(calls('POST', LIST)).toHaveLength(0);
    const pages = calls('GET', LIST);
    expect(pages).toHaveLength(3);
    expect(pages[1]!.query.next_page_token).toBeTruthy();
  });

  it('a create that timed out and is tried again adopts the meeting Zoom made', async () => {
    const zoom = zoomWith({ timeoutMs: 250 });
    fake.fault({ method: 'POST', path: LIST }, { delayMs: 700 });
    const meeting = await zoom.create(input('parley-slow', 10));

    const made = fake.meetings();
    expect(made).toHaveLength(1);
    expect(meeting.meetingId).toBe(String(made[0]!.id));
    expect(meeting.joinUrl).toBe(made[0]!.join_url);
    expect(calls('POST', LIST)).toHaveLength(1);
    expect(calls('GET', LIST)).toHaveLength(2);
  });

  it('update moves the meeting and keeps its join link', async () => {
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10));
    const moved = await zoom.update(meeting, input('parley-b1', 30, { end: base + 31 * H, timeZone: 'Asia/Kolkata', topic: 'Interview (moved)' }));

    expect(moved.meetingId).toBe(meeting.meetingId);
    expect(moved.joinUrl).toBe(meeting.joinUrl);
    expect(fake.meetings()).toEqual([
      expect.objectContaining({ id: Number(meeting.meetingId), start_time: iso(base + 30 * H), duration: 60, timezone: 'Asia/Kolkata', topic: 'Interview (moved)' }),
    ]);
    expect(calls('PATCH', ONE)).toHaveLength(1);
  });

  it('update recreates a meeting deleted at Zoom, with a new join link', async () => {
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10));
    await deleteAtZoom(meeting.meetingId);

    const moved = await zoom.update(meeting, input('parley-b1', 12));
    expect(moved.meetingId).not.toBe(meeting.meetingId);
    expect(moved.joinUrl).not.toBe(meeting.joinUrl);
    expect(fake.meetings()).toEqual([expect.objectContaining({ id: Number(moved.meetingId), start_time: iso(base + 12 * H), join_url: moved.joinUrl })]);
  });

  it('update to another host makes the meeting theirs and removes the old one', async () => {
    fake.users.add('second@example.com');
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10));
    const moved = await zoom.update(meeting, input('parley-b1', 10, { hostEmail: 'second@example.com' }));
    expect(fake.meetings()).toEqual([expect.objectContaining({ id: Number(moved.meetingId), hostEmail: 'second@example.com' })]);
    expect(moved.meetingId).not.toBe(meeting.meetingId);
  });

  it('remove deletes the meeting; removing it again is fine', async () => {
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10));
    await zoom.remove(meeting);
    expect(fake.meetings()).toEqual([]);
    await zoom.remove(meeting);
    expect(calls('DELETE', ONE)).toHaveLength(2);
  });

  it('caches the account token across calls and providers, and fetches a new one after 401 code 124', async () => {
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10));
    await zoom.update(meeting, input('parley-b1', 11));
    await zoomWith().create(input('parley-b2', 12)); // the server makes a provider per job
    expect(tokenRequests()).toBe(1);
    const token = calls('POST', /^\/oauth\/token$/)[0]!;
    expect(token.body).toEqual({ grant_type: 'account_credentials', account_id: fake.accountId });

    fake.fault({ method: 'PATCH', path: ONE }, 'expired-token');
    await zoom.update(meeting, input('parley-b1', 13));
    expect(tokenRequests()).toBe(2);
    expect(calls('PATCH', ONE)).toHaveLength(3);
    expect(fake.meetings().find((m) => String(m.id) === meeting.meetingId)?.start_time).toBe(iso(base + 13 * H));
  });

  it('fetches a new token shortly before the old one expires', async () => {
    fake.tokenExpiresIn = 1;
    const zoom = zoomWith();
    await zoom.create(input('parley-b1', 10));
    await new Promise((r) => setTimeout(r, 950));
    await zoom.create(input('parley-b2', 11));
    expect(tokenRequests()).toBe(2);
    // Fetched before Zoom said no: no request was refused.
    expect(fake.requests.filter((r) => r.path.startsWith('/v2/'))).toHaveLength(4);
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    const zoom = zoomWith({ maxDelayMs: 3_000 });
    fake.fault({ method: 'GET', path: LIST }, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await zoom.create(input('parley-b1', 10));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.meetings()).toHaveLength(1);
    expect(calls('GET', LIST)).toHaveLength(2);
  });

  it('leaves a Retry-After longer than it may wait to the job queue: temporary, with the wait', async () => {
    const zoom = zoomWith({ maxDelayMs: 1_000 });
    fake.fault({ method: 'GET', path: LIST }, { status: 429, retryAfterSeconds: 60 });
    const err = await failure(zoom.create(input('parley-b1', 10)));
    expect(err.kind).toBe('temporary');
    expect(err.details).toMatchObject({ status: 429, retryAfterMs: 60_000 });
    expect(calls('GET', LIST)).toHaveLength(1);
  });

  it('retries 5xx (at the token endpoint too), then makes the meeting once', async () => {
    const zoom = zoomWith({ retries: 3 });
    fake.fault({ path: /^\/oauth\/token$/ }, { status: 503 });
    fake.fault({ method: 'POST', path: LIST, times: 2 }, { status: 500 });
    const meeting = await zoom.create(input('parley-b1', 10));
    expect(tokenRequests()).toBe(2);
    expect(calls('POST', LIST)).toHaveLength(3);
    expect(fake.meetings()).toEqual([expect.objectContaining({ id: Number(meeting.meetingId) })]);
  });

  it('gives up after the retries it was given: temporary, in the recruiter’s words', async () => {
    const zoom = zoomWith();
    fake.fault({ method: 'GET', path: LIST, times: 3 }, { status: 503 }); // exactly what 1 + 2 retries use up
    const down = await failure(zoom.create(input('parley-b1', 10)));
    expect(down.kind).toBe('temporary');
    expect(down.details.status).toBe(503);
    expect(down.message).toMatch(/temporary issues/);
    expect(calls('GET', LIST)).toHaveLength(3);
    expect(fake.meetings()).toEqual([]);

    fake.requests.length = 0;
    fake.fault({ method: 'GET', path: LIST, times: 3 }, { delayMs: 400 });
    const slow = await failure(zoomWith({ timeoutMs: 100 }).create(input('parley-b1', 10)));
    expect(slow.kind).toBe('temporary');
    expect(slow.message).toMatch(/did not answer/);
    expect(calls('GET', LIST)).toHaveLength(3);

    const unreachable = await failure(zoomWith({ oauthUrl: 'http://127.0.0.1:1', retries: 1 }).create(input('parley-b1', 10)));
    expect(unreachable.kind).toBe('temporary');
    expect(unreachable.message).toMatch(/could not reach Zoom/);
  });

  it('a host who is not a user of the Zoom account: not-authorized-user, in Scheduler’s words', async () => {
    const zoom = zoomWith();
    const err = await failure(zoom.create(input('parley-b1', 10, { hostEmail: 'stranger@example.com' })));
    expect(err.kind).toBe('not-authorized-user');
    expect(err.message).toMatch(/you are not an authorized user on your organization's Zoom account/i);
    expect(err.message).toContain('stranger@example.com');
    expect(err.details).toMatchObject({ status: 404, code: 1001 });
    expect(calls('GET', LIST)).toHaveLength(1); // not retried
    expect(calls('POST', LIST)).toHaveLength(0);
    expect(fake.meetings()).toEqual([]);
  });

  it('a disabled account: account', async () => {
    const zoom = zoomWith();
    const meeting = await zoom.create(input('parley-b1', 10));
    fake.fault({ path: /^\/v2\// }, 'account-disabled');
    const err = await failure(zoom.update(meeting, input('parley-b1', 11)));
    expect(err.kind).toBe('account');
    expect(err.message).toMatch(/disabled/);
    expect(tokenRequests()).toBe(2); // one fresh token asked for, refused
  });

  it('a wrong client secret: account, without retries', async () => {
    const err = await failure(zoomWith({ clientSecret: 'not-the-secret' }).create(input('parley-b1', 10)));
    expect(err.kind).toBe('account');
    expect(err.details).toMatchObject({ status: 400, code: 'invalid_client' });
    expect(err.message).toMatch(/client ID and secret/);
    expect(tokenRequests()).toBe(1);
    expect(calls('GET', LIST)).toHaveLength(0);
  });

  it('a token Zoom refuses even when fresh (124 after a refresh): account', async () => {
    fake.fault({ method: 'GET', path: LIST, times: 2 }, 'expired-token');
    const err = await failure(zoomWith().create(input('parley-b1', 10)));
    expect(err.kind).toBe('account');
    expect(err.details).toMatchObject({ status: 401, code: 124 });
    expect(tokenRequests()).toBe(2);
  });

  it('missing credentials or host address: config, and nothing is sent', async () => {
    for (const missing of ['accountId', 'clientId', 'clientSecret'] as const) {
      const err = await failure(zoomWith({ [missing]: '' }).create(input('parley-b1', 10)));
      expect(err.kind).toBe('config');
      expect(err.message).toMatch({ accountId: /account ID/, clientId: /client ID/, clientSecret: /client secret/ }[missing]);
    }
    const noHost = await failure(zoomWith().create(input('parley-b1', 10, { hostEmail: ' ' })));
    expect(noHost.kind).toBe('config');
    expect(fake.requests).toEqual([]);
  });
});
