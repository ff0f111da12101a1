import Dexie, { type EntityTable } from 'dexie';
import type { Interview, Invitation, Notification, Recruiter } from './schemas';

/**
 * The extension's IndexedDB, opened only by the background and extension pages (the extension's
 * origin): content scripts run in the page's origin and cannot reach it, so the session token here
 * is out of their reach.
 */
export interface SessionRow { id: 'current'; token: string; recruiter: Recruiter; backendUrl: string; savedAt: number }
export interface InvitationCacheRow extends Invitation { recipientKey: string; cachedAt: number }
export interface InterviewCacheRow extends Interview { cachedAt: number }
export interface MetaRow { key: string; value: unknown }

export class ParleyDb extends Dexie {
  session!: EntityTable<SessionRow, 'id'>;
  invitations!: EntityTable<InvitationCacheRow, 'recipientKey'>;
  interviews!: EntityTable<InterviewCacheRow, 'id'>;
  notifications!: EntityTable<Notification, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;

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
  }
}

export const db = new ParleyDb();
