/**
 * "Add to calendar" links for the confirmation page and emails (pure).
 *
 * Every value is percent-encoded with encodeURIComponent (spaces as %20, not "+": Outlook shows a
 * literal "+" for form-encoded spaces). Times are sent in UTC so neither service has to guess a
 * zone; each shows them in the viewer's own zone.
 */

export interface CalendarLinkEvent {
  title: string;
  start: Date;
  end: Date;
  details?: string;
  location?: string;
}

/** Google Calendar's event template. */
export function googleCalendarUrl(event: CalendarLinkEvent): string {
  const { start, end } = checkedTimes(event);
  return buildUrl('https://calendar.google.com/calendar/render', [
    ['action', 'TEMPLATE'],
    ['text', event.title],
    ['dates', `${utcBasic(start)}/${utcBasic(end)}`],
    ['details', event.details],
    ['location', event.location],
  ]);
}

/**
 * Outlook's compose deeplink. `account: 'work'` targets Microsoft 365 (outlook.office.com)
 * instead of personal Outlook.com accounts; the parameters are the same.
 */
export function outlookCalendarUrl(event: CalendarLinkEvent, options: { account?: 'personal' | 'work' } = {}): string {
  const { start, end } = checkedTimes(event);
  const host = options.account === 'work' ? 'https://outlook.office.com' : 'https://outlook.live.com';
  return buildUrl(`${host}/calendar/0/deeplink/compose`, [
    ['path', '/calendar/action/compose'],
    ['rru', 'addevent'],
    ['startdt', utcIso(start)],
    ['enddt', utcIso(end)],
    ['subject', event.title],
    ['body', event.details],
    ['location', event.location],
  ]);
}

function checkedTimes(event: CalendarLinkEvent): { start: Date; end: Date } {
  const { start, end } = event;
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new RangeError('Calendar link: invalid date');
  if (end.getTime() < start.getTime()) throw new RangeError('Calendar link: end is before start');
  return { start, end };
}

function buildUrl(base: string, params: [string, string | undefined][]): string {
  const query = params
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base}?${query}`;
}

/** 2026-03-10T14:00:00.000Z → 20260310T140000Z */
function utcBasic(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** 2026-03-10T14:00:00.000Z → 2026-03-10T14:00:00Z */
function utcIso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
