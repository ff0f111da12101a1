import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ApiError } from '../lib/schemas.js';

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

/** zValidator with Parley's uniform 400 body. */
export function validate<Target extends keyof ValidationTargets, T extends z.ZodType>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const error = result.error as unknown as z.ZodError;
      return c.json(errorBody(zodMessage(error), zodFields(error)), 400);
    }
  });
}

/** The one error handler: user errors and HTTP exceptions become readable JSON; the rest a 500 without a stack. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof UserError) return c.json(errorBody(err.message, err.fields), err.status);
  if (err instanceof HTTPException) {
    const message = err.status === 413 ? 'The request body is too large' : err.message || 'The request was not accepted';
    return c.json(errorBody(message), err.status);
  }
  console.error('[parley] unexpected error', c.req.method, c.req.path, err);
  return c.json(errorBody('Something went wrong on our side. Please try again in a moment.'), 500);
}
