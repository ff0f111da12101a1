import { Hono } from 'hono';
import { z } from 'zod';
import { connectError } from '../../lib/connect-errors.js';
import type { AppEnv, Deps } from '../deps.js';
import { errorBody, UserError, validate } from '../http.js';
import { accountEmail, clientFor, ConnectFailure, exchangeCode, missingScopes, normaliseScopes, revokeGrant, SCOPES, type OAuthProvider } from '../oauth.js';
import { apiFor, connectProblemFrom, saveConnection, type CalendarRow, type ConnectionRow } from '../connections.js';
import { caldavCalendar } from '../providers/calendar/caldav.js';
import { googleCalendar } from '../providers/calendar/google.js';
import { microsoftCalendar } from '../providers/calendar/microsoft.js';
import { requireRecruiter } from './auth.js';

const ProviderParam = z.object({ provider: z.enum(['google', 'microsoft'], { message: 'Unknown calendar provider' }) });
const ExchangeBody = z.object({
  code: z.string().min(1).max(4096),
  codeVerifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'Invalid PKCE code verifier'),
  redirectUri: z.url().max(500),
});
export const CaldavBody = z.object({
  serverUrl: z.url('Enter the server address, e.g. https://caldav.fastmail.com').max(500).refine((u) => /^https?:\/\//.test(u), 'The address must start with https://'),
  username: z.string().trim().min(1, 'Enter your user name').max(200),
  password: z.string().min(1, 'Enter the app password').max(500),
});
const CalendarPatch = z.object({ useForConflicts: z.boolean().optional(), isTarget: z.literal(true).optional() });
const IdParam = z.object({ id: z.uuid('Unknown id') });

export function connectionRoutes(deps: Deps) {
  const { db, config } = deps;

  async function list(recruiterId: string) {
    const connections = await db.query<ConnectionRow>(`select * from calendar_connections where recruiter_id = $1 order by created_at`, [recruiterId]);
    const calendars = await db.query<CalendarRow>(`select * from connected_calendars where recruiter_id = $1 order by is_primary desc, name`, [recruiterId]);
    return connections.map((c) => ({
      id: c.id, provider: c.provider, accountEmail: c.account_email, status: c.status,
      lastSyncAt: c.last_sync_at?.toISOString() ?? null, lastError: c.last_error, lastErrorAt: c.last_error_at?.toISOString() ?? null,
      calendars: calendars.filter((k) => k.connection_id === c.id).map((k) => ({
        id: k.id, name: k.name, primary: k.is_primary, readOnly: k.read_only, useForConflicts: k.use_for_conflicts, isTarget: k.is_target,
      })),
    }));
  }

  const failed = (err: unknown) => {
    const detail = connectProblemFrom(err);
    const status = err instanceof ConnectFailure ? err.status : 422;
    return { body: { ...errorBody(detail.title), connect: detail }, status } as const;
  };

  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/', async (c) => c.json({
      connections: await list(c.get('recruiter').id),
      providers: { google: !!(config.google.clientId && config.google.clientSecret), microsoft: !!(config.microsoft.clientId && config.microsoft.clientSecret), caldav: true },
    }))
    // What the background needs to start the authorization-code flow with PKCE itself.
    .get('/oauth/:provider', validate('param', ProviderParam), (c) => {
      const provider = c.req.valid('param').provider;
      try {
        const client = clientFor(config, provider);
        return c.json({ authorizeUrl: client.authorizeUrl, clientId: client.clientId, scopes: SCOPES[provider].request, params: SCOPES[provider].params });
      } catch (err) {
        const f = failed(err);
        return c.json(f.body, f.status);
      }
    })
    .post('/oauth/:provider', validate('param', ProviderParam), validate('json', ExchangeBody), async (c) => {
      const provider: OAuthProvider = c.req.valid('param').provider;
      const recruiterId = c.get('recruiter').id;
      try {
        await connectWithCode(deps, recruiterId, provider, c.req.valid('json'));
        return c.json({ connections: await list(recruiterId) }, 201);
      } catch (err) {
        const f = failed(err);
        return c.json(f.body, f.status);
      }
    })
    .post('/caldav', validate('json', CaldavBody), async (c) => {
      const input = c.req.valid('json');
      const recruiterId = c.get('recruiter').id;
      try {
        await connectCaldav(deps, recruiterId, input);
        return c.json({ connections: await list(recruiterId) }, 201);
      } catch (err) {
        const f = failed(err);
        return c.json(f.body, f.status);
      }
    })
    .patch('/calendars/:id', validate('param', IdParam), validate('json', CalendarPatch), async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const recruiterId = c.get('recruiter').id;
      await db.transaction(async (tx) => {
        const [cal] = await tx.query<CalendarRow>(`select * from connected_calendars where id = $1 and recruiter_id = $2 for update`, [id, recruiterId]);
        if (!cal) throw new UserError(404, 'No such calendar');
        if (patch.isTarget) {
          if (cal.read_only) throw new UserError(409, 'Parley cannot write to this calendar: choose one you can edit');
          await tx.query(`update connected_calendars set is_target = false where recruiter_id = $1 and is_target`, [recruiterId]);
          await tx.query(`update connected_calendars set is_target = true where id = $1`, [id]);
        }
        if (patch.useForConflicts !== undefined) await tx.query(`update connected_calendars set use_for_conflicts = $2 where id = $1`, [id, patch.useForConflicts]);
      });
      return c.json({ connections: await list(recruiterId) });
    })
    .post('/:id/refresh', validate('param', IdParam), async (c) => {
      const recruiterId = c.get('recruiter').id;
      const [row] = await db.query<ConnectionRow>(`select * from calendar_connections where id = $1 and recruiter_id = $2`, [c.req.valid('param').id, recruiterId]);
      if (!row) throw new UserError(404, 'No such connection');
      try {
        const calendars = await apiFor(deps, row).listCalendars();
        await saveConnection(deps, recruiterId, {
          provider: row.provider, accountEmail: row.account_email, secret: deps.sealer.open(row.secret_sealed),
          ...(row.server_url ? { serverUrl: row.server_url } : {}), ...(row.username ? { username: row.username } : {}),
        }, calendars);
        return c.json({ connections: await list(recruiterId) });
      } catch (err) {
        const f = failed(err);
        return c.json(f.body, f.status);
      }
    })
    .delete('/:id', validate('param', IdParam), async (c) => {
      const recruiterId = c.get('recruiter').id;
      const [row] = await db.query<ConnectionRow>(`delete from calendar_connections where id = $1 and recruiter_id = $2 returning *`, [c.req.valid('param').id, recruiterId]);
      if (!row) throw new UserError(404, 'No such connection');
      if (row.provider !== 'caldav') await revokeGrant(config, row.provider, deps.sealer.open(row.secret_sealed));
      return c.json({ connections: await list(recruiterId) });
    });
}

