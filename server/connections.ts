import type { Interval } from '../lib/availability/types.js';
import { connectError, type ConnectError } from '../lib/connect-errors.js';
import type { Database, Sql } from './db.js';
import type { Deps } from './deps.js';
import { ConnectFailure, refreshAccessToken, type OAuthProvider } from './oauth.js';
import { caldavCalendar } from './providers/calendar/caldav.js';
import { googleCalendar } from './providers/calendar/google.js';
import { localCalendar } from './providers/calendar/local.js';
import { microsoftCalendar } from './providers/calendar/microsoft.js';
import {
  CalendarUnavailableError, ProviderError, type AccessTokenSource, type CalendarApi, type CalendarDirectory, type CalendarProvider,
} from './providers/calendar/types.js';
import { label } from './providers/http.js';

export interface ConnectionRow {
  id: string;
  recruiter_id: string;
  provider: 'google' | 'microsoft' | 'caldav';
  account_email: string;
  server_url: string | null;
  username: string | null;
  secret_sealed: string;
  access_token_sealed: string | null;
  access_expires_at: Date | null;
  status: 'active' | 'needs_reconnect';
  last_sync_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}
export interface CalendarRow {
  id: string;
  connection_id: string;
  external_id: string;
  name: string;
  is_primary: boolean;
  read_only: boolean;
  use_for_conflicts: boolean;
  is_target: boolean;
}

type ApiDeps = Pick<Deps, 'db' | 'config' | 'sealer' | 'clock'>;

const refreshing = new Map<string, Promise<string>>();

/**
 * Access tokens for a Google or Microsoft connection: the cached one while it has a minute left,
 * else a refresh (one at a time per connection). A refused refresh marks the connection for reconnecting.
 */
export function tokenSource(deps: ApiDeps, connectionId: string, provider: OAuthProvider): AccessTokenSource {
  async function refresh(): Promise<string> {
    const running = refreshing.get(connectionId);
    if (running) return running;
    const job = (async () => {
      const [row] = await deps.db.query<ConnectionRow>(`select * from calendar_connections where id = $1`, [connectionId]);
      if (!row) throw new ProviderError(provider, 'auth', 'This calendar connection was removed');
      try {
        const answer = await refreshAccessToken(deps.config, provider, deps.sealer.open(row.secret_sealed));
        await deps.db.query(
          `update calendar_connections set access_token_sealed = $2, access_expires_at = $3,
                  secret_sealed = coalesce($4, secret_sealed), updated_at = now() where id = $1`,
          [connectionId, deps.sealer.seal(answer.access_token), new Date(deps.clock() + (answer.expires_in ?? 3600) * 1000),
            answer.refresh_token ? deps.sealer.seal(answer.refresh_token) : null],
        );
        return answer.access_token;
      } catch (err) {
        if (err instanceof ConnectFailure && err.status !== 502) {
          await markFailure(deps.db, connectionId, err.detail.title, true);
          throw new ProviderError(provider, 'auth', `${err.detail.title}. ${err.detail.whatToDo}`);
        }
        throw new ProviderError(provider, 'unavailable', err instanceof Error ? err.message : String(err));
      }
    })().finally(() => refreshing.delete(connectionId));
    refreshing.set(connectionId, job);
    return job;
  }
  return {
    async get() {
      const [row] = await deps.db.query<Pick<ConnectionRow, 'access_token_sealed' | 'access_expires_at'>>(
        `select access_token_sealed, access_expires_at from calendar_connections where id = $1`, [connectionId]);
      if (row?.access_token_sealed && row.access_expires_at && row.access_expires_at.getTime() - 60_000 > deps.clock()) {
        return deps.sealer.open(row.access_token_sealed);
      }
      return refresh();
    },
    refresh,
  };
}

export function apiFor(deps: ApiDeps, row: ConnectionRow): CalendarApi {
  const timeoutMs = deps.config.providerTimeoutMs;
  switch (row.provider) {
    case 'google':
      return googleCalendar({ baseUrl: deps.config.google.calendarUrl, token: tokenSource(deps, row.id, 'google'), timeoutMs });
    case 'microsoft':
      return microsoftCalendar({ baseUrl: deps.config.microsoft.graphUrl, token: tokenSource(deps, row.id, 'microsoft'), mailbox: row.account_email, timeoutMs });
    case 'caldav':
      return caldavCalendar({ serverUrl: row.server_url!, username: row.username!, password: deps.sealer.open(row.secret_sealed), timeoutMs });
  }
}

export async function markFailure(db: Sql, connectionId: string, message: string, needsReconnect: boolean) {
  await db.query(
    `update calendar_connections set last_error = $2, last_error_at = now(),
            status = case when $3 then 'needs_reconnect' else status end, updated_at = now() where id = $1`,
    [connectionId, message.slice(0, 500), needsReconnect],
  );
}

