import { describe, expect, it } from 'vitest';
import { googleCalendarUrl, outlookCalendarUrl } from '../../lib/calendar-links';

const event = {
  title: 'Interview: Ada & Rita (30 min)',
  start: new Date('2026-03-10T14:00:00Z'),
  end: new Date('2026-03-10T14:30:00Z'),
  details: 'Join: https://parley.test/j/abc?code=1&x=2\nAccess code: 123 456 #',
  location: 'https://meet.jit.si/parley-abc+def',
};

describe('googleCalendarUrl', () => {
  it('builds a TEMPLATE link with UTC basic dates', () => {
    const url = new URL(googleCalendarUrl(event));
    expect(`${url.origin}${url.pathname}`).toBe('https://calendar.google.com/calendar/render');
    expect(url.searchParams.get('action')).toBe('TEMPLATE');
    expect(url.searchParams.get('text')).toBe(event.title);
    expect(url.searchParams.get('dates')).toBe('20260310T140000Z/20260310T143000Z');
    expect(url.searchParams.get('details')).toBe(event.details);
    expect(url.searchParams.get('location')).toBe(event.location);
  });

  it('percent-encodes every value (no raw spaces, "+", "&", "#" or newlines)', () => {
    const raw = googleCalendarUrl(event);
    expect(raw).toContain('text=Interview%3A%20Ada%20%26%20Rita%20(30%20min)');
    expect(raw).toContain('dates=20260310T140000Z%2F20260310T143000Z');
    expect(raw).toContain('location=https%3A%2F%2Fmeet.jit.si%2Fparley-abc%2Bdef');
    const query = raw.slice(raw.indexOf('?') + 1);
    expect(query).not.toMatch(/[ \n#+]/);
    expect(query.split('&').map((pair) => pair.split('=')[0])).toEqual(['action', 'text', 'dates', 'details', 'location']);
  });

  it('converts zoned instants to UTC and leaves out empty optional fields', () => {
    const url = new URL(
      googleCalendarUrl({
        title: 'Call',
        start: new Date('2026-07-01T09:15:00+05:45'),
        end: new Date('2026-07-01T10:00:00+05:45'),
      }),
    );
    expect(url.searchParams.get('dates')).toBe('20260701T033000Z/20260701T041500Z');
    expect(url.searchParams.has('details')).toBe(false);
    expect(url.searchParams.has('location')).toBe(false);
  });

  it('rejects invalid or reversed times', () => {
    expect(() => googleCalendarUrl({ ...event, start: new Date('nope') })).toThrow(RangeError);
    expect(() => googleCalendarUrl({ ...event, start: event.end, end: event.start })).toThrow(/end is before start/);
  });
});

describe('outlookCalendarUrl', () => {
  it('builds the compose deeplink with ISO UTC times', () => {
    const url = new URL(outlookCalendarUrl(event));
    expect(`${url.origin}${url.pathname}`).toBe('https://outlook.live.com/calendar/0/deeplink/compose');
    expect(url.searchParams.get('path')).toBe('/calendar/action/compose');
    expect(url.searchParams.get('rru')).toBe('addevent');
    expect(url.searchParams.get('startdt')).toBe('2026-03-10T14:00:00Z');
    expect(url.searchParams.get('enddt')).toBe('2026-03-10T14:30:00Z');
    expect(url.searchParams.get('subject')).toBe(event.title);
    expect(url.searchParams.get('body')).toBe(event.details);
    expect(url.searchParams.get('location')).toBe(event.location);
  });

  it('encodes spaces as %20 (Outlook shows a literal "+")', () => {
    const raw = outlookCalendarUrl(event);
    expect(raw).toContain('path=%2Fcalendar%2Faction%2Fcompose');
    expect(raw).toContain('subject=Interview%3A%20Ada%20%26%20Rita%20(30%20min)');
    expect(raw).toContain('body=Join%3A%20https%3A%2F%2Fparley.test%2Fj%2Fabc%3Fcode%3D1%26x%3D2%0AAccess%20code%3A%20123%20456%20%23');
    expect(raw.slice(raw.indexOf('?') + 1)).not.toMatch(/[ \n#+]/);
  });

  it('can target Microsoft 365 work accounts', () => {
    const url = new URL(outlookCalendarUrl(event, { account: 'work' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://outlook.office.com/calendar/0/deeplink/compose');
    expect(url.searchParams.get('startdt')).toBe('2026-03-10T14:00:00Z');
  });
});
