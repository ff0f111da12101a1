import Dexie, { type EntityTable } from 'dexie';
import type { AtsCandidate, AtsEntry, Interview, Invitation, Notification, Recruiter } from './schemas';

/**
 * The extension's IndexedDB, opened only by the background and extension pages (the extension's
 * origin): content scripts run in the page's origin and cannot reach it, so the session token here
 * is out of their reach.
 */
export interface SessionRow { id: 'current'; token: string; recruiter: Recruiter; backendUrl: string; savedAt: number }
export interface InvitationCacheRow extends Invitation { recipientKey: string; cachedAt: number }
export interface InterviewCacheRow extends Interview { cachedAt: number }
export interface MetaRow { key: string; value: unknown }
/** A person exported to (or found in) the ATS: what In-ATS badges and the profile panel render from. */
export interface CandidateRow extends AtsCandidate { entries?: AtsEntry[] }
/** The posting last chosen in a LinkedIn Recruiter project or a talent.io position. */
export interface PostingDefaultRow { contextKey: string; postingId: string }

export class ParleyDb extends Dexie {
  session!: EntityTable<SessionRow, 'id'>;
  invitations!: EntityTable<InvitationCacheRow, 'recipientKey'>;
  interviews!: EntityTable<InterviewCacheRow, 'id'>;
  notifications!: EntityTable<Notification, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  candidates!: EntityTable<CandidateRow, 'profileKey'>;
  postingDefaults!: EntityTable<PostingDefaultRow, 'contextKey'>;

  constructor(name = 'parley') {
    super(name);
    // Version 1: never edit; add version(2) with an upgrade when the shape changes.
    this.version(1).stores({
      session: 'id',
      invitations: 'recipientKey, id, expiresAt',
      interviews: 'id, start',
      notifications: 'id, createdAt',
      meta: 'key',
    });
    // Version 2: the ATS cache (candidates by profile key, remembered postings).
    this.version(2).stores({
      candidates: 'profileKey, profileUrl, updatedAt',
      postingDefaults: 'contextKey',
    });
  }
}

export const db = new ParleyDb();
