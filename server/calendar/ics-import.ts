/**
 * .ics import for Parley's built-in calendar: turns an uploaded iCalendar file into the busy
 * intervals that fall inside a window. ical.js parses and expands recurrences (RRULE, RDATE,
 * EXDATE); this module decides what counts as busy and which zone a wall time is in.
 *
 * Time zone rules:
 * - UTC times ("…Z") are what they say.
 * - TZID times use the file's own VTIMEZONE when it has one (RFC 5545: it is authoritative).
 * - A TZID without a VTIMEZONE is read as an IANA name when it is one, else as `defaultTimeZone`.
 * - Floating times and all-day dates are in `defaultTimeZone`; an all-day event covers whole
 *   local days there.
 *
 * A hostile file must not hang the server: expansion is bounded both in instances returned and
 * in recurrence steps taken, and daily/weekly rules are fast-forwarded to the window instead of
 * being walked from a DTSTART decades earlier.
 */
import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

/** A busy interval, epoch ms, clipped to the requested window. */
export interface BusyEvent {
  uid: string;
  start: number;
  end: number;
  summary?: string;
  allDay: boolean;
}

export class IcsParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcsParseError';
  }
}

/** At most this many busy instances are returned for one window. */
export const MAX_INSTANCES = 5_000;
/** At most this many recurrence steps are taken for one file (≈1 s of ical.js work). */
export const MAX_RECURRENCE_STEPS = 50_000;
/** Larger uploads are refused before parsing. */
export const MAX_ICS_CHARS = 20_000_000;

const INVALID = 'This file is not a valid iCalendar (.ics) file';
const DAY_MS = 86_400_000;

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

export function parseIcsBusy(
  icsText: string,
  window: { from: number; to: number },
  defaultTimeZone: string,
): BusyEvent[] {
  if (!IANAZone.isValidZone(defaultTimeZone)) throw new RangeError(`Unknown time zone "${defaultTimeZone}"`);
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to)) throw new RangeError('Window bounds must be finite');
  if (window.to <= window.from) return [];
  if (icsText.length > MAX_ICS_CHARS) {
    throw new IcsParseError(`${INVALID}: it is larger than ${MAX_ICS_CHARS / 1_000_000} MB.`);
  }

  const calendars = parseCalendars(icsText);
  const collector = new BusyCollector(window);
  try {
    for (const calendar of calendars) collectCalendar(calendar, defaultTimeZone, collector);
  } catch (error) {
    if (error instanceof IcsParseError) throw error;
    // ical.js decodes values lazily, so malformed dates and rules surface here.
    throw new IcsParseError(`${INVALID}: ${readable(error)}`);
  }
  return collector.events.sort((a, b) => a.start - b.start || a.end - b.end);
}

function parseCalendars(icsText: string): Component[] {
  if (!/BEGIN:VCALENDAR/i.test(icsText)) {
    throw new IcsParseError(`${INVALID}: it has no BEGIN:VCALENDAR.`);
  }
  let jcal: unknown;
  try {
    jcal = ICAL.parse(icsText);
  } catch (error) {
    throw new IcsParseError(`${INVALID}: ${readable(error)}`);
  }
  // One calendar parses to ['vcalendar', props, comps]; several to a list of those.
  const roots = (Array.isArray(jcal) && typeof jcal[0] === 'string' ? [jcal] : (jcal as unknown[])) as unknown[];
  const calendars = roots.map((root) => new ICAL.Component(root as unknown[]));
  if (calendars.length === 0 || calendars.some((c) => c.name !== 'vcalendar')) {
    throw new IcsParseError(`${INVALID}: the top-level component is not VCALENDAR.`);
  }
  return calendars;
}

function readable(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine || 'unknown error';
}

class BusyCollector {
  readonly events: BusyEvent[] = [];
  private steps = 0;

  constructor(readonly window: { from: number; to: number }) {}

  /** Adds [start, end) clipped to the window; ignores empty or outside intervals. */
  add(uid: string, start: number, end: number, summary: string | undefined, allDay: boolean): void {
    if (end <= start || end <= this.window.from || start >= this.window.to) return;
    if (this.events.length >= MAX_INSTANCES) {
      throw new IcsParseError(
        `This calendar has more than ${MAX_INSTANCES.toLocaleString('en-US')} events in the requested period; import a shorter period or a smaller calendar.`,
      );
    }
    this.events.push({
      uid,
      start: Math.max(start, this.window.from),
      end: Math.min(end, this.window.to),
      ...(summary ? { summary } : {}),
      allDay,
    });
  }

