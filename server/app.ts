import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEnv, Deps } from './deps.js';
import { errorBody, handleError, UserError } from './http.js';
import { openApiDocument } from './openapi.js';
import { BOOKING_JS } from './pages/booking-client.js';
import { CSS } from './pages/layout.js';
import { atsRoutes } from './routes/ats.js';
import { authRoutes } from './routes/auth.js';
import { bookingRoutes } from './routes/booking.js';
import { resolveClient } from './routes/client-key.js';
import { calendarRoutes } from './routes/calendar.js';
import { connectionRoutes } from './routes/connections.js';
import { interviewRoutes, notificationRoutes } from './routes/interviews.js';
import { invitationRoutes } from './routes/invitations.js';
import { joinRoutes } from './routes/join.js';
import { interviewerPageRoutes } from './routes/interviewer-page.js';
import { panelRoutes } from './routes/panels.js';
import { recruiterViewRoutes } from './routes/recruiter-view.js';
import { settingsRoutes } from './routes/settings.js';

const DEMO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo');
/** The demo page's own files: its look, the editor emulation it shares with the test fixtures, its behaviour. */
const DEMO_FILES: Record<string, string> = {
  'demo.css': 'text/css; charset=utf-8',
  'editor-emulation.js': 'text/javascript; charset=utf-8',
  'demo.js': 'text/javascript; charset=utf-8',
};
/** The demo page loads its style and scripts from its own origin (the global policy allows only nonced scripts). */
const DEMO_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The extension's own pages may call the API; no web origin may. */
const isExtensionOrigin = (origin: string) => /^(chrome|moz)-extension:\/\/[a-z0-9-]+$/i.test(origin);

export function createApp(deps: Deps) {
  const api = new Hono<AppEnv>()
    .use(cors({ origin: (o) => (isExtensionOrigin(o) ? o : null), allowHeaders: ['Authorization', 'Content-Type'], allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], maxAge: 600 }))
    .use(async (c, next) => {
      // The .ics import has its own, larger limit.
      if (c.req.path.endsWith('/calendar/import')) return next();
      return bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new UserError(413, 'The request body is too large (64 KB at most)'); } })(c, next);
    })
    .route('/auth', authRoutes(deps))
    .route('/settings', settingsRoutes(deps))
    .route('/calendar', calendarRoutes(deps))
    .route('/connections', connectionRoutes(deps))
    .route('/invitations', invitationRoutes(deps))
    .route('/interviews', interviewRoutes(deps))
    .route('/notifications', notificationRoutes(deps))
    .route('/ats', atsRoutes(deps))
    .route('/panels', panelRoutes(deps));

  const app = new Hono<AppEnv>();
  app.use('*', resolveClient(deps.config.trustProxyHops));
  // Outside secureHeaders, so it edits the policy after it is set: the join gateway forwards a form
  // post to the provider's meeting, so its form-action must allow https destinations.
  app.use('/j/*', async (c, next) => {
    await next();
    const csp = c.res.headers.get('content-security-policy');
    if (csp) c.res.headers.set('content-security-policy', csp.replace("form-action 'self'", "form-action 'self' https:"));
  });
  // Outside secureHeaders too, so the demo's own policy replaces the global one instead of being overwritten.
  app.use('/demo/*', async (c, next) => {
    await next();
    if (c.res.status < 400) c.res.headers.set('content-security-policy', DEMO_POLICY);
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"], styleSrc: ["'self'"], scriptSrc: [NONCE], imgSrc: ["'self'", 'data:'], formAction: ["'self'"],
        frameAncestors: ["'none'"], baseUri: ["'none'"], connectSrc: ["'self'"],
      },
      referrerPolicy: 'no-referrer',
      // Public pages carry bearer links: no page may frame them (frame-ancestors above, and this for older browsers).
      xFrameOptions: 'DENY',
    }),
  );
  app.onError(handleError);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json(errorBody('No such API route'), 404) : c.text('Not found', 404)));
  app.get('/healthz', async (c) => {
    await deps.db.query('select 1');
    return c.json({ ok: true, database: deps.db.kind, mail: deps.mailer.kind });
  });
  let openapi: object | undefined; // built on first request, when every route is registered
  app.get('/openapi.json', (c) => c.json((openapi ??= openApiDocument(app, { serverUrl: deps.config.publicUrl }))));
  // No icon, but no 404 either: browsers ask every page's origin for one, and log the 404 as a console error.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'public, max-age=86400' }));
  app.get('/assets/parley.css', (c) => c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/assets/booking.js', (c) => c.body(BOOKING_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.route('/api', api);
  app.route('/b', bookingRoutes(deps));
  app.route('/j', joinRoutes(deps));
  app.route('/i', interviewerPageRoutes(deps));
  app.route('/r', recruiterViewRoutes(deps));
  // A page shaped like LinkedIn messaging, so Parley can be tried without a LinkedIn account. Its
  // style and scripts are files of its own (DEMO_POLICY), nothing inline.
  app.get('/demo/messaging', async (c) => c.html(await readFile(path.join(DEMO_DIR, 'messaging.html'), 'utf8')));
  for (const [file, type] of Object.entries(DEMO_FILES)) {
    app.get(`/demo/${file}`, async (c) => c.body(await readFile(path.join(DEMO_DIR, file), 'utf8'), 200, { 'content-type': type, 'cache-control': 'no-cache' }));
  }
  return app;
}

export type AppType = ReturnType<typeof createApp>;