/**
 * Whose connection it is: an id, or a function making the account, called only once the provider
 * accepted (so a refused connection leaves nothing behind).
 */
type Account = string | (() => Promise<string>);
const accountId = (account: Account) => (typeof account === 'string' ? account : account());

/** Exchanges an authorization code and stores the connection (the extension's flow and the interviewer page's). */
export async function connectWithCode(deps: Deps, account: Account, provider: OAuthProvider, input: { code: string; codeVerifier: string; redirectUri: string }) {
  const { config } = deps;
  const tokens = await exchangeCode(config, provider, input);
  if (!tokens.refresh_token) throw new ConnectFailure(connectError('reauthorize', { cause: 'The provider did not grant lasting access (no refresh token).' }));
  const granted = normaliseScopes(tokens.scope);
  const missing = tokens.scope ? missingScopes(provider, granted) : [];
  if (missing.length) {
    await revokeGrant(config, provider, tokens.refresh_token);
    throw new ConnectFailure(connectError('insufficient-scopes', { missingScopes: missing }));
  }
  const email = await accountEmail(config, provider, tokens.access_token);
  const fixed = { get: async () => tokens.access_token, refresh: async () => tokens.access_token };
  const probe = provider === 'google'
    ? googleCalendar({ baseUrl: config.google.calendarUrl, token: fixed, timeoutMs: config.providerTimeoutMs })
    : microsoftCalendar({ baseUrl: config.microsoft.graphUrl, token: fixed, mailbox: email, timeoutMs: config.providerTimeoutMs });
  const calendars = await probe.listCalendars();
  await saveConnection(deps, await accountId(account), {
    provider, accountEmail: email, secret: tokens.refresh_token, accessToken: tokens.access_token,
    ...(tokens.expires_in ? { expiresIn: tokens.expires_in } : {}), scopes: granted,
  }, calendars);
}

/** Checks a CalDAV account by listing its calendars, and stores the connection. */
export async function connectCaldav(deps: Deps, account: Account, input: z.infer<typeof CaldavBody>) {
  const { config } = deps;
  const calendars = await caldavCalendar({ ...input, timeoutMs: config.providerTimeoutMs }).listCalendars();
  if (!calendars.length) throw new ConnectFailure(connectError('no-mailbox', { cause: 'The server has no calendars for this user.' }));
  await saveConnection(deps, await accountId(account), { provider: 'caldav', accountEmail: `${input.username}@${new URL(input.serverUrl).host}`.toLowerCase(), secret: input.password, serverUrl: input.serverUrl, username: input.username }, calendars);
}