async function markSuccess(db: Sql, connectionId: string) {
  await db.query(
    `update calendar_connections set last_sync_at = now(), last_error = null, last_error_at = null where id = $1
       and (last_error is not null or last_sync_at is null or last_sync_at < now() - interval '30 seconds')`,
    [connectionId],
  );
}

/** What a provider failure means for the recruiter's health line. */
export function healthMessage(row: Pick<ConnectionRow, 'provider'>, err: unknown): string {
  if (err instanceof ProviderError) return err.message;
  return `${label(row.provider)} could not be read: ${err instanceof Error ? err.message : String(err)}`;
}

/** A connection's conflict calendars, seen as one busy source; failures never read as "free". */
function connectionBusySource(deps: ApiDeps, row: ConnectionRow, calendars: CalendarRow[]): CalendarProvider {
  return {
    id: row.provider,
    async busy(_recruiterId: string, range: Interval) {
      if (row.status === 'needs_reconnect') {
        throw new CalendarUnavailableError(row.provider, `${label(row.provider)} (${row.account_email}) needs to be reconnected`);
      }
      try {
        const busy = await apiFor(deps, row).busy(calendars.map((c) => c.external_id), range);
        await markSuccess(deps.db, row.id);
        return busy;
      } catch (err) {
        const message = healthMessage(row, err);
        await markFailure(deps.db, row.id, message, err instanceof ProviderError && err.kind === 'auth');
        throw new CalendarUnavailableError(row.provider, message);
      }
    },
    async changeMark() {
      if (row.status === 'needs_reconnect') return undefined;
      const api = apiFor(deps, row);
      return api.changeMark ? api.changeMark(calendars.map((c) => c.external_id)) : undefined;
    },
    upsertEvent: () => Promise.reject(new Error('not a write target')),
    deleteEvent: () => Promise.reject(new Error('not a write target')),
  };
}

/** The calendar that receives new events; remembers where each booking's event went. */
function connectedTarget(deps: ApiDeps, row: ConnectionRow, calendar: CalendarRow): CalendarProvider {
  return {
    id: row.provider,
    busy: () => Promise.reject(new Error('not a busy source')),
    async upsertEvent(_recruiterId, event) {
      const [link] = await deps.db.query<{ connected_calendar_id: string; external_id: string; etag: string | null }>(
        `select connected_calendar_id, external_id, etag from calendar_event_links where event_key = $1`, [event.key]);
      try {
        if (link) {
          const where = await writableCalendar(deps, link.connected_calendar_id);
          const ref = await where.api.updateEvent(where.calendar.external_id, { externalId: link.external_id, ...(link.etag ? { etag: link.etag } : {}) }, event);
          await deps.db.query(`update calendar_event_links set external_id = $2, etag = $3, updated_at = now() where event_key = $1`, [event.key, ref.externalId, ref.etag ?? null]);
        } else {
          const ref = await apiFor(deps, row).createEvent(calendar.external_id, event);
          await deps.db.query(
            `insert into calendar_event_links (event_key, connected_calendar_id, external_id, etag) values ($1, $2, $3, $4)
             on conflict (event_key) do update set external_id = excluded.external_id, etag = excluded.etag, updated_at = now()`,
            [event.key, calendar.id, ref.externalId, ref.etag ?? null]);
        }
        await markSuccess(deps.db, row.id);
      } catch (err) {
        await markFailure(deps.db, row.id, healthMessage(row, err), err instanceof ProviderError && err.kind === 'auth');
        throw err;
      }
    },
    async deleteEvent(_recruiterId, key) {
      const [link] = await deps.db.query<{ connected_calendar_id: string; external_id: string; etag: string | null }>(
        `select connected_calendar_id, external_id, etag from calendar_event_links where event_key = $1`, [key]);
      if (!link) return;
      const where = await writableCalendar(deps, link.connected_calendar_id);
      await where.api.deleteEvent(where.calendar.external_id, { externalId: link.external_id, ...(link.etag ? { etag: link.etag } : {}) });
      await deps.db.query(`delete from calendar_event_links where event_key = $1`, [key]);
    },
  };
}

async function writableCalendar(deps: ApiDeps, calendarId: string) {
  const [calendar] = await deps.db.query<CalendarRow>(`select * from connected_calendars where id = $1`, [calendarId]);
  const [connection] = calendar
    ? await deps.db.query<ConnectionRow>(`select * from calendar_connections where id = $1`, [calendar.connection_id])
    : [];
  if (!calendar || !connection) throw new ProviderError('local', 'not-found', 'The calendar this interview was written to is no longer connected');
  return { calendar, api: apiFor(deps, connection) };
}

/**
 * Calendars per recruiter: Parley's own (hand-entered and imported busy time) always counts; each
 * connected calendar ticked "check for conflicts" counts; new events go to the calendar marked as
 * the target, or to Parley's own when none is connected.
 */
