import { HTTPError } from 'ky';
import { z } from 'zod';
import { db } from '../db';
import { InterviewerSchema, TemplateSchema } from '../panels';
import type { messages, Response, Result } from '../protocol';
import { InterviewSchema, InvitationSchema } from '../schemas';

type Api = ReturnType<typeof import('./api').apiClient>;
type Authed = <T>(run: (api: Api) => Promise<T>) => Promise<Result<T>>;
type Req<T extends keyof typeof messages> = z.output<(typeof messages)[T]['request']>;

const id = (value: string) => encodeURIComponent(value);
const Person = z.object({ id: z.string(), name: z.string(), email: z.string() });
/** The backend's 409 when a template names pending interviewers and the recruiter has not said "share anyway". */
const PendingRefusal = z.object({ error: z.object({ message: z.string() }), pending: z.array(Person).min(1) });

async function pendingRefusal(err: unknown): Promise<z.infer<typeof PendingRefusal> | undefined> {
  if (!(err instanceof HTTPError) || err.response.status !== 409) return undefined;
  // A clone: toResult still reads the body when this is some other refusal.
  const parsed = PendingRefusal.safeParse(await err.response.clone().json().catch(() => null));
  return parsed.success ? parsed.data : undefined;
}

/** Interviewers, interview templates, sharing a template, and the panel actions on a booked loop. */
export function panelHandlers(authed: Authed) {
  return {
    async 'panels.interviewers'() {
      return authed(async (api) => z.object({ interviewers: z.array(InterviewerSchema) }).parse(await api.get('panels/interviewers').json()));
    },
    async 'panels.addInterviewer'(p: Req<'panels.addInterviewer'>) {
      return authed(async (api) => z.object({ interviewer: InterviewerSchema }).parse(await api.post('panels/interviewers', { json: p }).json()));
    },
    async 'panels.inviteInterviewer'(p: Req<'panels.inviteInterviewer'>) {
      return authed(async (api) => z.object({ interviewer: InterviewerSchema }).parse(await api.post(`panels/interviewers/${id(p.id)}/invite`).json()));
    },
    async 'panels.removeInterviewer'(p: Req<'panels.removeInterviewer'>) {
      return authed(async (api) => {
        await api.delete(`panels/interviewers/${id(p.id)}`).json();
        return {};
      });
    },
    async 'panels.templates'(): Promise<Result<Response<'panels.templates'>>> {
      return authed(async (api) => {
        const [t, i] = await Promise.all([api.get('panels/templates').json(), api.get('panels/interviewers').json()]);
        const interviewers = z.object({ interviewers: z.array(InterviewerSchema) }).parse(i).interviewers;
        return {
          templates: z.object({ templates: z.array(TemplateSchema) }).parse(t).templates,
          people: Object.fromEntries(interviewers.map((p) => [p.id, p.name])),
        };
      });
    },
    async 'panels.saveTemplate'(p: Req<'panels.saveTemplate'>) {
      return authed(async (api) => {
        const answer = p.id ? api.put(`panels/templates/${id(p.id)}`, { json: p.template }) : api.post('panels/templates', { json: p.template });
        return z.object({ template: TemplateSchema }).parse(await answer.json());
      });
    },
    async 'panels.removeTemplate'(p: Req<'panels.removeTemplate'>) {
      return authed(async (api) => {
        await api.delete(`panels/templates/${id(p.id)}`).json();
        return {};
      });
    },
    async 'panels.share'(p: Req<'panels.share'>): Promise<Result<Response<'panels.share'>>> {
      const { templateId, ...body } = p;
      return authed(async (api): Promise<Response<'panels.share'>> => {
        try {
          const shared = z.object({ invitation: InvitationSchema, message: z.string(), pending: z.array(Person) })
            .parse(await api.post(`panels/templates/${id(templateId)}/share`, { json: body }).json());
          return { needsConfirmation: false, ...shared };
        } catch (err) {
          const refusal = await pendingRefusal(err);
          if (refusal) return { needsConfirmation: true, message: refusal.error.message, pending: refusal.pending };
          throw err;
        }
      });
    },
    async 'interviews.resend'(p: Req<'interviews.resend'>) {
      return authed(async (api) => z.object({ sent: z.number() }).parse(await api.post(`interviews/${id(p.interviewId)}/resend`).json()));
    },
    async 'interviews.replace'(p: Req<'interviews.replace'>) {
      const { interviewId, ...body } = p;
      const result = await authed(async (api) => z.object({ replaced: z.string(), by: Person, interview: InterviewSchema })
        .parse(await api.post(`interviews/${id(interviewId)}/replace`, { json: body, timeout: 30_000 }).json()));
      // The popup reads the cache first: it must not show the interviewer who was just replaced.
      if (result.ok && (await db.interviews.get(interviewId))) await db.interviews.put({ ...result.data.interview, cachedAt: Date.now() });
      return result;
    },
  };
}
