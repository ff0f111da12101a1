import type { Invitation, Recipient, VideoProviderId } from '../../lib/schemas.js';
import { PG, pgErrorCode, type Sql } from '../db.js';
import type { Deps } from '../deps.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../secrets.js';

export interface InvitationRow {
  id: string;
  recruiter_id: string;
  recipient_key: string;
  recipient_name: string | null;
  recipient_profile_url: string | null;
  token_sealed: string;
  duration_minutes: number;
  status: 'created' | 'opened' | 'booked' | 'expired' | 'revoked';
  expires_at: Date;
  created_at: Date;
  video_provider: VideoProviderId | null;
  template_id: string | null;
  /** A panel link's frozen copy of its template (see services/panel-people.ts). */
  panel: unknown;
}

/** Stored status, with "expired" applied by time: nobody has to sweep the table for links to expire. */
export function effectiveStatus(row: Pick<InvitationRow, 'status' | 'expires_at'>, now: number): InvitationRow['status'] {
  if ((row.status === 'created' || row.status === 'opened') && row.expires_at.getTime() <= now) return 'expired';
  return row.status;
}

export function invitationUrl(deps: Pick<Deps, 'config'>, token: string): string {
  return `${deps.config.publicUrl}/b/${token}`;
}

export function toInvitationJson(deps: Deps, row: InvitationRow, reused?: boolean): Invitation {
  const recipient: Recipient = { key: row.recipient_key };
  if (row.recipient_name) recipient.name = row.recipient_name;
  if (row.recipient_profile_url) recipient.profileUrl = row.recipient_profile_url;
  return {
    id: row.id,
    url: invitationUrl(deps, deps.sealer.open(row.token_sealed)),
    recipient,
    durationMinutes: row.duration_minutes,
    status: effectiveStatus(row, deps.clock()),
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    ...(reused === undefined ? {} : { reused }),
  };
}

export const INVITATION_COLUMNS = `id, recruiter_id, recipient_key, recipient_name, recipient_profile_url, token_sealed,
  duration_minutes, status, expires_at, created_at, video_provider, template_id, panel`;

/**
 * The recipient's open link, or a new one. "Open" means created or opened and not yet expired;
 * asking again with another length or expiry updates that same link, so the candidate's copy stays valid.
 */
export async function openInvitationFor(
  deps: Deps,
  recruiterId: string,
  input: { recipient: Recipient; durationMinutes: number; expiresInDays: number; video: VideoProviderId | null; panel?: { templateId: string | null; snapshot: object } },
): Promise<{ row: InvitationRow; reused: boolean }> {
  const now = deps.clock();
  const expiresAt = new Date(now + input.expiresInDays * 86_400_000);
  const attempt = () =>
    deps.db.transaction(async (tx: Sql) => {
      await tx.query(
        `update invitations set status = 'expired'
          where recruiter_id = $1 and recipient_key = $2 and status in ('created', 'opened') and expires_at <= $3`,
        [recruiterId, input.recipient.key, new Date(now)],
      );
      const [open] = await tx.query<InvitationRow>(
        `update invitations
            set duration_minutes = $3, expires_at = greatest(expires_at, $4), video_provider = $7, template_id = $8, panel = $9,
                recipient_name = coalesce($5, recipient_name), recipient_profile_url = coalesce($6, recipient_profile_url)
          where recruiter_id = $1 and recipient_key = $2 and status in ('created', 'opened')
          returning ${INVITATION_COLUMNS}`,
        [recruiterId, input.recipient.key, input.durationMinutes, expiresAt, input.recipient.name ?? null, input.recipient.profileUrl ?? null, input.video,
          input.panel?.templateId ?? null, input.panel ? JSON.stringify(input.panel.snapshot) : null],
      );
      if (open) return { row: open, reused: true };
      const token = newToken();
      const [created] = await tx.query<InvitationRow>(
        `insert into invitations (recruiter_id, recipient_key, recipient_name, recipient_profile_url, token_hash, token_sealed,
                                  duration_minutes, status, expires_at, video_provider, template_id, panel)
         values ($1, $2, $3, $4, $5, $6, $7, 'created', $8, $9, $10, $11) returning ${INVITATION_COLUMNS}`,
        [recruiterId, input.recipient.key, input.recipient.name ?? null, input.recipient.profileUrl ?? null, hashToken(token),
          deps.sealer.seal(token), input.durationMinutes, expiresAt, input.video, input.panel?.templateId ?? null,
          input.panel ? JSON.stringify(input.panel.snapshot) : null],
      );
      return { row: created!, reused: false };
    });
  try {
    return await attempt();
  } catch (err) {
    // Two clicks at once: the other request created the link a moment ago; take it.
    if (pgErrorCode(err) === PG.uniqueViolation) return attempt();
    throw err;
  }
}

export async function findInvitationByToken(sql: Sql, token: string): Promise<InvitationRow | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await sql.query<InvitationRow>(`select ${INVITATION_COLUMNS} from invitations where token_hash = $1`, [hashToken(token)]);
  return row;
}