export function connectionsDirectory(deps: ApiDeps): CalendarDirectory {
  const local = localCalendar(deps.db);
  return {
    local,
    async forRecruiter(recruiterId) {
      const connections = await deps.db.query<ConnectionRow>(`select * from calendar_connections where recruiter_id = $1`, [recruiterId]);
      if (!connections.length) return { conflicts: [local], target: local };
      const calendars = await deps.db.query<CalendarRow>(`select * from connected_calendars where recruiter_id = $1`, [recruiterId]);
      const conflicts: CalendarProvider[] = [local];
      let target: CalendarProvider = local;
      for (const row of connections) {
        const mine = calendars.filter((c) => c.connection_id === row.id);
        const checked = mine.filter((c) => c.use_for_conflicts);
        if (checked.length) conflicts.push(connectionBusySource(deps, row, checked));
        const t = mine.find((c) => c.is_target);
        if (t) target = connectedTarget(deps, row, t);
      }
      return { conflicts, target };
    },
  };
}

/** Stores (or refreshes) a connection and its calendar list; the first writable primary becomes the target if none is set. */
export async function saveConnection(
  deps: ApiDeps,
  recruiterId: string,
  c: { provider: ConnectionRow['provider']; accountEmail: string; secret: string; accessToken?: string; expiresIn?: number; scopes?: string[]; serverUrl?: string; username?: string },
  calendars: { id: string; name: string; primary: boolean; readOnly: boolean }[],
): Promise<string> {
  return (deps.db as Database).transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into calendar_connections (recruiter_id, provider, account_email, server_url, username, secret_sealed, access_token_sealed,
                                          access_expires_at, scopes, status, last_sync_at, last_error, last_error_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', now(), null, null)
       on conflict (recruiter_id, provider, account_email) do update set
         server_url = excluded.server_url, username = excluded.username, secret_sealed = excluded.secret_sealed,
         access_token_sealed = excluded.access_token_sealed, access_expires_at = excluded.access_expires_at, scopes = excluded.scopes,
         status = 'active', last_sync_at = now(), last_error = null, last_error_at = null, updated_at = now()
       returning id`,
      [recruiterId, c.provider, c.accountEmail, c.serverUrl ?? null, c.username ?? null, deps.sealer.seal(c.secret),
        c.accessToken ? deps.sealer.seal(c.accessToken) : null, c.accessToken ? new Date(deps.clock() + (c.expiresIn ?? 3600) * 1000) : null,
        (c.scopes ?? []).join(' ')],
    );
    const connectionId = row!.id;
    for (const cal of calendars) {
      await tx.query(
        `insert into connected_calendars (connection_id, recruiter_id, external_id, name, is_primary, read_only, use_for_conflicts)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (connection_id, external_id) do update set name = excluded.name, is_primary = excluded.is_primary, read_only = excluded.read_only`,
        [connectionId, recruiterId, cal.id, cal.name, cal.primary, cal.readOnly, cal.primary || !cal.readOnly],
      );
    }
    const known = calendars.map((c) => c.id);
    await tx.query(`delete from connected_calendars where connection_id = $1 and not (external_id = any($2::text[]))`, [connectionId, known]);
    const [hasTarget] = await tx.query(`select 1 from connected_calendars where recruiter_id = $1 and is_target`, [recruiterId]);
    if (!hasTarget) {
      await tx.query(
        `update connected_calendars set is_target = true where id = (
           select id from connected_calendars where connection_id = $1 and not read_only order by is_primary desc, name limit 1)`,
        [connectionId]);
    }
    return connectionId;
  });
}

/** Turns a provider failure during connecting into the catalogue's words. */
export function connectProblemFrom(err: unknown): ConnectError {
  if (err instanceof ConnectFailure) return err.detail;
  if (err instanceof ProviderError) {
    if (err.kind === 'scope') return connectError('insufficient-scopes', err.details.missing ? { missingScopes: err.details.missing } : {});
    if (err.kind === 'account') {
      const reason = err.details.reason ?? '';
      if (reason === 'not-calendar-user') return connectError('not-hosted');
      if (reason === 'no-mailbox') return connectError('no-mailbox');
      if (reason === 'not-caldav') return connectError('not-caldav');
      if (reason.includes('on-premise') || reason.includes('inactive')) return connectError('mailbox-inactive');
      return connectError('unknown', { cause: err.message });
    }
    if (err.kind === 'auth') return err.provider === 'caldav' ? connectError('bad-credentials') : connectError('reauthorize');
    if (err.kind === 'unavailable' || err.kind === 'timeout') return connectError('unknown', { cause: err.message });
  }
  return connectError('unknown', { cause: err instanceof Error ? err.message : String(err) });
}
