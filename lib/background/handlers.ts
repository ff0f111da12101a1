import { browser } from 'wxt/browser';
import { db } from '../db';
import type { messages, MessageType, Response, Result } from '../protocol';
import { InterviewSchema, InvitationSchema, NotificationSchema, RecruiterSchema, SchedulerSettingsSchema, type SchedulerSettings } from '../schemas';
import { z } from 'zod';
import { apiClient, DEFAULT_BACKEND_URL, toResult } from './api';
import { authorize, parseOAuthConfig } from './oauth';
import { atsHandlers } from './ats';
import { panelHandlers } from './panels';
import { ConnectionsSchema } from '../schemas';

type Handler<T extends MessageType> = (payload: z.output<(typeof messages)[T]['request']>) => Promise<Result<Response<T>>>;

const signedOut = { ok: false, error: 'Sign in to Parley first: click the Parley icon in the toolbar.', code: 'signed-out' } as const;

async function session() {
  return db.session.get('current');
}

/** Runs an authenticated call; a 401 means the session is gone, so it is forgotten here too. */
async function authed<T>(run: (api: ReturnType<typeof apiClient>) => Promise<T>): Promise<Result<T>> {
  const s = await session();
  if (!s) return signedOut;
  const result = await toResult(s.backendUrl, () => run(apiClient(s.backendUrl, s.token)));
  if (!result.ok && result.code === 'signed-out') await db.session.delete('current');
  return result;
}

async function cachedSettings(): Promise<SchedulerSettings | undefined> {
  const row = await db.meta.get('settings');
  const parsed = SchedulerSettingsSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : undefined;
}

