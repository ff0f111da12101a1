import { z } from 'zod';

/** Every setting comes from the environment; this schema is the one place that reads it. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().startsWith('postgres').optional(),
  DATA_DIR: z.string().default('./data'),
  PARLEY_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  // Keys that open values sealed before a rotation (npm run rotate-key), comma-separated.
  PARLEY_PREVIOUS_KEYS: z
    .string()
    .transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .refine((keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32), 'must be 32-byte keys, base64-encoded, separated by commas')
    .optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().default('Parley <no-reply@parley.localhost>'),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_AUTH_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_REVOKE_URL: z.url().default('https://oauth2.googleapis.com/revoke'),
  GOOGLE_USERINFO_URL: z.url().default('https://openidconnect.googleapis.com/v1/userinfo'),
  GOOGLE_CALENDAR_URL: z.url().default('https://www.googleapis.com/calendar/v3'),
  MICROSOFT_CLIENT_ID: z.string().optional(),
  MICROSOFT_CLIENT_SECRET: z.string().optional(),
  MICROSOFT_AUTHORITY: z.url().default('https://login.microsoftonline.com/common'),
  MICROSOFT_GRAPH_URL: z.url().default('https://graph.microsoft.com/v1.0'),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  BUSY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  // Reverse proxies in front of Parley that append the client's address to X-Forwarded-For (0 = none:
  // the header is ignored, since anyone can send it).
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  JITSI_BASE_URL: z.url().default('https://meet.jit.si'),
  ZOOM_ACCOUNT_ID: z.string().optional(),
  ZOOM_CLIENT_ID: z.string().optional(),
  ZOOM_CLIENT_SECRET: z.string().optional(),
  ZOOM_OAUTH_URL: z.url().default('https://zoom.us'),
  ZOOM_API_URL: z.url().default('https://api.zoom.us/v2'),
  LEVER_API_URL: z.url().default('https://api.lever.co/v1'),
  LEVER_APP_URL: z.url().default('https://hire.lever.co'),
  GREENHOUSE_API_URL: z.url().default('https://harvest.greenhouse.io/v1'),
  GREENHOUSE_APP_URL: z.url().default('https://app.greenhouse.io'),
});

export interface OAuthClientConfig {
  clientId?: string;
  clientSecret?: string;
  authorizeUrl: string;
  tokenUrl: string;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  secretKey?: string;
  /** Keys from before a rotation: they still open values, never seal new ones. */
  previousKeys: string[];
  smtpUrl?: string;
  mailFrom: string;
  sessionTtlDays: number;
  google: OAuthClientConfig & { revokeUrl: string; userinfoUrl: string; calendarUrl: string };
  microsoft: OAuthClientConfig & { graphUrl: string };
  providerTimeoutMs: number;
  /** How long booking pages reuse an interviewer's busy time (0 = always read live). */
  busyCacheTtlMs: number;
  /** Proxies whose X-Forwarded-For entries name the client (rate limits, join logs). */
  trustProxyHops: number;
  jitsiBaseUrl: string;
  zoom: { accountId?: string; clientId?: string; clientSecret?: string; oauthUrl: string; apiUrl: string };
  lever: { apiUrl: string; appUrl: string };
  greenhouse: { apiUrl: string; appUrl: string };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Parley's configuration is invalid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    secretKey: e.PARLEY_SECRET_KEY,
    previousKeys: e.PARLEY_PREVIOUS_KEYS ?? [],
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sessionTtlDays: e.SESSION_TTL_DAYS,
    google: {
      clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET, authorizeUrl: e.GOOGLE_AUTH_URL, tokenUrl: e.GOOGLE_TOKEN_URL,
      revokeUrl: e.GOOGLE_REVOKE_URL, userinfoUrl: e.GOOGLE_USERINFO_URL, calendarUrl: e.GOOGLE_CALENDAR_URL.replace(/\/$/, ''),
    },
    microsoft: {
      clientId: e.MICROSOFT_CLIENT_ID, clientSecret: e.MICROSOFT_CLIENT_SECRET,
      authorizeUrl: `${e.MICROSOFT_AUTHORITY.replace(/\/$/, '')}/oauth2/v2.0/authorize`,
      tokenUrl: `${e.MICROSOFT_AUTHORITY.replace(/\/$/, '')}/oauth2/v2.0/token`,
      graphUrl: e.MICROSOFT_GRAPH_URL.replace(/\/$/, ''),
    },
    providerTimeoutMs: e.PROVIDER_TIMEOUT_MS,
    busyCacheTtlMs: e.BUSY_CACHE_TTL_MS,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    jitsiBaseUrl: e.JITSI_BASE_URL.replace(/\/$/, ''),
    lever: { apiUrl: e.LEVER_API_URL.replace(/\/$/, ''), appUrl: e.LEVER_APP_URL.replace(/\/$/, '') },
    greenhouse: { apiUrl: e.GREENHOUSE_API_URL.replace(/\/$/, ''), appUrl: e.GREENHOUSE_APP_URL.replace(/\/$/, '') },
    zoom: { accountId: e.ZOOM_ACCOUNT_ID, clientId: e.ZOOM_CLIENT_ID, clientSecret: e.ZOOM_CLIENT_SECRET, oauthUrl: e.ZOOM_OAUTH_URL.replace(/\/$/, ''), apiUrl: e.ZOOM_API_URL.replace(/\/$/, '') },
  };
}