  step(label: string): void {
    if (++this.steps > MAX_RECURRENCE_STEPS) {
      throw new IcsParseError(
        `This calendar's repeating events are too complex to expand (stopped at ${label}); simplify the recurrence rules or import a shorter period.`,
      );
    }
  }
}

function collectCalendar(calendar: Component, defaultZone: string, out: BusyCollector): void {
  const vevents = calendar.getAllSubcomponents('vevent');
  // Overridden instances (RECURRENCE-ID) belong to the series with the same UID.
  const overrides = new Map<string, Component[]>();
  const masters: Component[] = [];
  vevents.forEach((vevent, index) => {
    if (!vevent.hasProperty('uid')) vevent.addPropertyWithValue('uid', `parley-import-${index}`);
    if (vevent.hasProperty('recurrence-id')) {
      const uid = String(vevent.getFirstPropertyValue('uid'));
      overrides.set(uid, [...(overrides.get(uid) ?? []), vevent]);
    } else {
      masters.push(vevent);
    }
  });

  for (const master of masters) {
    const uid = String(master.getFirstPropertyValue('uid'));
    const overridden = new Set(
      (overrides.get(uid) ?? []).map((o) => timeToEpoch(propTime(o, 'recurrence-id'), propZone(o, 'recurrence-id', defaultZone), defaultZone)),
    );
    collectMaster(master, uid, overridden, defaultZone, out);
  }
  // Each override is an event of its own (it may have moved into or out of the window); an
  // override without a master in the file is still a busy interval.
  for (const [uid, list] of overrides) {
    for (const override of list) collectSingle(override, uid, defaultZone, out);
  }
}

function countsAsBusy(vevent: Component): boolean {
  const status = String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase();
  const transp = String(vevent.getFirstPropertyValue('transp') ?? '').toUpperCase();
  const msBusy = String(vevent.getFirstPropertyValue('x-microsoft-cdo-busystatus') ?? '').toUpperCase();
  return status !== 'CANCELLED' && transp !== 'TRANSPARENT' && msBusy !== 'FREE';
}

function propTime(vevent: Component, name: string): Time {
  const value = vevent.getFirstPropertyValue(name);
  if (!(value instanceof ICAL.Time)) throw new IcsParseError(`${INVALID}: an event has an invalid ${name.toUpperCase()}.`);
  return value;
}

/** The zone a floating-resolved wall time of `name` should be read in (see the module comment). */
function propZone(vevent: Component, name: string, defaultZone: string): string {
  const prop: Property | null = vevent.getFirstProperty(name);
  const tzid = prop?.getParameter('tzid');
  return typeof tzid === 'string' && IANAZone.isValidZone(tzid) ? tzid : defaultZone;
}

/**
 * Epoch ms of a time: dates are the start of that local day in `defaultZone`, floating times
 * (and TZIDs ical.js could not resolve) are wall times in `wallZone`, the rest is exact.
 */
function timeToEpoch(time: Time, wallZone: string, defaultZone: string): number {
  if (time.isDate) {
    return DateTime.fromObject({ year: time.year, month: time.month, day: time.day }, { zone: defaultZone }).toMillis();
  }
  const tzid = time.zone?.tzid;
  if (!tzid || tzid === 'floating') {
    return DateTime.fromObject(
      { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second },
      { zone: wallZone },
    ).toMillis();
  }
  return time.toUnixTime() * 1000;
}

interface EventShape {
  uid: string;
  summary: string | undefined;
  allDay: boolean;
  start: Time;
  wallZone: string;
  /** Whole days for all-day events, exact milliseconds otherwise. */
  length: { days: number } | { ms: number };
}

