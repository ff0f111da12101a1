import type { Handler, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { BookingFormSchema } from '../lib/booking-form.js';
import { ApiErrorSchema, TimeZoneSchema, WEEKDAYS } from '../lib/schemas.js';
import { REQUIRES_SESSION, VALIDATES, type Validation } from './http.js';
import { CaldavBody } from './routes/connections.js';

/*
 * The OpenAPI 3.1 document of the running app, built from its routes: every route validates through
 * `validate()` (server/http.ts), which records its zod schema on the middleware; the session guard
 * is marked too. Walking `app.routes` gives method, path and handlers, so a new route is in the
 * document without anyone remembering to add it. Routes without a validator (the public pages,
 * which take form posts) are described below, in `DESCRIBED`.
 */

type JsonSchema = Record<string, unknown>;
type Handlers = (Handler | MiddlewareHandler)[];
interface RouteLike { method: string; path: string; handler: Handler | MiddlewareHandler }

export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  tags: string[];
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema; description?: string }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
}
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

/** What a route without a validator accepts (the public pages, the .ics import, files). */
interface Described {
  summary: string;
  query?: z.ZodObject;
  /** A form post (urlencoded or multipart) and, where the route also answers API clients, JSON. */
  form?: z.ZodType;
  json?: z.ZodType;
  body?: { mediaType: string; schema: JsonSchema };
  /** What it answers with, besides JSON errors: text/html for pages. */
  produces?: string;
  /** The route also answers JSON to API clients (Content-Type or Accept application/json). */
  alsoJson?: boolean;
  pathParams?: Record<string, JsonSchema>;
}

const TOKEN = { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$', description: 'The secret token of the link' };
const Tz = z.object({ tz: z.string().optional().describe('IANA time zone to show times in') });
const DESCRIBED: Record<string, Described> = {
  'GET /healthz': { summary: 'Liveness: the database answers' },
  'GET /openapi.json': { summary: 'This document' },
  'GET /assets/parley.css': { summary: 'The stylesheet of the public pages', produces: 'text/css' },
  'GET /demo/messaging': { summary: 'A page shaped like LinkedIn messaging, to try Parley without LinkedIn', produces: 'text/html' },
  'POST /api/calendar/import': {
    summary: 'Import busy time from an .ics file (2 MB at most)',
    body: { mediaType: 'text/calendar', schema: { type: 'string', description: 'An iCalendar file' } },
  },
  'GET /b/:token': {
    summary: "The candidate's booking page: the times to pick from, or the booked interview",
    produces: 'text/html', pathParams: { token: TOKEN },
    query: Tz.extend({ reschedule: z.literal('1').optional(), booked: z.literal('1').optional(), rescheduled: z.literal('1').optional(), cancelled: z.literal('1').optional() }),
  },
  'GET /b/:token/slots': { summary: 'The times offered on a booking link', pathParams: { token: TOKEN }, query: Tz, alsoJson: true },
  'GET /b/:token/confirm': {
    summary: 'The confirm step for a picked time', produces: 'text/html', pathParams: { token: TOKEN },
    query: z.object({ start: z.iso.datetime({ offset: true }), tz: z.string(), reschedule: z.literal('1').optional() }),
  },
  'POST /b/:token/book': { summary: 'Book the picked time', produces: 'text/html', alsoJson: true, pathParams: { token: TOKEN }, form: BookingFormSchema, json: BookingFormSchema },
  'POST /b/:token/reschedule': {
    summary: 'Move the booked interview to another offered time', produces: 'text/html', alsoJson: true, pathParams: { token: TOKEN },
    form: z.object({ start: z.iso.datetime({ offset: true }), timeZone: TimeZoneSchema }),
    json: z.object({ start: z.iso.datetime({ offset: true }), timeZone: TimeZoneSchema }),
  },
  'POST /b/:token/cancel': { summary: 'Cancel the booked interview', produces: 'text/html', alsoJson: true, pathParams: { token: TOKEN } },
  'GET /b/:token/interview.ics': { summary: 'The booked interview as an .ics file', produces: 'text/calendar', pathParams: { token: TOKEN }, query: Tz },
  'GET /j/:token': { summary: "A participant's own join page", produces: 'text/html', pathParams: { token: TOKEN }, query: Tz },
  'POST /j/:token': {
    summary: 'Join: checks the access code and forwards to the meeting inside its window', produces: 'text/html', pathParams: { token: TOKEN },
    form: z.object({ code: z.string().max(20).optional().describe('The access code, where the link has one') }),
  },
  'GET /i/oauth/callback': {
    summary: 'Back from Google or Microsoft after an interviewer connected a calendar', produces: 'text/html',
    query: z.object({ state: z.string(), code: z.string().optional(), error: z.string().optional() }),
  },
  'GET /i/:token': { summary: "An interviewer's one-time page: connect a calendar or mark working hours", produces: 'text/html', pathParams: { token: TOKEN } },
  'GET /i/:token/connect/:provider': {
    summary: 'Start connecting Google Calendar or Microsoft 365 (redirects to the provider)', produces: 'text/html',
    pathParams: { token: TOKEN, provider: { type: 'string', enum: ['google', 'microsoft'] } },
  },
  'POST /i/:token/caldav': { summary: "Connect the interviewer's CalDAV calendar", produces: 'text/html', pathParams: { token: TOKEN }, form: CaldavBody },
  'POST /i/:token/hours': {
    summary: "Save the interviewer's working hours", produces: 'text/html', pathParams: { token: TOKEN },
    form: z.object({
      timeZone: TimeZoneSchema,
      days: z.array(z.enum(WEEKDAYS)).min(1),
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      end: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/),
    }),
  },
};

