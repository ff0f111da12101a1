import { expect } from 'vitest';
import type { CalendarEventInput } from '../../server/providers/calendar/types.js';
import { VideoError, type MeetingInput } from '../../server/providers/video/types.js';

// The interviews the Google Meet and Teams tests (meet-video, teams-video) make meetings for, and how
// they expect a VideoError.

const H = 3_600_000;
const base = Date.parse('2026-04-06T00:00:00Z'); // a Monday

/** What the video job asks for. */
export const meeting = (key: string, startH: number): MeetingInput => ({
  key, start: base + startH * H, end: base + startH * H + H / 2, timeZone: 'Europe/Berlin', topic: `Interview ${key}`, hostEmail: 'recruiter@example.com',
});
/** What calendar sync writes for the same booking. */
export const calendarEvent = (key: string, startH: number): CalendarEventInput => ({
  key, start: base + startH * H, end: base + startH * H + H / 2, timeZone: 'Europe/Berlin', summary: `Interview: Carla Candidate (${key})`,
  description: 'Join with your personal Parley link.', attendees: [{ name: 'Carla Candidate', email: 'carla@example.com' }],
});
export const iso = (h: number) => new Date(base + h * H).toISOString();

export async function videoFailure(p: Promise<unknown>): Promise<VideoError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a VideoError, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VideoError);
  return err as VideoError;
}
