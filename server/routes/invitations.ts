import { Hono } from 'hono';
import { z } from 'zod';
import { CreateInvitationSchema } from '../../lib/schemas.js';
import type { AppEnv, Deps } from '../deps.js';
import { UserError, validate } from '../http.js';
import { INVITATION_COLUMNS, openInvitationFor, toInvitationJson, type InvitationRow } from '../services/invitations.js';
import { loadSettings } from './settings.js';
import { requireRecruiter } from './auth.js';

const ListQuery = z.object({
  recipientKey: z.string().min(3).max(300).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const IdParam = z.object({ id: z.uuid('Unknown invitation id') });

export function invitationRoutes(deps: Deps) {
  const { db } = deps;
  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .post('/', validate('json', CreateInvitationSchema), async (c) => {
      const input = c.req.valid('json');
      const recruiter = c.get('recruiter');
      const settings = await loadSettings(db, recruiter.id);
      const { row, reused } = await openInvitationFor(deps, recruiter.id, {
        recipient: input.recipient,
        durationMinutes: input.durationMinutes ?? settings.durationMinutes,
        expiresInDays: input.expiresInDays ?? settings.linkExpiryDays,
        video: input.video === undefined ? (settings.video.useByDefault ? settings.video.provider : null) : input.video,
      });
      return c.json({ invitation: toInvitationJson(deps, row, reused) }, reused ? 200 : 201);
    })
    .get('/', validate('query', ListQuery), async (c) => {
      const { recipientKey, limit } = c.req.valid('query');
      const rows = await db.query<InvitationRow>(
        `select ${INVITATION_COLUMNS}
           from invitations where recruiter_id = $1 and ($2::text is null or recipient_key = $2)
          order by created_at desc limit $3`,
        [c.get('recruiter').id, recipientKey ?? null, limit],
      );
      return c.json({ invitations: rows.map((r) => toInvitationJson(deps, r)) });
    })
    .post('/:id/revoke', validate('param', IdParam), async (c) => {
      const [row] = await db.query<{ status: string }>(
        `update invitations set status = case when status in ('created', 'opened') then 'revoked' else status end,
                revoked_at = case when status in ('created', 'opened') then now() else revoked_at end
          where id = $1 and recruiter_id = $2 returning status`,
        [c.req.valid('param').id, c.get('recruiter').id],
      );
      if (!row) throw new UserError(404, 'No such invitation');
      if (row.status === 'booked') throw new UserError(409, 'This link was already used to book an interview: cancel the interview instead');
      return c.json({ status: row.status });
    });
}
