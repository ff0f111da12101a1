import { beforeEach, describe, expect, it } from 'vitest';
import type { CalendarApi, CalendarEventInput } from '../../server/providers/calendar/types.js';
import { ProviderError } from '../../server/providers/calendar/types.js';

/**
 * The behaviour every CalendarApi (Google, Microsoft, CalDAV) must show, run against each
 * implementation with its fake or real server. `setup` gives a fresh, empty calendar each time.
 */
export interface ContractHarness {
  api: CalendarApi;
  /** A writable calendar of the connected account. */
  calendarId: string;
  /** Puts an event into that calendar behind the provider's back (as the recruiter's own meetings). */
  addForeignEvent(e: { start: number; end: number; summary: string; transparent?: boolean; cancelled?: boolean }): Promise<void>;
  /** How many events with this summary the server holds. */
  countEvents(summary: string): Promise<number>;
  /** The provider keeps no change marker Parley reads (its busy-time cache then lives by a TTL). */
  withoutChangeMark?: true;
}

const H = 3_600_000;
const base = Date.parse('2026-04-06T00:00:00Z'); // a Monday

export function calendarContract(name: string, setup: () => Promise<ContractHarness>) {
  describe(`${name}: the calendar contract`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await setup();
    });

    const event = (key: string, startH: number, summary = `Interview ${key}`): CalendarEventInput => ({
      key, start: base + startH * H, end: base + startH * H + H / 2, timeZone: 'Europe/Berlin', summary,
      description: 'Phone: +49 30 1234567', attendees: [{ name: 'Carla Candidate', email: 'carla@example.com' }],
    });

    it('lists the calendars, with the writable one among them', async () => {
      const calendars = await h.api.listCalendars();
      const mine = calendars.find((c) => c.id === h.calendarId);
      expect(mine).toBeDefined();
      expect(mine!.readOnly).toBe(false);
    });

    it('reports busy time inside the range, and ignores free and cancelled events', async () => {
      await h.addForeignEvent({ start: base + 9 * H, end: base + 10 * H, summary: 'Team sync' });
      await h.addForeignEvent({ start: base + 12 * H, end: base + 13 * H, summary: 'Lunch (free)', transparent: true });
      await h.addForeignEvent({ start: base + 14 * H, end: base + 15 * H, summary: 'Cancelled thing', cancelled: true });
      await h.addForeignEvent({ start: base + 48 * H, end: base + 49 * H, summary: 'Outside the range' });
      const busy = await h.api.busy([h.calendarId], { start: base, end: base + 24 * H });
      expect(busy.map((b) => [b.start, b.end])).toEqual([[base + 9 * H, base + 10 * H]]);
    });

    it('creates an event once per key, even when the create is retried', async () => {
      const first = await h.api.createEvent(h.calendarId, event('k1', 9));
      const again = await h.api.createEvent(h.calendarId, event('k1', 9));
      expect(again.externalId).toBe(first.externalId);
      expect(await h.countEvents('Interview k1')).toBe(1);
      const busy = await h.api.busy([h.calendarId], { start: base, end: base + 24 * H });
      expect(busy.map((b) => [b.start, b.end])).toEqual([[base + 9 * H, base + 9.5 * H]]);
    });

    it('moves an event on update and removes it on delete; deleting twice is fine', async () => {
      const ref = await h.api.createEvent(h.calendarId, event('k2', 9));
      const moved = await h.api.updateEvent(h.calendarId, ref, event('k2', 11));
      const busy = await h.api.busy([h.calendarId], { start: base, end: base + 24 * H });
      expect(busy.map((b) => [b.start, b.end])).toEqual([[base + 11 * H, base + 11.5 * H]]);
      await h.api.deleteEvent(h.calendarId, moved);
      await h.api.deleteEvent(h.calendarId, moved);
      expect(await h.api.busy([h.calendarId], { start: base, end: base + 24 * H })).toEqual([]);
      expect(await h.countEvents('Interview k2')).toBe(0);
    });

    it('fails with a ProviderError, never an empty "free" answer, for an unknown calendar', async () => {
      await expect(h.api.busy(['no-such-calendar-x'], { start: base, end: base + 24 * H })).rejects.toBeInstanceOf(ProviderError);
    });

    it('keeps its change mark while nothing changes, and moves it with every change (its own and the recruiter’s)', async () => {
      expect(h.api.changeMark === undefined).toBe(h.withoutChangeMark === true);
      if (!h.api.changeMark) return;
      const mark = () => h.api.changeMark!([h.calendarId]);
      // Timestamps are a change marker's usual grain: let each change land in a later millisecond.
      const tick = () => new Promise((r) => setTimeout(r, 5));
      const first = await mark();
      expect(await mark()).toBe(first);
      await h.api.busy([h.calendarId], { start: base, end: base + 24 * H });
      expect(await mark()).toBe(first);

      await tick();
      await h.addForeignEvent({ start: base + 9 * H, end: base + 10 * H, summary: 'Team sync' });
      const afterForeign = await mark();
      expect(afterForeign).not.toBe(first);
      await tick();
      const ref = await h.api.createEvent(h.calendarId, event('k3', 11));
      const afterCreate = await mark();
      expect(afterCreate).not.toBe(afterForeign);
      await tick();
      await h.api.updateEvent(h.calendarId, ref, event('k3', 13));
      const afterUpdate = await mark();
      expect(afterUpdate).not.toBe(afterCreate);
      await tick();
      await h.api.deleteEvent(h.calendarId, ref);
      expect(await mark()).not.toBe(afterUpdate);
      await expect(h.api.changeMark(['no-such-calendar-x'])).rejects.toBeInstanceOf(ProviderError);
    });
  });
}
