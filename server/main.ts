import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { bootParley } from './boot.js';

/** `npm run server`: the backend on the embedded database (or DATABASE_URL). */
export async function startServer(env = process.env) {
  const config = loadConfig(env);
  const parley = await bootParley(config);
  const server = serve({ fetch: parley.app.fetch, port: config.port, hostname: config.host });
  console.log(`[parley] backend on ${config.publicUrl} (database: ${parley.deps.db.kind}, mail: ${parley.deps.mailer.kind})`);
  const stop = async () => {
    server.close();
    await parley.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { parley, server, config };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
