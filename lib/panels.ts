/**
 * Panel interviews, shared by the options page, the Share availability popover and the API:
 * interviewers, interview templates and the message a template inserts into a composer.
 */
import { z } from 'zod';
import { EmailSchema, RecipientSchema, VideoProviderSchema } from './schemas';

// --- Message templates ---------------------------------------------------------------------------

/** What a message template may say; anything else in braces is refused, so a typo never reaches a candidate. */
export const PLACEHOLDERS = ['candidate_first_name', 'recruiter_name', 'interview_name', 'duration', 'booking_link', 'join_link'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const KNOWN = new Set<string>(PLACEHOLDERS);
const BRACED = /\{([^{}\n]{0,60})\}/g;

/** Placeholders in `text` that Parley does not know, in order of first appearance. */
export function unknownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const m of text.matchAll(BRACED)) {
    const name = m[1]!.trim();
    if (!KNOWN.has(name) && !unknown.includes(m[0])) unknown.push(m[0]);
  }
  return unknown;
}

export const MessageTemplateSchema = z
  .string()
  .max(2000, 'Keep the message under 2,000 characters')
  .refine((t) => t.trim().length > 0, 'Write the message to insert')
  .superRefine((text, ctx) => {
    const unknown = unknownPlaceholders(text);
    if (unknown.length) {
      ctx.addIssue({
        code: 'custom',
        message: `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
      });
    }
    if (!/\{\s*booking_link\s*\}/.test(text)) ctx.addIssue({ code: 'custom', message: 'The message must contain {booking_link}, or the candidate cannot book' });
  });

/** Fills a (valid) message template; placeholders are replaced as plain text, never interpreted. */
export function renderMessage(text: string, values: Record<Placeholder, string>): string {
  return text.replace(BRACED, (whole, name: string) => {
    const key = name.trim();
    return KNOWN.has(key) ? values[key as Placeholder] : whole;
  });
}

/** "Carla" of "Carla Candidate"; the whole name when it has one word; "there" when unknown. */
export function firstName(name: string | undefined): string {
  const trimmed = (name ?? '').trim();
  return trimmed ? trimmed.split(/\s+/)[0]! : 'there';
}

/** "1 h 15 min" */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}

export const DEFAULT_MESSAGE =
  'Hi {candidate_first_name}, thanks for your time so far! The next step is the {interview_name} ({duration}). ' +
  'Please pick a time that suits you: {booking_link}\n\n{recruiter_name}';

// --- Interviewers ---------------------------------------------------------------------------------

/** pending: nothing known yet; hours: working hours marked, no calendar; calendar: a calendar connected. */
export const InterviewerStatusSchema = z.enum(['pending', 'hours', 'calendar']);
export type InterviewerStatus = z.infer<typeof InterviewerStatusSchema>;

export const InterviewerInputSchema = z.object({
  email: EmailSchema,
  name: z.string().trim().min(1, 'Enter the interviewer’s name').max(120, 'At most 120 characters'),
});

export const InterviewerSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  status: InterviewerStatusSchema,
  /** The interviewer's zone once known. */
  timeZone: z.string().nullable(),
  /** Why their calendar cannot be read right now, if it cannot. */
  calendarError: z.string().nullable(),
  invitedAt: z.string().nullable(),
});
export type Interviewer = z.infer<typeof InterviewerSchema>;

// --- Templates ------------------------------------------------------------------------------------

export const TemplateSessionSchema = z.object({
  name: z.string().trim().min(1, 'Name the session').max(80),
  durationMinutes: z.number().int().min(5, 'At least 5 minutes').max(480, 'At most 8 hours'),
  /** Interviewer ids; everyone here must be free. */
  interviewers: z.array(z.uuid('Unknown interviewer')).max(10, 'At most 10 interviewers a session'),
  /** Interviewer ids; "any one of" these (round robin among the free ones). */
  pool: z.array(z.uuid('Unknown interviewer')).max(20, 'At most 20 in a pool'),
});
export type TemplateSession = z.infer<typeof TemplateSessionSchema>;

export const TemplateInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Name the template').max(80, 'At most 80 characters'),
    shape: z.enum(['together', 'sequence'], { message: 'Choose “together” or “back to back”' }),
    order: z.enum(['fixed', 'free']).default('fixed'),
    gapMinutes: z.number().int().min(0).max(120, 'At most 2 hours between sessions').default(0),
    video: VideoProviderSchema.nullable(),
    message: MessageTemplateSchema,
    sessions: z.array(TemplateSessionSchema).min(1, 'Add a session').max(6, 'At most 6 sessions in a loop'),
  })
  .superRefine((t, ctx) => {
    if (t.shape === 'together' && t.sessions.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['sessions'], message: 'A “together” interview has exactly one session: use “back to back” for several' });
    }
    t.sessions.forEach((s, i) => {
      if (s.interviewers.length + s.pool.length === 0) ctx.addIssue({ code: 'custom', path: ['sessions', i, 'interviewers'], message: 'Add at least one interviewer' });
      if (new Set([...s.interviewers, ...s.pool]).size !== s.interviewers.length + s.pool.length) {
        ctx.addIssue({ code: 'custom', path: ['sessions', i, 'pool'], message: 'An interviewer is listed twice in this session' });
      }
      if (s.pool.length === 1) ctx.addIssue({ code: 'custom', path: ['sessions', i, 'pool'], message: 'A pool needs at least two interviewers to choose from' });
    });
    const total = t.sessions.reduce((sum, s) => sum + s.durationMinutes, 0) + t.gapMinutes * (t.sessions.length - 1);
    if (total > 12 * 60) ctx.addIssue({ code: 'custom', path: ['sessions'], message: 'A loop can last at most 12 hours' });
  });
export type TemplateInput = z.input<typeof TemplateInputSchema>;
export type TemplateDefinition = z.output<typeof TemplateInputSchema>;

export const TemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  shape: z.enum(['together', 'sequence']),
  order: z.enum(['fixed', 'free']),
  gapMinutes: z.number(),
  video: VideoProviderSchema.nullable(),
  message: z.string(),
  sessions: z.array(TemplateSessionSchema),
  /** Total length of the loop. */
  durationMinutes: z.number(),
  /** Interviewers the template names who have not connected a calendar nor marked their hours. */
  pending: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })),
  updatedAt: z.string(),
});
export type Template = z.infer<typeof TemplateSchema>;

export function loopMinutes(t: Pick<TemplateDefinition, 'sessions' | 'gapMinutes'>): number {
  return t.sessions.reduce((sum, s) => sum + s.durationMinutes, 0) + t.gapMinutes * Math.max(0, t.sessions.length - 1);
}

/** Share availability with a template: the link plus the message to insert. */
export const SharePanelSchema = z.object({
  recipient: RecipientSchema,
  templateId: z.uuid('Choose a template'),
  /** Share even though some interviewers are still pending (they then do not limit the times). */
  sharePending: z.boolean().default(false),
  expiresInDays: z.number().int().min(1).max(90).optional(),
});