function shapeOf(vevent: Component, uid: string, defaultZone: string): EventShape | null {
  if (!vevent.hasProperty('dtstart')) return null;
  const event = new ICAL.Event(vevent);
  const start = propTime(vevent, 'dtstart');
  const end = event.endDate; // DTEND, or DTSTART + DURATION, or the next day for a date
  const wallZone = propZone(vevent, 'dtstart', defaultZone);
  const summaryValue = vevent.getFirstPropertyValue('summary');
  const summary = typeof summaryValue === 'string' && summaryValue ? summaryValue : undefined;
  if (start.isDate) {
    const days = Math.round(
      (Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(start.year, start.month - 1, start.day)) / DAY_MS,
    );
    return { uid, summary, allDay: true, start, wallZone, length: { days } };
  }
  const endZone = vevent.hasProperty('dtend') ? propZone(vevent, 'dtend', defaultZone) : wallZone;
  const ms = timeToEpoch(end, endZone, defaultZone) - timeToEpoch(start, wallZone, defaultZone);
  return { uid, summary, allDay: false, start, wallZone, length: { ms } };
}

function instanceBounds(shape: EventShape, occurrence: Time, defaultZone: string): [number, number] {
  const start = timeToEpoch(occurrence, shape.wallZone, defaultZone);
  if ('ms' in shape.length) return [start, start + shape.length.ms];
  const endDate = occurrence.clone();
  endDate.adjust(shape.length.days, 0, 0, 0);
  return [start, timeToEpoch(endDate, shape.wallZone, defaultZone)];
}

function maxLengthMs(shape: EventShape): number {
  return 'ms' in shape.length ? Math.max(0, shape.length.ms) : (shape.length.days + 1) * DAY_MS;
}

function collectSingle(vevent: Component, uid: string, defaultZone: string, out: BusyCollector): void {
  if (!countsAsBusy(vevent)) return;
  const shape = shapeOf(vevent, uid, defaultZone);
  if (!shape) return;
  const [start, end] = instanceBounds(shape, shape.start, defaultZone);
  out.add(uid, start, end, shape.summary, shape.allDay);
}

function collectMaster(
  vevent: Component,
  uid: string,
  overridden: Set<number>,
  defaultZone: string,
  out: BusyCollector,
): void {
  if (!countsAsBusy(vevent)) return;
  const isRecurring = vevent.hasProperty('rrule') || vevent.hasProperty('rdate');
  if (!isRecurring) {
    collectSingle(vevent, uid, defaultZone, out);
    return;
  }
  const shape = shapeOf(vevent, uid, defaultZone);
  if (!shape) return;

  const expansion = new ICAL.RecurExpansion({
    component: vevent,
    dtstart: fastForward(vevent, shape, out.window.from, defaultZone),
  });
  const label = shape.summary ? `"${shape.summary.slice(0, 60)}"` : `event ${uid.slice(0, 60)}`;
  for (;;) {
    out.step(label);
    const occurrence = expansion.next();
    if (!occurrence) break;
    const [start, end] = instanceBounds(shape, occurrence, defaultZone);
    if (start >= out.window.to) break; // occurrences come in order
    if (overridden.has(start)) continue;
    out.add(uid, start, end, shape.summary, shape.allDay);
  }
}

/**
 * A later DTSTART that yields the same occurrences from just before the window on. Only for a
 * single DAILY/WEEKLY rule without COUNT, moved by whole multiples of its period so BYxxx parts
 * and INTERVAL stay aligned. The shifted DTSTART is emitted once even if the rule would not
 * produce it, so it is kept at least one period plus the event length before the window.
 */
function fastForward(vevent: Component, shape: EventShape, windowFrom: number, defaultZone: string): Time {
  const rules = vevent.getAllProperties('rrule');
  const rule = rules[0]?.getFirstValue();
  if (rules.length !== 1 || !(rule instanceof ICAL.Recur) || rule.count) return shape.start;
  const periodDays = rule.freq === 'DAILY' ? 1 : rule.freq === 'WEEKLY' ? 7 : 0;
  if (!periodDays) return shape.start;
  const stepDays = periodDays * Math.max(1, rule.interval || 1);
  const startMs = timeToEpoch(shape.start, shape.wallZone, defaultZone);
  const periods = Math.floor((windowFrom - maxLengthMs(shape) - startMs) / (stepDays * DAY_MS)) - 1;
  if (periods <= 0) return shape.start;
  const shifted = shape.start.clone();
  shifted.adjust(periods * stepDays, 0, 0, 0);
  return shifted;
}