/** Hono's `/a/:id/b` as OpenAPI's `/a/{id}/b` (regex constraints and optional marks dropped). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}
const pathParamNames = (honoPath: string) => [...honoPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

/** Does a middleware registered with `use(pattern)` run for `path`? */
function covers(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return true;
  const source = pattern
    .split(/(\/\*$|\*|:[A-Za-z0-9_]+)/)
    .map((part) => (part === '/*' ? '(?:/.*)?' : part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`).test(path);
}

const validationOf = (h: Handler | MiddlewareHandler): Validation | undefined => (h as unknown as Record<symbol, Validation | undefined>)[VALIDATES];
const isSessionGuard = (h: Handler | MiddlewareHandler) => (h as unknown as Record<symbol, unknown>)[REQUIRES_SESSION] === true;

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), its `$defs` moved into the components. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>, prefix: string): JsonSchema {
  let out: JsonSchema;
  try {
    out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  } catch (err) {
    return { description: `Not describable as JSON Schema (${err instanceof Error ? err.message : String(err)})` };
  }
  const { $schema: _ignored, $defs, ...rest } = out as JsonSchema & { $defs?: Record<string, JsonSchema> };
  if (!$defs) return rest;
  const rename = (name: string) => `${prefix}_${name}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) =>
      [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${rename(v.slice(8))}` : rewrite(v)]));
  };
  for (const [name, def] of Object.entries($defs)) components[rename(name)] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

function operationId(method: string, path: string): string {
  const words = path.split('/').filter(Boolean).map((s) => s.replace(/^:/, 'by-').replace(/[^A-Za-z0-9]+/g, '-'));
  return [method.toLowerCase(), ...words].join('-').replace(/-+/g, '-').replace(/-(.)/g, (_, ch: string) => ch.toUpperCase());
}

function tagOf(path: string): string {
  const [first, second] = path.split('/').filter(Boolean);
  if (first === 'api') return second ?? 'api';
  return ({ b: 'booking pages', j: 'join pages', i: 'interviewer pages' } as Record<string, string>)[first ?? ''] ?? 'site';
}

/** Query or path parameters from an object schema. */
function parametersFrom(where: 'query' | 'path', schema: JsonSchema): NonNullable<OpenApiOperation['parameters']> {
  const parts = (schema.allOf as JsonSchema[] | undefined) ?? [schema];
  const params: NonNullable<OpenApiOperation['parameters']> = [];
  for (const part of parts) {
    const properties = (part.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((part.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(properties)) params.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
  }
  return params;
}

const errorRef = { $ref: '#/components/responses/Error' };

/** The document for `app` (anything with Hono's `routes`). */
export function openApiDocument(app: { routes: RouteLike[] }, opts: { serverUrl?: string } = {}): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  schemas.ApiError = jsonSchema(ApiErrorSchema, 'output', schemas, 'ApiError');

  const middleware: RouteLike[] = [];
  const operations = new Map<string, { method: string; path: string; handlers: Handlers }>();
  for (const r of app.routes) {
    if (r.method === 'ALL') {
      middleware.push(r);
      continue;
    }
    const key = `${r.method} ${r.path}`;
    const op = operations.get(key) ?? { method: r.method, path: r.path, handlers: [] };
    op.handlers.push(r.handler);
    operations.set(key, op);
  }

  const paths: OpenApiDocument['paths'] = {};
  const usedIds = new Set<string>();
  for (const [key, { method, path, handlers }] of operations) {
    const described = DESCRIBED[key];
    const applicable = [...middleware.filter((m) => covers(m.path, path)).map((m) => m.handler), ...handlers];
    const secured = applicable.some(isSessionGuard);
    const validations = handlers.map(validationOf).filter((v): v is Validation => !!v);
    const prefix = operationId(method, path);
    const isApi = path.startsWith('/api/');

    const parameters: NonNullable<OpenApiOperation['parameters']> = [];
    const paramValidation = validations.find((v) => v.target === 'param');
    const paramSchemas = paramValidation
      ? Object.fromEntries(parametersFrom('path', jsonSchema(paramValidation.schema, 'input', schemas, `${prefix}_path`)).map((p) => [p.name, p.schema]))
      : {};
    for (const name of pathParamNames(path)) {
      parameters.push({ name, in: 'path', required: true, schema: paramSchemas[name] ?? described?.pathParams?.[name] ?? { type: 'string' } });
    }
    for (const v of validations.filter((x) => x.target === 'query')) parameters.push(...parametersFrom('query', jsonSchema(v.schema, 'input', schemas, `${prefix}_query`)));
    if (described?.query) parameters.push(...parametersFrom('query', jsonSchema(described.query, 'input', schemas, `${prefix}_query`)));

    const content: Record<string, { schema: JsonSchema }> = {};
    for (const v of validations) {
      if (v.target === 'json') content['application/json'] = { schema: jsonSchema(v.schema, 'input', schemas, `${prefix}_body`) };
      if (v.target === 'form') {
        const s = jsonSchema(v.schema, 'input', schemas, `${prefix}_form`);
        content['application/x-www-form-urlencoded'] = { schema: s };
        content['multipart/form-data'] = { schema: s };
      }
    }
    if (described?.form) {
      const s = jsonSchema(described.form, 'input', schemas, `${prefix}_form`);
      content['application/x-www-form-urlencoded'] = { schema: s };
      content['multipart/form-data'] = { schema: s };
    }
    if (described?.json) content['application/json'] = { schema: jsonSchema(described.json, 'input', schemas, `${prefix}_body`) };
    if (described?.body) content[described.body.mediaType] = { schema: described.body.schema };

    // The API answers JSON; other routes say what they answer, or are listed without a media type.
    const produces = described?.produces ?? (isApi || described ? 'application/json' : undefined);
    const success: Record<string, unknown> = produces === 'application/json' || described?.alsoJson ? { 'application/json': { schema: {} } } : {};
    if (produces && produces !== 'application/json') success[produces] = { schema: { type: 'string' } };
    const responses: Record<string, unknown> = { '2XX': { description: 'Done', ...(Object.keys(success).length ? { content: success } : {}) } };
    if (produces === 'text/html') responses['3XX'] = { description: 'On to the next page (form posts answer with a redirect)' };
    if (isApi || described?.alsoJson || produces === 'application/json') {
      if (validations.length || Object.keys(content).length) responses['400'] = errorRef;
      if (secured) responses['401'] = errorRef;
      responses['4XX'] = errorRef;
    } else {
      responses['4XX'] = { description: 'Refused, with the reason on a page', content: { 'text/html': { schema: { type: 'string' } } } };
    }

    let id = operationId(method, path);
    for (let n = 2; usedIds.has(id); n++) id = `${operationId(method, path)}${n}`;
    usedIds.add(id);
    const operation: OpenApiOperation = {
      operationId: id,
      ...(described?.summary ? { summary: described.summary } : {}),
      tags: [tagOf(path)],
      ...(parameters.length ? { parameters } : {}),
      ...(Object.keys(content).length ? { requestBody: { required: validations.some((v) => v.target === 'json' || v.target === 'form') || !!described?.body, content } } : {}),
      responses,
      ...(secured ? { security: [{ bearerAuth: [] }] } : {}),
    };
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley',
      version: '1',
      description: 'The backend of the Parley recruiting extension (/api) and its public pages (/b booking, /j join, /i interviewers). Every 4xx of the API answers `ApiError`.',
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    paths,
    components: {
      schemas,
      responses: { Error: { description: 'Refused: `error.message` says why, `error.fields` which fields', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } } },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The session token from /api/auth/login or /api/auth/register' } },
    },
  };
}
