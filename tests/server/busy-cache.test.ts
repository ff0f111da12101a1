import { describe, expect, it } from 'vitest';
import type { Interval } from '../../lib/availability/types.js';
import type { CalendarDirectory, CalendarProvider } from '../../server/providers/calendar/types.js';
import { busyOfAccount, createBusyCache, type BusySource } from '../../server/services/panel-people.js';

// The busy-time cache of panel booking pages: how long an entry holds with and without provider
// change marks, and which calendars it never holds (Parley's own).

const MIN = 60_000;
const range: Interval = { start: Date.parse('2026-04-06T00:00:00Z'), end: Date.parse('2026-04-20T00:00:00Z') };
const meeting = (h: number): Interval => ({ start: range.start + h * 3_600_000, end: range.start + (h + 1) * 3_600_000 });

/** A provider's calendars as a cache sees them: busy time and (optionally) a mark, each call counted. */
function calendar(opts: { marks?: boolean } = {}) {
  const state = { busy: [meeting(9)], version: 1, loads: 0, markCalls: 0, failMark: false };
  const source: BusySource = {
    load: async () => {
      state.loads++;
      return [...state.busy];
    },
    ...(opts.marks === false ? {} : {
      mark: async () => {
        state.markCalls++;
        if (state.failMark) throw new Error('the server keeps no CTag');
        return `v${state.version}`;
      },
    }),
  };
  /** The recruiter changes their calendar in the provider's own app. */
  const change = (busy: Interval[]) => {
    state.busy = busy;
    state.version++;
  };
  return { state, source, change };
}

describe('the busy-time cache', () => {
  it('without change marks: serves an entry for the TTL, then reads again', async () => {
    let now = 0;
    const cache = createBusyCache(MIN, () => now);
    const cal = calendar({ marks: false });
    expect(await cache.get('ann', range, cal.source)).toEqual([meeting(9)]);
    cal.change([meeting(11)]);
    now += MIN - 1;
    expect(await cache.get('ann', range, cal.source)).toEqual([meeting(9)]); // stale, within the TTL
    now += 1;
    expect(await cache.get('ann', range, cal.source)).toEqual([meeting(11)]);
    expect(cal.state.loads).toBe(2);
  });

  it('with change marks: asks the mark every 10 s, and reads again only when it moved', async () => {
    let now = 0;
    const cache = createBusyCache(MIN, () => now);
    const cal = calendar();
    await cache.get('ann', range, cal.source);
    expect(cal.state).toMatchObject({ loads: 1, markCalls: 1 });

    now += 9_999;
    await cache.get('ann', range, cal.source);
    expect(cal.state).toMatchObject({ loads: 1, markCalls: 1 }); // within the check interval: nothing asked

    // Past the TTL, nothing changed: one cheap mark per check, no new read, for as long as it holds.
    for (let i = 0; i < 12; i++) {
      now += 10_000;
      expect(await cache.get('ann', range, cal.source)).toEqual([meeting(9)]);
    }
    expect(cal.state).toMatchObject({ loads: 1, markCalls: 13 });

    // The recruiter adds a meeting: the next check after 10 s sees the mark move and reads again.
    cal.change([meeting(9), meeting(14)]);
    now += 10_000;
    expect(await cache.get('ann', range, cal.source)).toEqual([meeting(9), meeting(14)]);
    expect(cal.state.loads).toBe(2);
  });

  it('reads again after 15 minutes even when the mark never moves', async () => {
    let now = 0;
    const cache = createBusyCache(MIN, () => now);
    const cal = calendar();
    await cache.get('ann', range, cal.source);
    cal.state.busy = [meeting(16)]; // a change the mark missed
    now += 15 * MIN - 1;
    expect(await cache.get('ann', range, cal.source)).toEqual([meeting(9)]);
    now += 1;
    expect(await cache.get('ann', range, cal.source)).toEqual([meeting(16)]);
  });

  it('a mark that fails leaves the entry to the TTL, and views arriving together share one check', async () => {
    let now = 0;
    const cache = createBusyCache(MIN, () => now);
    const cal = calendar();
    await cache.get('ann', range, cal.source);
    now += 10_000;
    await Promise.all([1, 2, 3, 4, 5].map(() => cache.get('ann', range, cal.source)));
    expect(cal.state).toMatchObject({ loads: 1, markCalls: 2 });

    cal.state.failMark = true;
    now += 10_000;
    await cache.get('ann', range, cal.source); // the check fails: read again, and the new entry has no mark
    expect(cal.state.loads).toBe(2);
    now += MIN - 1;
    await cache.get('ann', range, cal.source);
    expect(cal.state.loads).toBe(2);
    now += 1;
    await cache.get('ann', range, cal.source);
    expect(cal.state.loads).toBe(3);
  });

  it('views that arrive while the first read runs wait for it instead of reading again', async () => {
    const cache = createBusyCache(MIN, () => 0);
    const cal = calendar();
    const views = await Promise.all([1, 2, 3, 4, 5].map(() => cache.get('ann', range, cal.source)));
    expect(views).toEqual(Array(5).fill([meeting(9)]));
    expect(cal.state).toMatchObject({ loads: 1, markCalls: 1 });
  });

  it('is off with a TTL of 0, and a read that fails is not kept', async () => {
    const off = createBusyCache(0);
    const cal = calendar();
    await off.get('ann', range, cal.source);
    await off.get('ann', range, cal.source);
    expect(cal.state).toMatchObject({ loads: 2, markCalls: 0 });

    const cache = createBusyCache(MIN, () => 0);
    let fail = true;
    const flaky: BusySource = { load: async () => { if (fail) throw new Error('Google is down'); return [meeting(10)]; } };
    await expect(cache.get('ann', range, flaky)).rejects.toThrow('Google is down');
    fail = false;
    expect(await cache.get('ann', range, flaky)).toEqual([meeting(10)]);
  });
});

