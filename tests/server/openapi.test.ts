import { describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../../lib/schemas.js';
import { openApiPath, type OpenApiDocument } from '../../server/openapi.js';
import { useParley } from './harness.js';

const t = useParley();
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

async function document(): Promise<OpenApiDocument> {
  const res = await t.request('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

/** Every `$ref` in the document, with where it is. */
function refs(node: unknown, at = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [[at, v] as [string, string]] : refs(v, `${at}/${k}`)));
}
function resolve(doc: unknown, ref: string): unknown {
  return ref.slice(2).split('/').reduce<unknown>((n, part) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document in shape: info, paths, operations, components, resolvable references', async () => {
    const doc = await document();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.components.schemas.ApiError).toMatchObject({ type: 'object', required: ['error'] });

    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      expect(path).not.toMatch(/:[A-Za-z]/); // Hono's :param is OpenAPI's {param}
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(METHODS, where).toContain(method);
        expect(op.operationId, where).toMatch(/^[A-Za-z0-9]+$/);
        expect(ids.has(op.operationId), `${where}: operationId ${op.operationId} is not unique`).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        for (const [code, response] of Object.entries(op.responses)) {
          expect(code, where).toMatch(/^([1-5](\d\d|XX)|default)$/);
          expect(response as object, where).toSatisfy((r: Record<string, unknown>) => typeof r.$ref === 'string' || typeof r.description === 'string');
        }
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(pathParams.map((p) => p.name).sort(), where).toEqual([...templated].sort());
        for (const p of op.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie'], where).toContain(p.in);
          if (p.in === 'path') expect(p.required, where).toBe(true);
          expect(typeof p.schema, where).toBe('object');
          expect(JSON.stringify(p.schema), `${where}: the schema is embedded, without $schema`).not.toContain('"$schema"');
        }
        const names = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
        expect(new Set(names).size, `${where}: a parameter is listed twice`).toBe(names.length);
        if (op.requestBody) {
          expect(Object.keys(op.requestBody.content).length, where).toBeGreaterThan(0);
          for (const [type, media] of Object.entries(op.requestBody.content)) {
            expect(type, where).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
            expect(typeof media.schema, where).toBe('object');
          }
        }
        for (const requirement of op.security ?? []) for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(scheme);
      }
    }
    for (const [at, ref] of refs(doc)) {
      expect(ref, at).toMatch(/^#\//);
      expect(resolve(doc, ref), `${at}: ${ref} does not resolve`).toBeDefined();
    }
  });

  it('lists every route of app.routes, with its method', async () => {
    const doc = await document();
    const routes = t.state.parley.app.routes.filter((r) => r.method !== 'ALL');
    const expected = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    const listed = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)));
    expect([...expected].filter((r) => !listed.has(r))).toEqual([]);
    expect([...listed].filter((r) => !expected.has(r))).toEqual([]);
    expect(listed.has('get /openapi.json')).toBe(true);
    expect(listed.has('post /b/{token}/book')).toBe(true);
  });

  it('takes request schemas from the routes’ validators, and describes the public pages’ form posts', async () => {
    const doc = await document();
    const settings = doc.paths['/api/settings']!.put!.requestBody!.content['application/json']!.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(settings.properties)).toEqual(expect.arrayContaining(['durationMinutes', 'timeZone', 'workingHours', 'video']));
    expect(settings.required).not.toContain('video'); // it has a default: optional on input
    const revoke = doc.paths['/api/invitations/{id}/revoke']!.post!;
    expect(revoke.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'string', format: 'uuid' }) }]);
    const events = doc.paths['/api/calendar/events']!.get!;
    expect(events.parameters!.map((p) => [p.name, p.in, p.required])).toEqual([['from', 'query', true], ['to', 'query', true]]);
    const list = doc.paths['/api/invitations']!.get!;
    expect(list.parameters!.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false });

    const book = doc.paths['/b/{token}/book']!.post!;
    expect(Object.keys(book.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    expect(book.requestBody!.content['application/x-www-form-urlencoded']!.schema).toMatchObject({ required: expect.arrayContaining(['start', 'timeZone', 'name', 'phone']) });
    expect(doc.paths['/i/{token}/hours']!.post!.requestBody!.content['multipart/form-data']!.schema).toMatchObject({ properties: { days: { type: 'array' } } });
    expect(doc.paths['/api/calendar/import']!.post!.requestBody!.content).toHaveProperty(['text/calendar']);
    expect(doc.paths['/b/{token}']!.get!.responses['4XX']).toMatchObject({ content: { 'text/html': expect.any(Object) } });
    expect(doc.paths['/api/settings']!.put!.responses['4XX']).toEqual({ $ref: '#/components/responses/Error' });
  });

  it('marks exactly the routes behind the session as bearer-secured: they answer 401 without one', async () => {
    const doc = await document();
    const api = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
    const open = api.filter((o) => !o.op.security).map((o) => `${o.method} ${o.path}`);
    expect(open.sort()).toEqual(['post /api/auth/login', 'post /api/auth/register']);
    for (const { path, method, op } of api) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.request(url, { method: method.toUpperCase(), ...(method === 'get' || method === 'delete' ? {} : { json: {} }) });
      if (op.security) {
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(ApiErrorSchema.parse(await res.json()).error.message).toMatch(/sign in/i);
      } else {
        expect(res.status, `${method} ${path}`).toBe(400);
      }
    }
  });

  it('is what a refused API request answers: ApiError', async () => {
    const { token } = await t.recruiter();
    const res = await t.request('/api/calendar/events', { method: 'POST', token, json: { start: 'tomorrow' } });
    expect(res.status).toBe(400);
    const body = ApiErrorSchema.parse(await res.json());
    expect(body.error.fields).toHaveProperty('start');
  });
});
