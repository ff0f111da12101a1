import type { Config } from './config.js';
import type { Database } from './db.js';
import type { JobQueue } from './jobs.js';
import type { Mailer } from './mail.js';
import type { CalendarDirectory } from './providers/calendar/types.js';
import type { Sealer } from './secrets.js';
import type { BusyCache } from './services/panel-people.js';

/** Everything routes need from the outside world, passed in (tests build it with a real database). */
export interface Deps {
  db: Database;
  config: Config;
  clock: () => number;
  sealer: Sealer;
  mailer: Mailer;
  calendars: CalendarDirectory;
  jobs: JobQueue;
  /** Interviewers' busy time for booking pages, kept briefly (a booking always re-reads live). */
  busyCache: BusyCache;
}

export interface AuthedRecruiter {
  id: string;
  email: string;
  name: string;
}

export type AppEnv = { Variables: { recruiter: AuthedRecruiter; client: string } };
