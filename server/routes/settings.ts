import { Hono } from 'hono';
import { SchedulerSettingsSchema, type SchedulerSettings } from '../../lib/schemas.js';
import type { Sql } from '../db.js';
import type { AppEnv, Deps } from '../deps.js';
import { validate } from '../http.js';
import { requireRecruiter } from './auth.js';

export async function loadSettings(sql: Sql, recruiterId: string): Promise<SchedulerSettings> {
  const [row] = await sql.query<{ settings: unknown }>(`select settings from scheduler_settings where recruiter_id = $1`, [recruiterId]);
  return SchedulerSettingsSchema.parse(row?.settings);
}

export function settingsRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/', async (c) => c.json({ settings: await loadSettings(deps.db, c.get('recruiter').id) }))
    .put('/', validate('json', SchedulerSettingsSchema), async (c) => {
      const settings = c.req.valid('json');
      await deps.db.query(
        `insert into scheduler_settings (recruiter_id, settings, updated_at) values ($1, $2, now())
         on conflict (recruiter_id) do update set settings = excluded.settings, updated_at = now()`,
        [c.get('recruiter').id, JSON.stringify(settings)],
      );
      return c.json({ settings });
    });
}
