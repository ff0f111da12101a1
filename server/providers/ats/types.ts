/** What Parley sends to an ATS about a person (from a profile page plus what the recruiter typed). */
export interface CandidateData {
  firstName: string;
  lastName: string;
  headline?: string;
  company?: string;
  title?: string;
  location?: string;
  emails: string[];
  phones: string[];
  /** The canonical profile URL first (LinkedIn, LinkedIn Recruiter, talent.io), then any others. */
  links: string[];
  /** Where the person was found: "LinkedIn", "LinkedIn Recruiter", "talent.io". */
  source: string;
}

export interface Posting {
  id: string;
  title: string;
  location?: string;
  team?: string;
  /** e.g. "published" / "open"; closed postings are not offered. */
  state?: string;
}

/** A person's record in the ATS (a Lever opportunity, a Greenhouse candidate or prospect). */
export interface AtsRecord {
  id: string;
  /** Opens the person in the ATS's web app. */
  url: string;
  kind: 'opportunity' | 'candidate' | 'prospect';
}

export interface AtsMessage {
  /** Stable per message, so pushing twice never makes two entries. */
  key: string;
  direction: 'sent' | 'received';
  at: number;
  from: string;
  to: string;
  subject?: string;
  text: string;
}

/**
 * One ATS account, as the backend reaches it (credentials never leave the backend). Every write is
 * safe to retry: `key`s make notes and messages idempotent where the ATS allows it, and callers
 * look a person up before creating them.
 */
export interface AtsConnector {
  readonly id: 'lever' | 'greenhouse';
  /** Open postings/jobs, every page. */
  listPostings(): Promise<Posting[]>;
  /** The ATS's own duplicate check: a person with this address, if any. */
  findByEmail(email: string): Promise<AtsRecord | undefined>;
  /** Creates the person, attached to the posting when given. */
  createCandidate(data: CandidateData, opts: { postingId?: string }): Promise<AtsRecord>;
  addNote(record: AtsRecord, note: { key: string; text: string }): Promise<void>;
  /** The message thread: Lever keeps it as notes, Greenhouse as emails in the activity feed. */
  addMessage(record: AtsRecord, message: AtsMessage): Promise<void>;
}

/**
 * - `auth`: the API key or client was refused (reconnect the ATS).
 * - `permission`: the key lacks a permission, or the acting user (`perform_as`, On-Behalf-Of) is not allowed.
 * - `rate-limit`, `unavailable`, `timeout`: temporary: queued exports finish later.
 * - `not-found`: the record or posting is gone (Greenhouse: may be a just-created candidate not yet visible).
 * - `invalid`: the ATS refused the data (e.g. a field it does not accept); `fields` names them.
 */
export class AtsError extends Error {
  constructor(
    readonly ats: 'lever' | 'greenhouse',
    readonly kind: 'auth' | 'permission' | 'rate-limit' | 'unavailable' | 'timeout' | 'not-found' | 'invalid',
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; fields?: string[] } = {},
  ) {
    super(message);
    this.name = 'AtsError';
  }
  get temporary() {
    return this.kind === 'rate-limit' || this.kind === 'unavailable' || this.kind === 'timeout';
  }
}
