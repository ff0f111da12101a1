import type { Hono } from 'hono';
import { invalid, notFound, user } from './harvest.js';
import { now, personById, type FakeContext } from './state.js';
import { VISIBILITIES } from './types.js';

/**
 * Registers v1's two activity-feed writes on the v1 router: `POST /candidates/:id/activity_feed/notes`
 * (`{user_id, body, visibility}`) and `…/emails` (`{user_id, to, from, subject, body}`), each 201.
 */
export function registerActivity(v1: Hono, ctx: FakeContext) {
  const { fake } = ctx;

  const actingUserId = (b: Record<string, unknown>) => {
    const id = b.user_id;
    const s = typeof id === 'number' ? String(id) : typeof id === 'string' ? id.trim() : '';
    return s && fake.users.has(s) ? Number(s) : undefined;
  };

  v1.post('/candidates/:id/activity_feed/notes', async (c) => {
    const p = personById(ctx, c.req.param('id'));
    if (!p) return notFound(c);
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>;
    const errors: { message: string; field: string }[] = [];
    const uid = actingUserId(b);
    if (uid === undefined) errors.push({ message: 'Must be the id of a user', field: 'user_id' });
    if (typeof b.body !== 'string' || !b.body.trim()) errors.push({ message: 'Must be present', field: 'body' });
    if (typeof b.visibility !== 'string' || !VISIBILITIES.includes(b.visibility)) errors.push({ message: `Must be one of: ${VISIBILITIES.join(', ')}`, field: 'visibility' });
    if (errors.length) return invalid(c, errors);
    const note = { id: ctx.nextId(), created_at: now(), body: b.body as string, user_id: uid!, visibility: b.visibility as string };
    p.notes.push(note);
    return c.json({ id: note.id, created_at: note.created_at, body: note.body, user: user(note.user_id), private: note.visibility === 'private', visiblity: note.visibility, visibility: note.visibility }, 201);
  });

  v1.post('/candidates/:id/activity_feed/emails', async (c) => {
    const p = personById(ctx, c.req.param('id'));
    if (!p) return notFound(c);
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>;
    const errors: { message: string; field: string }[] = [];
    const uid = actingUserId(b);
    if (uid === undefined) errors.push({ message: 'Must be the id of a user', field: 'user_id' });
    for (const field of ['to', 'from', 'subject', 'body']) {
      if (typeof b[field] !== 'string' || !(b[field] as string).trim()) errors.push({ message: 'Must be present', field });
    }
    if (errors.length) return invalid(c, errors);
    const email = { id: ctx.nextId(), created_at: now(), to: b.to as string, from: b.from as string, subject: b.subject as string, body: b.body as string, user_id: uid! };
    p.emails.push(email);
    return c.json({ id: email.id, created_at: email.created_at, subject: email.subject, body: email.body, to: email.to, from: email.from, cc: [], user: user(uid!) }, 201);
  });
}
