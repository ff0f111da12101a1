import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { defaultSettings, LoginSchema, RegisterSchema } from '../../lib/schemas.js';
import { PG, pgErrorCode } from '../db.js';
import type { AppEnv, AuthedRecruiter, Deps } from '../deps.js';
import { sessionGuard, UserError, validate } from '../http.js';
import { clientIp, emailInBody, LIMITS, rateLimit, waitText } from '../rate-limit.js';
import { hashPassword, hashToken, newToken, verifyPassword } from '../secrets.js';

/** Bearer-token sessions; the token is stored hashed and expires after SESSION_TTL_DAYS. */
export function requireRecruiter(deps: Deps) {
  return sessionGuard(createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer ([A-Za-z0-9_-]{32})$/.exec(header)?.[1];
    if (!token) throw new UserError(401, 'Please sign in to Parley first');
    const [row] = await deps.db.query<AuthedRecruiter>(
      `select r.id, r.email, r.name from sessions s join recruiters r on r.id = s.recruiter_id
        where s.token_hash = $1 and s.expires_at > $2`,
      [hashToken(token), new Date(deps.clock())],
    );
    if (!row) throw new UserError(401, 'Your Parley session has expired. Please sign in again.');
    c.set('recruiter', row);
    await next();
  }));
}

export function authRoutes(deps: Deps) {
  const { db, config, clock } = deps;

  async function openSession(recruiter: AuthedRecruiter) {
    const token = newToken();
    const expires = new Date(clock() + config.sessionTtlDays * 86_400_000);
    await db.query(`insert into sessions (token_hash, recruiter_id, expires_at) values ($1, $2, $3)`, [hashToken(token), recruiter.id, expires]);
    return { token, recruiter };
  }

  // In Postgres, so the limits hold across processes: wrong passwords and refused sign-ups per
  // address, every attempt per client address.
  const tooMany = (seconds: number) => `Too many attempts. Please wait ${waitText(seconds)} and try again.`;
  const signUpLimit = rateLimit(deps, [[LIMITS.signUpPerAddress, emailInBody], [LIMITS.authPerIp, clientIp]], { as: 'json', message: tooMany });
  const signInLimit = rateLimit(deps, [[LIMITS.signInPerAddress, emailInBody], [LIMITS.authPerIp, clientIp]], { as: 'json', message: tooMany });

  return new Hono<AppEnv>()
    .post('/register', signUpLimit, validate('json', RegisterSchema), async (c) => {
      const input = c.req.valid('json');
      const passwordHash = await hashPassword(input.password);
      try {
        const recruiter = await db.transaction(async (tx) => {
          const [row] = await tx.query<AuthedRecruiter>(
            `insert into recruiters (email, name, password_hash) values ($1, $2, $3) returning id, email, name`,
            [input.email, input.name, passwordHash],
          );
          await tx.query(`insert into scheduler_settings (recruiter_id, settings) values ($1, $2)`, [
            row!.id,
            JSON.stringify(defaultSettings(input.timeZone ?? 'UTC')),
          ]);
          return row!;
        });
        return c.json(await openSession(recruiter), 201);
      } catch (err) {
        if (pgErrorCode(err) === PG.uniqueViolation) {
          // An interviewer's account (made when they shared their calendar or hours) has no
          // password yet: signing up with its address makes it theirs.
          const [claimed] = await db.query<AuthedRecruiter>(
            `update recruiters set password_hash = $2, name = $3 where email = $1 and password_hash = '' returning id, email, name`,
            [input.email, passwordHash, input.name]);
          if (claimed) return c.json(await openSession(claimed), 201);
          throw new UserError(409, 'An account with this email already exists. Sign in instead.', { email: 'Already registered' });
        }
        throw err;
      }
    })
    .post('/login', signInLimit, validate('json', LoginSchema), async (c) => {
      const { email, password } = c.req.valid('json');
      const [row] = await db.query<AuthedRecruiter & { password_hash: string }>(
        `select id, email, name, password_hash from recruiters where email = $1`,
        [email],
      );
      if (!row || !(await verifyPassword(password, row.password_hash))) {
        throw new UserError(401, 'That email and password do not match an account');
      }
      return c.json(await openSession({ id: row.id, email: row.email, name: row.name }));
    })
    .post('/logout', requireRecruiter(deps), async (c) => {
      const token = c.req.header('authorization')!.slice('Bearer '.length);
      await db.query(`delete from sessions where token_hash = $1`, [hashToken(token)]);
      return c.json({ ok: true });
    })
    .get('/me', requireRecruiter(deps), (c) => c.json({ recruiter: c.get('recruiter') }));
}
