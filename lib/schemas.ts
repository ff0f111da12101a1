import { z } from 'zod';
import { ATS_IDS, VIDEO_PROVIDERS } from './names';
import { IANAZone } from 'luxon';

/**
 * Schemas shared by the extension and the backend: what the options page edits, what the API
 * accepts and answers. The server validates with these; the UI shows their messages inline.
 */

export const TimeZoneSchema = z
  .string()
  .min(1, 'Choose a time zone')
  .refine((z) => IANAZone.isValidZone(z), { message: 'Unknown time zone: choose one from the list' });

const HHMM = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Use a time like 09:00');
export const TimeRangeSchema = z
  .object({ start: HHMM, end: HHMM })
  .refine((r) => r.start < r.end, { message: 'The end must be after the start', path: ['end'] });

const DayHours = z
  .array(TimeRangeSchema)
  .max(6, 'At most 6 ranges a day')
  .refine(
    (ranges) => [...ranges].sort((a, b) => a.start.localeCompare(b.start)).every((r, i, all) => i === 0 || all[i - 1]!.end <= r.start),
    { message: 'Ranges on one day must not overlap' },
  );

export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-24')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'Not a real date');

export const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
export const WEEKDAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  '1': 'Monday', '2': 'Tuesday', '3': 'Wednesday', '4': 'Thursday', '5': 'Friday', '6': 'Saturday', '7': 'Sunday',
};

export { ATS_NAMES, VIDEO_PROVIDER_NAMES, VIDEO_PROVIDERS, type AtsId, type VideoProviderId } from './names';
export const VideoProviderSchema = z.enum(VIDEO_PROVIDERS, { message: 'Choose a video provider' });

export const VideoSettingsSchema = z.object({
  provider: VideoProviderSchema,
  /** The "Use video conferencing" toggle starts on. */
  useByDefault: z.boolean(),
  /** Every join link gets a 6-digit access code. */
  accessCodes: z.boolean(),
  /** Join links open this long before the start, and close at the end. */
  openMinutesBefore: z.number().int().min(0, 'At least 0 minutes').max(120, 'At most 2 hours'),
  /** Interviewers' links do not even show the interview before its day. */
  hideInterviewerLinksUntilDay: z.boolean(),
});
export type VideoSettings = z.infer<typeof VideoSettingsSchema>;
export const DEFAULT_VIDEO: VideoSettings = { provider: 'jitsi', useByDefault: true, accessCodes: true, openMinutesBefore: 10, hideInterviewerLinksUntilDay: true };

export const SchedulerSettingsSchema = z.object({
  durationMinutes: z.number().int().min(5, 'At least 5 minutes').max(480, 'At most 8 hours'),
  timeZone: TimeZoneSchema,
  workingHours: z.object({ '1': DayHours, '2': DayHours, '3': DayHours, '4': DayHours, '5': DayHours, '6': DayHours, '7': DayHours }),
  blockedDates: z.array(IsoDateSchema).max(366, 'At most 366 blocked dates'),
  bufferBeforeMinutes: z.number().int().min(0).max(240, 'At most 4 hours'),
  bufferAfterMinutes: z.number().int().min(0).max(240, 'At most 4 hours'),
  minimumNoticeMinutes: z.number().int().min(0).max(60 * 24 * 14, 'At most 14 days'),
  noSameDay: z.boolean(),
  horizonDays: z.number().int().min(1, 'At least 1 day').max(365, 'At most 365 days'),
  dailyLimit: z.number().int().min(1, 'At least 1 a day').max(50).nullable(),
  linkExpiryDays: z.number().int().min(1, 'At least 1 day').max(90, 'At most 90 days'),
  slotStepMinutes: z.union([z.literal(5), z.literal(10), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]),
  // Settings saved before video existed read as the defaults.
  video: VideoSettingsSchema.default(DEFAULT_VIDEO),
});
export type SchedulerSettings = z.infer<typeof SchedulerSettingsSchema>;

const nineToFive = [{ start: '09:00', end: '17:00' }];
export function defaultSettings(timeZone = 'UTC'): SchedulerSettings {
  return {
    durationMinutes: 30,
    timeZone,
    workingHours: { '1': nineToFive, '2': nineToFive, '3': nineToFive, '4': nineToFive, '5': nineToFive, '6': [], '7': [] },
    blockedDates: [],
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 240,
    noSameDay: true,
    horizonDays: 30,
    dailyLimit: null,
    linkExpiryDays: 14,
    slotStepMinutes: 30,
    video: DEFAULT_VIDEO,
  };
}

