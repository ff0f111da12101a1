import { randomBytes, randomUUID } from 'node:crypto';
import type { Calendar, FakeFault, FakeMicrosoft, StoredEvent } from './types.js';

/** Everything the fake keeps in memory for one account: its mailbox, its grants, the faults set up. */
export interface MicrosoftState {
  /** The account's object id (`oid` in tokens, `id` of /me). */
  userId: string;
  calendars: Map<string, Calendar>;
  events: Map<string, StoredEvent>;
  codes: Map<string, { clientId: string; redirectUri: string; challenge: string; scopes: string[]; nonce?: string; expiresAt: number; used: boolean }>;
  accessTokens: Map<string, { scopes: string[]; expiresAt: number }>;
  refreshTokens: Map<string, { scopes: string[]; revoked: boolean }>;
  faults: { method?: string; path: RegExp; remaining: number; fault: FakeFault }[];
  /** Graph requests to the mailbox being answered right now. */
  inFlight: number;
  defaultCalendarId: string;
  secondaryCalendarId: string;
  sharedCalendarId: string;
}

/** What the route-registering functions share: the test's handle (settings, counters, request log), the state and the address. */
export interface FakeContext {
  fake: FakeMicrosoft;
  state: MicrosoftState;
  /** http://127.0.0.1:port; '' until the server listens (no request can come before). */
  url: string;
}

export const graphId = (prefix = 'AAMkAD') => `${prefix}${randomBytes(30).toString('base64').replace(/\//g, '-').replace(/\+/g, '_')}=`;

/** An empty mailbox with the account's own calendar, a second writable one, a read-only shared one and Birthdays. */
export function createState(account: { email: string; displayName: string }): MicrosoftState {
  const userId = randomUUID();
  const calendars = new Map<string, Calendar>();
  const addCalendar = (c: Omit<Calendar, 'id' | 'color' | 'owner'> & { owner?: Calendar['owner'] }) => {
    const id = graphId('AAMkAGI2');
    calendars.set(id, { id, color: 'auto', owner: { name: account.displayName, address: account.email }, ...c });
    return id;
  };
  const defaultCalendarId = addCalendar({ name: 'Calendar', isDefaultCalendar: true, canEdit: true });
  const secondaryCalendarId = addCalendar({ name: 'Recruiting', isDefaultCalendar: false, canEdit: true });
  const sharedCalendarId = addCalendar({
    name: 'Dana Hiring-Manager',
    isDefaultCalendar: false,
    canEdit: false,
    owner: { name: 'Dana Hiring-Manager', address: 'dana@contoso.onmicrosoft.com' },
  });
  addCalendar({ name: 'Birthdays', isDefaultCalendar: false, canEdit: false });
  return {
    userId,
    calendars,
    events: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    faults: [],
    inFlight: 0,
    defaultCalendarId,
    secondaryCalendarId,
    sharedCalendarId,
  };
}

/** A calendar by id; 'calendar' is the default one (as in /me/calendar). */
export const resolveCalendar = (state: MicrosoftState, id: string) => (id === 'calendar' ? state.calendars.get(state.defaultCalendarId) : state.calendars.get(id));

/** The events of one calendar by start, then by creation. */
export const ordered = (state: MicrosoftState, calendarId: string) =>
  [...state.events.values()].filter((e) => e.calendarId === calendarId).sort((a, b) => a.start - b.start || a.created - b.created);
