import { isValidPhoneNumber, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { TimeZoneSchema } from './schemas.js';

/** The two preset notes of the confirm step (as in LinkedIn Scheduler), besides "custom" and "none". */
export const PRESET_NOTES = {
  excited: 'Excited about the opportunity!',
  thanks: 'Thanks, looking forward to talking with you.',
} as const;

const optionalEmail = z
  .string()
  .trim()
  .max(254)
  .transform((v) => v.toLowerCase())
  .pipe(z.union([z.literal(''), z.email('Enter a valid email address, or leave it empty')]));

/** What the candidate submits on the confirm step; every message is shown inline beside its field. */
export const BookingFormSchema = z
  .object({
    start: z.iso.datetime({ offset: true, message: 'Pick a time from the list' }),
    timeZone: TimeZoneSchema,
    name: z.string().trim().min(1, 'Enter your name').max(120, 'At most 120 characters'),
    country: z.string().regex(/^[A-Z]{2}$/, 'Choose your country code'),
    phone: z.string().trim().min(1, 'Enter your phone number').max(40, 'That phone number is too long'),
    email: optionalEmail.default(''),
    note: z.enum(['excited', 'thanks', 'none', 'custom'], { message: 'Choose a note' }).default('none'),
    customNote: z.string().trim().max(500, 'Keep the note under 500 characters').default(''),
  })
  .superRefine((v, ctx) => {
    if (/^[A-Z]{2}$/.test(v.country) && v.phone && !isValidPhoneNumber(v.phone, v.country as CountryCode)) {
      ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Enter a valid phone number for the chosen country code' });
    }
    if (v.note === 'custom' && !v.customNote) {
      ctx.addIssue({ code: 'custom', path: ['customNote'], message: 'Write your note, or choose another option' });
    }
  });
export type BookingForm = z.infer<typeof BookingFormSchema>;

export function noteText(form: Pick<BookingForm, 'note' | 'customNote'>): string | null {
  if (form.note === 'custom') return form.customNote;
  if (form.note === 'none') return null;
  return PRESET_NOTES[form.note];
}

/** E.164, so the recruiter can dial it from anywhere. */
export function normalisedPhone(form: Pick<BookingForm, 'phone' | 'country'>): string {
  return parsePhoneNumberWithError(form.phone, form.country as CountryCode).number;
}
