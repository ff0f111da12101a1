import { zValidator } from '@hono/zod-validator';
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ApiError } from '../lib/schemas.js';
import { layout } from './pages/layout.js';

/** A refusal the user can act on: becomes a 4xx with `message` as the readable reason. */
export class UserError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorBody(message: string, fields?: Record<string, string>): ApiError {
  return { error: fields ? { message, fields } : { message } };
}

export function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function zodMessage(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'The request is not valid';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${where}${first.message}`;
}

/** What a `validate()` middleware checks: recorded on it, so the OpenAPI document is built from the routes themselves. */
export const VALIDATES = Symbol.for('parley.validates');
export interface Validation {
  target: keyof ValidationTargets;
  schema: z.ZodType;
}

/** Marks a middleware that lets only signed-in recruiters through (a bearer session), for the OpenAPI document. */
export const REQUIRES_SESSION = Symbol.for('parley.requiresSession');
export function sessionGuard<M extends MiddlewareHandler>(middleware: M): M {
  Object.defineProperty(middleware, REQUIRES_SESSION, { value: true });
  return middleware;
}

/** zValidator with Parley's uniform 400 body; the schema stays readable on the middleware (`VALIDATES`). */
export function validate<Target extends keyof ValidationTargets, T extends z.ZodType>(target: Target, schema: T) {
  const middleware = zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const error = result.error as unknown as z.ZodError;
      return c.json(errorBody(zodMessage(error), zodFields(error)), 400);
    }
  });
  Object.defineProperty(middleware, VALIDATES, { value: { target, schema } satisfies Validation });
  return middleware;
}

const unreadable = (what: string) => new UserError(400, `The request body could not be read: ${what}`);

/** The JSON body, or a readable 400 when it is not JSON. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch (err) {
    if (err instanceof HTTPException || err instanceof UserError) throw err;
    throw unreadable('it is not valid JSON.');
  }
}

/** A posted form's fields (urlencoded or multipart), or a readable 400 when it cannot be parsed (e.g. a bad multipart boundary). */
export async function readForm(c: Context, opts: { all?: boolean } = {}): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all: opts.all ?? false });
  } catch (err) {
    // bodyLimit's refusal (413) and the like pass through as they are.
    if (err instanceof HTTPException || err instanceof UserError) throw err;
    throw unreadable('it is not a form Parley can read. Send it again from the page.');
  }
}

/** An API client (JSON in, or JSON asked for) rather than a browser on one of the public pages. */
const wantsJson = (c: Context) =>
  c.req.path.startsWith('/api/') || c.req.path === '/api' || /json/i.test(c.req.header('content-type') ?? '') || (c.req.header('accept') ?? '').startsWith('application/json');

function errorPage(c: Context, status: ContentfulStatusCode, message: string): Response | Promise<Response> {
  const title = status >= 500 ? 'Something went wrong' : status === 413 ? 'That request is too large' : 'We could not do that';
  return c.html(layout({ title, body: html`<h1>${title}</h1><p>${message}</p>` }), status);
}

/**
 * The one error handler: user errors and HTTP exceptions become readable JSON for the API (and API
 * clients of the public pages), a readable HTML page for browsers; the rest a 500 without a stack.
 */
export function handleError(err: Error, c: Context): Response | Promise<Response> {
  const answer = (status: ContentfulStatusCode, message: string, fields?: Record<string, string>) =>
    wantsJson(c) ? c.json(errorBody(message, fields), status) : errorPage(c, status, message);
  if (err instanceof UserError) return answer(err.status, err.message, err.fields);
  if (err instanceof HTTPException) {
    const message = err.status === 413 ? 'The request body is too large' : err.message || 'The request was not accepted';
    return answer(err.status, message);
  }
  console.error('[parley] unexpected error', c.req.method, c.req.path, err);
  return answer(500, 'Something went wrong on our side. Please try again in a moment.');
}