export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address')).pipe(z.string().max(254));
export const RegisterSchema = z.object({
  email: EmailSchema,
  name: z.string().trim().min(1, 'Enter your name').max(120),
  password: z.string().min(10, 'Use at least 10 characters').max(200),
  timeZone: TimeZoneSchema.optional(),
});
export const LoginSchema = z.object({ email: EmailSchema, password: z.string().min(1, 'Enter your password').max(200) });

export const RecipientSchema = z.object({
  // Site adapters build these: "linkedin:in:élodie-marchand-b81f22", "linkedin:thread:2-MzY5…==".
  key: z.string().min(3).max(300).regex(/^[a-z0-9-]+:[\p{L}\p{N}_:.~%@+=-]+$/iu, 'Recipient key must look like "site:id"'),
  name: z.string().trim().max(200).optional(),
  profileUrl: z.url().max(500).optional(),
});
export type Recipient = z.infer<typeof RecipientSchema>;

export const CreateInvitationSchema = z.object({
  recipient: RecipientSchema,
  /** Bookings made through this link get a meeting at this provider; null = no video. */
  video: VideoProviderSchema.nullable().optional(),
  durationMinutes: z.number().int().min(5).max(480).optional(),
  expiresInDays: z.number().int().min(1).max(90).optional(),
});

export const InvitationStatusSchema = z.enum(['created', 'opened', 'booked', 'expired', 'revoked']);
export const InvitationSchema = z.object({
  id: z.string(),
  url: z.string(),
  recipient: RecipientSchema,
  durationMinutes: z.number(),
  status: InvitationStatusSchema,
  expiresAt: z.string(),
  createdAt: z.string(),
  reused: z.boolean().optional(),
});
export type Invitation = z.infer<typeof InvitationSchema>;

export const InterviewSchema = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  candidateName: z.string(),
  candidateEmail: z.string().nullable(),
  candidatePhone: z.string().nullable(),
  candidateTimeZone: z.string(),
  note: z.string().nullable(),
  link: z.string(),
  status: z.enum(['confirmed', 'cancelled']),
  video: z
    .object({
      provider: VideoProviderSchema,
      status: z.enum(['pending', 'ready', 'failed', 'removed']),
      /** The recruiter's own join link and code. */
      joinUrl: z.string(),
      accessCode: z.string().nullable(),
      /** The candidate's join link and code, to share. */
      candidateJoinUrl: z.string(),
      candidateAccessCode: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  /** A panel: its sessions in time order, each with its interviewers. */
  loop: z
    .object({
      name: z.string(),
      sessions: z.array(z.object({
        name: z.string(),
        start: z.string(),
        end: z.string(),
        interviewers: z.array(z.object({ participantId: z.string(), name: z.string(), email: z.string(), pooled: z.boolean() })),
      })),
    })
    .nullable()
    .optional(),
});
export type Interview = z.infer<typeof InterviewSchema>;

export const NotificationSchema = z.object({
  id: z.string(),
  kind: z.enum(['booked', 'rescheduled', 'cancelled', 'video-failed', 'interviewer-ready', 'interviewer-replaced']),
  message: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const RecruiterSchema = z.object({ id: z.string(), email: z.string(), name: z.string() });
export type Recruiter = z.infer<typeof RecruiterSchema>;
export const SessionSchema = z.object({ token: z.string(), recruiter: RecruiterSchema });

export const BusyEventInputSchema = z
  .object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }), summary: z.string().max(200).default('') })
  .refine((e) => Date.parse(e.end) > Date.parse(e.start), { message: 'The end must be after the start', path: ['end'] });

