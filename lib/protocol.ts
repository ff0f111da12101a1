import { z } from 'zod';
import { InterviewerInputSchema, InterviewerSchema, SharePanelSchema, TemplateInputSchema, TemplateSchema } from './panels';
import { AtsCandidateSchema, AtsConnectSchema, AtsEntrySchema, AtsPolicySchema, AtsStatusSchema, ExportRequestSchema, MessagesRequestSchema, PostingSchema, ConnectionsSchema, InterviewSchema, VideoProviderSchema, InvitationSchema, NotificationSchema, RecipientSchema, RecruiterSchema, SchedulerSettingsSchema, type ConnectErrorSchema } from './schemas';

/**
 * Every message between content scripts, popup, options and the background, defined once.
 * `from` says who may send it: the background checks the sender before it parses the payload.
 * Every answer is a Result: `{ ok: true, data }` or `{ ok: false, error, code }` with a message
 * fit to show the user.
 */
/** Interviewers of a template who have not connected a calendar nor marked their hours. */
const PendingSchema = TemplateSchema.shape.pending;

const BackendUrl = z
  .string()
  .trim()
  .pipe(z.url('Enter the backend address, e.g. http://localhost:8787'))
  .refine((u) => /^https?:\/\//.test(u), 'The backend address must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

export const messages = {
  'session.get': { from: 'any', request: z.object({}), response: z.object({ recruiter: RecruiterSchema.nullable(), backendUrl: z.string() }) },
  'session.signIn': {
    from: 'extension',
    request: z.object({
      mode: z.enum(['login', 'register']),
      backendUrl: BackendUrl,
      email: z.string(),
      password: z.string(),
      name: z.string().optional(),
      timeZone: z.string().optional(),
    }),
    response: z.object({ recruiter: RecruiterSchema }),
  },
  'session.signOut': { from: 'extension', request: z.object({}), response: z.object({}) },
  'settings.get': { from: 'any', request: z.object({}), response: z.object({ settings: SchedulerSettingsSchema }) },
  'settings.save': { from: 'extension', request: z.object({ settings: SchedulerSettingsSchema }), response: z.object({ settings: SchedulerSettingsSchema }) },
  'invitation.forRecipient': {
    from: 'content',
    request: z.object({
      recipient: RecipientSchema,
      durationMinutes: z.number().int().min(5).max(480),
      expiresInDays: z.number().int().min(1).max(90),
      video: VideoProviderSchema.nullable().optional(),
    }),
    response: z.object({ invitation: InvitationSchema }),
  },
  /** People links were made for lately (the extension's cache), to suggest in the context menu's dialog. */
  'recipients.recent': { from: 'content', request: z.object({}), response: z.object({ recipients: z.array(RecipientSchema) }) },
  'video.nextForRecipient': { from: 'content', request: z.object({ recipient: RecipientSchema }), response: z.object({ interview: InterviewSchema.nullable() }) },
  'video.create': {
    from: 'content',
    request: z.object({ recipient: RecipientSchema, start: z.string(), durationMinutes: z.number().int().min(5).max(480), video: VideoProviderSchema }),
    response: z.object({ interview: InterviewSchema }),
  },
  'video.addToInterview': {
    from: 'content',
    request: z.object({ interviewId: z.string(), video: VideoProviderSchema }),
    response: z.object({ interview: InterviewSchema }),
  },
  'interviews.list': {
    from: 'extension',
    request: z.object({ refresh: z.boolean().default(true) }),
    response: z.object({ interviews: z.array(InterviewSchema), notifications: z.array(NotificationSchema), cachedAt: z.number().nullable() }),
  },
  /** Panels: sends each interviewer of a booked loop their invitation again. */
  'interviews.resend': { from: 'extension', request: z.object({ interviewId: z.string() }), response: z.object({ sent: z.number() }) },
  /** Panels: another interviewer (named, or a free one from the session's pool) takes a seat at the same time. */
  'interviews.replace': {
    from: 'extension',
    request: z.object({ interviewId: z.string(), participantId: z.string(), interviewerId: z.string().optional() }),
    response: z.object({ replaced: z.string(), by: z.object({ id: z.string(), name: z.string(), email: z.string() }), interview: InterviewSchema }),
  },
  'panels.interviewers': { from: 'extension', request: z.object({}), response: z.object({ interviewers: z.array(InterviewerSchema) }) },
  'panels.addInterviewer': {
    from: 'extension',
    request: InterviewerInputSchema.extend({ sendInvite: z.boolean().default(true) }),
    response: z.object({ interviewer: InterviewerSchema }),
  },
  'panels.inviteInterviewer': { from: 'extension', request: z.object({ id: z.string() }), response: z.object({ interviewer: InterviewerSchema }) },
  'panels.removeInterviewer': { from: 'extension', request: z.object({ id: z.string() }), response: z.object({}) },
  /** The composer's popover lists templates too, with the names of the people in them. */
  'panels.templates': {
    from: 'any',
    request: z.object({}),
    response: z.object({ templates: z.array(TemplateSchema), people: z.record(z.string(), z.string()) }),
  },
  /** Creates a template, or replaces the one with `id`. */
  'panels.saveTemplate': {
    from: 'extension',
    request: z.object({ id: z.string().optional(), template: TemplateInputSchema }),
    response: z.object({ template: TemplateSchema }),
  },
  'panels.removeTemplate': { from: 'extension', request: z.object({ id: z.string() }), response: z.object({}) },
  /**
   * Shares a template's panel with the recipient. When some interviewers are still pending and
   * `sharePending` is not set, nothing is shared: the answer asks for confirmation and names them.
   */
  'panels.share': {
    from: 'content',
    request: SharePanelSchema,
    response: z.discriminatedUnion('needsConfirmation', [
      z.object({ needsConfirmation: z.literal(false), invitation: InvitationSchema, message: z.string(), pending: PendingSchema }),
      z.object({ needsConfirmation: z.literal(true), message: z.string(), pending: PendingSchema }),
    ]),
  },
  'calendar.list': {
    from: 'extension',
    request: z.object({ from: z.string(), to: z.string() }),
    response: z.object({ events: z.array(z.object({ id: z.string(), start: z.string(), end: z.string(), summary: z.string(), source: z.string() })) }),
  },
  'calendar.add': {
    from: 'extension',
    request: z.object({ start: z.string(), end: z.string(), summary: z.string() }),
    response: z.object({}),
  },
  'calendar.remove': { from: 'extension', request: z.object({ id: z.string() }), response: z.object({}) },
  'calendar.import': { from: 'extension', request: z.object({ ics: z.string().max(2 * 1024 * 1024) }), response: z.object({ imported: z.number() }) },
  'options.open': { from: 'any', request: z.object({}), response: z.object({}) },
  'ats.status': { from: 'any', request: z.object({}), response: AtsStatusSchema },
  'ats.connect': { from: 'extension', request: z.intersection(AtsConnectSchema, AtsPolicySchema.partial()), response: z.object({ connected: z.boolean() }) },
  'ats.policy': { from: 'extension', request: AtsPolicySchema, response: z.object({}) },
  'ats.disconnect': { from: 'extension', request: z.object({}), response: z.object({}) },
  'ats.postings': { from: 'content', request: z.object({ reload: z.boolean().default(false) }), response: z.object({ postings: z.array(PostingSchema) }) },
  'ats.postingDefault': {
    from: 'content',
    request: z.object({ contextKey: z.string().max(300), postingId: z.string().max(100).optional() }),
    response: z.object({ postingId: z.string().nullable() }),
  },
  'ats.export': { from: 'content', request: ExportRequestSchema, response: z.object({ candidate: AtsCandidateSchema }) },
  'ats.candidate': {
    from: 'content',
    request: z.object({ key: z.string().max(300), refresh: z.boolean().default(false) }),
    response: z.object({ candidate: AtsCandidateSchema.nullable(), entries: z.array(AtsEntrySchema) }),
  },
  'ats.note': { from: 'content', request: z.object({ key: z.string().max(300), text: z.string().max(5000) }), response: z.object({ entries: z.array(AtsEntrySchema) }) },
  'ats.messages': { from: 'content', request: MessagesRequestSchema.extend({ key: z.string().max(300) }), response: z.object({ entries: z.array(AtsEntrySchema) }) },
  /** In-ATS badges: answered from the extension's cache, never one network call per card. */
  'ats.badges': {
    from: 'content',
    request: z.object({ keys: z.array(z.string().max(300)).max(500) }),
    response: z.object({ found: z.record(z.string(), z.object({ ats: z.string(), atsUrl: z.string().nullable(), status: z.string() })) }),
  },
  'ats.sync': { from: 'any', request: z.object({}), response: z.object({ updated: z.number() }) },
  'ats.delete': { from: 'any', request: z.object({ key: z.string().max(300) }), response: z.object({}) },
  'connections.list': { from: 'extension', request: z.object({}), response: ConnectionsSchema },
  'connections.connectOAuth': { from: 'extension', request: z.object({ provider: z.enum(['google', 'microsoft']) }), response: ConnectionsSchema },
  'connections.connectCaldav': {
    from: 'extension',
    request: z.object({ serverUrl: z.string(), username: z.string(), password: z.string() }),
    response: ConnectionsSchema,
  },
  'connections.updateCalendar': {
    from: 'extension',
    request: z.object({ calendarId: z.string(), useForConflicts: z.boolean().optional(), isTarget: z.literal(true).optional() }),
    response: ConnectionsSchema,
  },
  'connections.refresh': { from: 'extension', request: z.object({ connectionId: z.string() }), response: ConnectionsSchema },
  'connections.remove': { from: 'extension', request: z.object({ connectionId: z.string() }), response: ConnectionsSchema },
} as const;

export type MessageType = keyof typeof messages;
export type Request<T extends MessageType> = z.input<(typeof messages)[T]['request']>;
export type Response<T extends MessageType> = z.infer<(typeof messages)[T]['response']>;

export type ErrorCode = 'signed-out' | 'network' | 'invalid' | 'refused' | 'internal';
export type Result<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; code: ErrorCode; fields?: Record<string, string>; connect?: z.infer<typeof ConnectErrorSchema> };

export const EnvelopeSchema = z.object({ type: z.enum(Object.keys(messages) as [MessageType, ...MessageType[]]), payload: z.unknown() });