describe("a person's busy time", () => {
  /** Parley's own calendar and one connected calendar, as the calendar directory gives them. */
  function directory(connected: CalendarProvider) {
    const own = { busy: [meeting(8)], reads: 0 };
    const local: CalendarProvider = {
      id: 'local',
      busy: async () => {
        own.reads++;
        return [...own.busy];
      },
      upsertEvent: async () => undefined,
      deleteEvent: async () => undefined,
    };
    const calendars: CalendarDirectory = { local, forRecruiter: async () => ({ conflicts: [local, connected], target: local }) };
    return { deps: { calendars }, own };
  }
  const connected = (cal: ReturnType<typeof calendar>, withMark: boolean): CalendarProvider => ({
    id: 'google',
    busy: () => cal.source.load(range),
    ...(withMark ? { changeMark: async () => cal.source.mark!() } : {}),
    upsertEvent: async () => undefined,
    deleteEvent: async () => undefined,
  });

  it("reads Parley's own calendar every time and the connected one through the cache, with its mark", async () => {
    let now = 0;
    const cache = createBusyCache(MIN, () => now);
    const cal = calendar();
    const { deps, own } = directory(connected(cal, true));
    const busy = await busyOfAccount(deps, 'ann', range, cache);
    expect(busy).toEqual([meeting(8), meeting(9)]);
    own.busy = [meeting(12)]; // an .ics import into Parley's calendar shows at once
    now += 5_000;
    expect(await busyOfAccount(deps, 'ann', range, cache)).toEqual([meeting(12), meeting(9)]);
    expect(own.reads).toBe(2);
    expect(cal.state).toMatchObject({ loads: 1, markCalls: 1 });
    cal.change([meeting(15)]);
    now += 10_000;
    expect(await busyOfAccount(deps, 'ann', range, cache)).toEqual([meeting(12), meeting(15)]);
  });

  it('without a mark from every connected calendar, the entry lives by the TTL; without a cache, all is live', async () => {
    let now = 0;
    const cache = createBusyCache(MIN, () => now);
    const cal = calendar();
    const { deps } = directory(connected(cal, false));
    await busyOfAccount(deps, 'ann', range, cache);
    cal.change([meeting(15)]);
    now += 30_000;
    expect(await busyOfAccount(deps, 'ann', range, cache)).toEqual([meeting(8), meeting(9)]);
    expect(cal.state.markCalls).toBe(0);
    expect(await busyOfAccount(deps, 'ann', range)).toEqual([meeting(8), meeting(15)]);
  });
});