/** The uniform error body of every 4xx answer. */
export const ApiErrorSchema = z.object({
  error: z.object({ message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
  /** Connecting a calendar failed: what happened and what to do. */
  connect: z.lazy(() => ConnectErrorSchema).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const ConnectedCalendarSchema = z.object({
  id: z.string(), name: z.string(), primary: z.boolean(), readOnly: z.boolean(), useForConflicts: z.boolean(), isTarget: z.boolean(),
});
export const ConnectionSchema = z.object({
  id: z.string(),
  provider: z.enum(['google', 'microsoft', 'caldav']),
  accountEmail: z.string(),
  status: z.enum(['active', 'needs_reconnect']),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  calendars: z.array(ConnectedCalendarSchema),
});
export type Connection = z.infer<typeof ConnectionSchema>;
export const ConnectionsSchema = z.object({
  connections: z.array(ConnectionSchema),
  providers: z.object({ google: z.boolean(), microsoft: z.boolean(), caldav: z.boolean() }).optional(),
});

export const ConnectErrorSchema = z.object({
  problem: z.string(), title: z.string(), cause: z.string(), whatToDo: z.string(), missingScopes: z.array(z.string()).optional(),
});

// --- ATS export ------------------------------------------------------------------------------

export const AtsIdSchema = z.enum(ATS_IDS);

export const AtsConnectSchema = z.discriminatedUnion('ats', [
  z.object({
    ats: z.literal('lever'),
    apiKey: z.string().trim().min(8, 'Paste the Lever API key'),
    performAs: z.string().trim().min(1, 'Enter the Lever user id exports are made as'),
  }),
  z.object({
    ats: z.literal('greenhouse'),
    apiKey: z.string().trim().min(8, 'Paste the Greenhouse Harvest API key'),
    onBehalfOf: z.string().trim().regex(/^\d+$/, 'Enter the numeric Greenhouse user id exports are made as'),
  }),
]);
export const AtsPolicySchema = z.object({
  /** talent.io's rule: contact data stays private until the candidate replies. */
  exportOnlyAfterReply: z.boolean(),
  /** Push the message thread with the candidate (Lever: notes; Greenhouse: activity-feed emails). */
  pushMessages: z.boolean(),
});
export type AtsPolicy = z.infer<typeof AtsPolicySchema>;

export const AtsStatusSchema = z.object({
  connected: z.boolean(),
  ats: AtsIdSchema.nullable(),
  status: z.enum(['active', 'revoked']).nullable(),
  policy: AtsPolicySchema,
  lastError: z.string().nullable(),
});

export const PostingSchema = z.object({ id: z.string(), title: z.string(), location: z.string().optional(), team: z.string().optional() });
export type PostingView = z.infer<typeof PostingSchema>;

const optionalText = z.string().trim().max(300).optional();
export const ExportRequestSchema = z.object({
  profileKey: z.string().min(3).max(300).regex(/^[a-z0-9-]+:[\p{L}\p{N}_:.~%@+=-]+$/iu, 'Unknown profile'),
  profileUrl: z.url().max(500),
  source: z.enum(['LinkedIn', 'LinkedIn Recruiter', 'talent.io']),
  // The minimum LinkedIn Recruiter System Connect asks for: first name, last name, email.
  firstName: z.string().trim().min(1, 'Enter the first name').max(100),
  lastName: z.string().trim().min(1, 'Enter the last name').max(100),
  emails: z.array(z.email('Enter a valid email address')).min(1, 'Enter at least one email address').max(5),
  phones: z.array(z.string().trim().min(3).max(40)).max(5).default([]),
  headline: optionalText,
  title: optionalText,
  company: optionalText,
  location: optionalText,
  postingId: z.string().max(100).optional(),
  /** The page shows the candidate replied / accepted contact. */
  replied: z.boolean().optional(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

export const AtsCandidateSchema = z.object({
  profileKey: z.string(),
  profileUrl: z.string(),
  name: z.string(),
  ats: AtsIdSchema,
  status: z.enum(['pending', 'exported', 'linked', 'failed']),
  atsUrl: z.string().nullable(),
  error: z.string().nullable(),
  postingId: z.string().nullable(),
  updatedAt: z.string(),
});
export type AtsCandidate = z.infer<typeof AtsCandidateSchema>;

export const AtsEntrySchema = z.object({
  key: z.string(),
  kind: z.enum(['note', 'message']),
  text: z.string(),
  createdAt: z.string(),
  pushed: z.boolean(),
  error: z.string().nullable(),
});
export type AtsEntry = z.infer<typeof AtsEntrySchema>;

export const NoteRequestSchema = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), text: z.string().trim().min(1, 'Write a note first').max(5000, 'Keep notes under 5,000 characters') });
export const MessagesRequestSchema = z.object({
  messages: z.array(z.object({
    key: z.string().min(4).max(200),
    direction: z.enum(['sent', 'received']),
    at: z.number().int(),
    from: z.string().max(200),
    to: z.string().max(200),
    text: z.string().max(20_000),
  })).max(200),
});