export const handlers: { [T in MessageType]: Handler<T> } = {
  async 'session.get'() {
    const s = await session();
    return { ok: true, data: { recruiter: s?.recruiter ?? null, backendUrl: s?.backendUrl ?? (await db.meta.get('backendUrl'))?.value as string ?? DEFAULT_BACKEND_URL } };
  },

  async 'session.signIn'(p) {
    await db.meta.put({ key: 'backendUrl', value: p.backendUrl });
    const body = p.mode === 'login' ? { email: p.email, password: p.password } : { email: p.email, password: p.password, name: p.name, timeZone: p.timeZone };
    const result = await toResult(p.backendUrl, async () =>
      z.object({ token: z.string(), recruiter: RecruiterSchema }).parse(await apiClient(p.backendUrl).post(`auth/${p.mode}`, { json: body }).json()),
    );
    if (!result.ok) return result;
    await db.transaction('rw', [db.session, db.invitations, db.interviews, db.notifications, db.candidates, db.meta], async () => {
      const previous = await db.session.get('current');
      if (previous && previous.recruiter.id !== result.data.recruiter.id) {
        // Another account: nothing cached for the previous one may leak into this one.
        await Promise.all([db.invitations.clear(), db.interviews.clear(), db.notifications.clear(), db.candidates.clear(), db.meta.delete('candidatesSince')]);
      }
      await db.session.put({ id: 'current', token: result.data.token, recruiter: result.data.recruiter, backendUrl: p.backendUrl, savedAt: Date.now() });
    });
    return { ok: true, data: { recruiter: result.data.recruiter } };
  },

  async 'session.signOut'() {
    const s = await session();
    if (s) await toResult(s.backendUrl, () => apiClient(s.backendUrl, s.token).post('auth/logout').json());
    await Promise.all([db.session.clear(), db.invitations.clear(), db.interviews.clear(), db.notifications.clear(), db.candidates.clear(), db.meta.delete('settings'), db.meta.delete('candidatesSince')]);
    return { ok: true, data: {} };
  },

  async 'settings.get'() {
    const fresh = await authed(async (api) => SchedulerSettingsSchema.parse(((await api.get('settings').json()) as { settings: unknown }).settings));
    if (fresh.ok) {
      await db.meta.put({ key: 'settings', value: fresh.data });
      return { ok: true, data: { settings: fresh.data } };
    }
    const cached = fresh.code === 'network' ? await cachedSettings() : undefined;
    return cached ? { ok: true, data: { settings: cached } } : fresh;
  },

  async 'settings.save'(p) {
    const result = await authed(async (api) => SchedulerSettingsSchema.parse(((await api.put('settings', { json: p.settings }).json()) as { settings: unknown }).settings));
    if (!result.ok) return result;
    await db.meta.put({ key: 'settings', value: result.data });
    return { ok: true, data: { settings: result.data } };
  },

  async 'invitation.forRecipient'(p) {
    const result = await authed(async (api) =>
      InvitationSchema.parse(((await api.post('invitations', { json: p }).json()) as { invitation: unknown }).invitation),
    );
    if (!result.ok) return result;
    await db.invitations.put({ ...result.data, recipientKey: p.recipient.key, cachedAt: Date.now() });
    return { ok: true, data: { invitation: result.data } };
  },

  async 'recipients.recent'() {
    const rows = await db.invitations.orderBy('expiresAt').reverse().limit(200).toArray();
    const seen = new Set<string>();
    const recipients = rows
      .sort((a, b) => b.cachedAt - a.cachedAt)
      .filter((r) => !seen.has(r.recipientKey) && seen.add(r.recipientKey))
      .slice(0, 20)
      .map((r) => ({ key: r.recipientKey, ...(r.recipient.name ? { name: r.recipient.name } : {}) }));
    return { ok: true, data: { recipients } };
  },

  async 'video.nextForRecipient'(p) {
    return authed(async (api) => z.object({ interview: InterviewSchema.nullable() })
      .parse(await api.get('interviews/next', { searchParams: { recipientKey: p.recipient.key } }).json()));
  },
  async 'video.create'(p) {
    return authed(async (api) => z.object({ interview: InterviewSchema }).parse(await api.post('interviews', { json: p, timeout: 30_000 }).json()));
  },
  async 'video.addToInterview'(p) {
    return authed(async (api) => z.object({ interview: InterviewSchema })
      .parse(await api.post(`interviews/${encodeURIComponent(p.interviewId)}/video`, { json: { video: p.video } }).json()));
  },
  async 'interviews.list'(p) {
    const fromCache = async () => ({
      interviews: (await db.interviews.orderBy('start').toArray()).filter((i) => Date.parse(i.end) > Date.now()),
      notifications: (await db.notifications.orderBy('createdAt').reverse().limit(20).toArray()),
      cachedAt: ((await db.meta.get('interviewsAt'))?.value as number | undefined) ?? null,
    });
    if (!p.refresh) return { ok: true, data: await fromCache() };
    const result = await authed(async (api) => {
      const [i, n] = await Promise.all([api.get('interviews').json(), api.get('notifications').json()]);
      return {
        interviews: z.object({ interviews: z.array(InterviewSchema) }).parse(i).interviews,
        notifications: z.object({ notifications: z.array(NotificationSchema) }).parse(n).notifications,
      };
    });
    if (!result.ok) {
      // Offline: show what we had, and say so.
      const cached = await fromCache();
      return result.code === 'network' && cached.cachedAt ? { ok: true, data: cached } : result;
    }
    const now = Date.now();
    await db.transaction('rw', [db.interviews, db.notifications, db.meta], async () => {
      await db.interviews.clear();
      await db.interviews.bulkPut(result.data.interviews.map((i) => ({ ...i, cachedAt: now })));
      await db.notifications.clear();
      await db.notifications.bulkPut(result.data.notifications);
      await db.meta.put({ key: 'interviewsAt', value: now });
    });
    return { ok: true, data: { ...result.data, cachedAt: now } };
  },

  async 'calendar.list'(p) {
    return authed(async (api) => (await api.get('calendar/events', { searchParams: { from: p.from, to: p.to } }).json()) as Response<'calendar.list'>);
  },
  async 'calendar.add'(p) {
    return authed(async (api) => {
      await api.post('calendar/events', { json: p }).json();
      return {};
    });
  },
  async 'calendar.remove'(p) {
    return authed(async (api) => {
      await api.delete(`calendar/events/${encodeURIComponent(p.id)}`).json();
      return {};
    });
  },
  async 'calendar.import'(p) {
    return authed(async (api) => (await api.post('calendar/import', { body: p.ics, headers: { 'content-type': 'text/calendar' } }).json()) as { imported: number });
  },
  async 'connections.list'() {
    return authed(async (api) => ConnectionsSchema.parse(await api.get('connections').json()));
  },
  async 'connections.connectOAuth'(p) {
    const config = await authed(async (api) => parseOAuthConfig(await api.get(`connections/oauth/${p.provider}`).json()));
    if (!config.ok) return config;
    const grant = await authorize(p.provider, config.data);
    if (!grant.ok) return grant;
    return authed(async (api) => ConnectionsSchema.parse(await api.post(`connections/oauth/${p.provider}`, {
      json: { code: grant.data.code, codeVerifier: grant.data.verifier, redirectUri: grant.data.redirectUri },
      timeout: 60_000,
    }).json()));
  },
  async 'connections.connectCaldav'(p) {
    return authed(async (api) => ConnectionsSchema.parse(await api.post('connections/caldav', { json: p, timeout: 60_000 }).json()));
  },
  async 'connections.updateCalendar'(p) {
    const { calendarId, ...patch } = p;
    return authed(async (api) => ConnectionsSchema.parse(await api.patch(`connections/calendars/${encodeURIComponent(calendarId)}`, { json: patch }).json()));
  },
  async 'connections.refresh'(p) {
    return authed(async (api) => ConnectionsSchema.parse(await api.post(`connections/${encodeURIComponent(p.connectionId)}/refresh`).json()));
  },
  async 'connections.remove'(p) {
    return authed(async (api) => ConnectionsSchema.parse(await api.delete(`connections/${encodeURIComponent(p.connectionId)}`).json()));
  },
  async 'options.open'() {
    await browser.runtime.openOptionsPage();
    return { ok: true, data: {} };
  },
  ...atsHandlers(authed),
  ...panelHandlers(authed),
};
