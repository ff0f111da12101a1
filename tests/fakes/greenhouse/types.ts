/** The fake's public types (re-exported by index.ts), the shape of a stored person and Harvest's limits and value lists. */

export type FakeGreenhouseFault =
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503 }
  | { delayMs: number }
  | 'bad-key'
  | 'no-permission';

export interface FakeGreenhouseJob {
  id: number;
  name: string;
  status: 'open' | 'closed';
  offices: { name: string; location?: { name: string } }[];
  departments: { name: string }[];
}

export interface FakeGreenhouseCandidate {
  id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  title: string | null;
  is_prospect: boolean;
  email_addresses: { value: string; type: string }[];
  phone_numbers: { value: string; type: string }[];
  social_media_addresses: { value: string }[];
  website_addresses: { value: string; type: string }[];
  tags: string[];
  applications: { job_id: number | null; prospect: boolean }[];
  notes: string[];
  emails: { to: string; from: string; subject: string; body: string }[];
}

export interface FakeGreenhouse {
  /** v1 base `${url}/v1`; v3 token endpoint `${url}/oauth/token`, v3 base `${url}/v3`. */
  url: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
  /** The Greenhouse user writes are made on behalf of (On-Behalf-Of, `user_id`, v3 `sub`). */
  userId: string;
  /** Other users of the account (ids), e.g. one to act as. */
  users: Set<string>;
  /** ~120 jobs, some closed, so that lists take more than one page. */
  jobs: FakeGreenhouseJob[];
  candidates(): FakeGreenhouseCandidate[];
  /** Puts a person into the account behind Parley's back (as recruiters do in Greenhouse). */
  addCandidate(p: { first_name: string; last_name: string; emails?: string[]; jobId?: number; prospect?: boolean }): number;
  /** Greenhouse's delay after a create: a new person answers 404 (and is missing from lists) for this long. Default 0. */
  invisibleAfterCreateMs: number;
  /** Requests per window per credential (Harvest: `X-RateLimit-Limit` per 10 s). Default 50 per 10 s. */
  rateLimit: { limit: number; windowMs: number };
  fault(match: { method?: string; path: RegExp; times?: number }, fault: FakeGreenhouseFault): void;
  /** Every request, with its lower-cased headers and the status it was answered with. */
  requests: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: unknown; status?: number }[];
  close(): Promise<void>;
}

export interface StoredPerson {
  id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  title: string | null;
  email_addresses: { value: string; type: string }[];
  phone_numbers: { value: string; type: string }[];
  social_media_addresses: { value: string }[];
  website_addresses: { value: string; type: string }[];
  addresses: { value: string; type: string }[];
  tags: string[];
  applications: { id: number; job_id: number | null; prospect: boolean; applied_at: string }[];
  notes: { id: number; created_at: string; body: string; user_id: number; visibility: string }[];
  emails: { id: number; created_at: string; to: string; from: string; subject: string; body: string; user_id: number }[];
  created_at: string;
  visibleAt: number;
}

export const MAX_PER_PAGE = 500;
export const DEFAULT_PER_PAGE = 100;
export const EMAIL_TYPES = ['personal', 'work', 'other'];
export const PHONE_TYPES = ['home', 'work', 'mobile', 'skype', 'other'];
export const WEBSITE_TYPES = ['personal', 'company', 'portfolio', 'blog', 'other'];
export const ADDRESS_TYPES = ['home', 'work', 'other'];
export const VISIBILITIES = ['admin_only', 'private', 'public'];
