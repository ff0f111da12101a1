import { HTTPError } from 'ky';
import { errorJson, genericProviderError } from '../http.js';
import { ProviderError } from './types.js';

// Microsoft Graph's refusals in a recruiter's words: the calendar (microsoft.ts) and Teams meetings share them.

/** A Graph error (HTTP, timeout, network) as a ProviderError a recruiter can act on. */
export async function graphProviderError(err: unknown): Promise<ProviderError> {
  if (err instanceof ProviderError) return err;
  if (!(err instanceof HTTPError)) return genericProviderError('microsoft', err);

  const status = err.response.status;
  const body = (await errorJson(err)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? '';
  const graphMessage = body?.error?.message ?? '';
  const retryAfterS = Number(err.response.headers.get('retry-after'));
  const details = { status, ...(code ? { reason: code } : {}), ...(Number.isFinite(retryAfterS) && retryAfterS > 0 ? { retryAfterMs: retryAfterS * 1000 } : {}) };
  let path = '';
  try {
    path = new URL(err.request.url).pathname;
  } catch {
    /* keep empty */
  }
  // Paths about the mailbox itself (its calendars, its free/busy), not one item in it.
  const mailboxLevel = /\/me\/calendars?(\/getSchedule)?\/?$/i.test(path);

  if (code === 'MailboxNotEnabledForRESTAPI' || code === 'MailboxNotSupportedForRESTAPI') {
    return new ProviderError(
      'microsoft',
      'account',
      'Your mailbox may be inactive, soft-deleted, or hosted on-premise (only cloud mailboxes are supported). Work with your Parley admin and/or IT admin to resolve it.',
      { ...details, reason: 'mailbox-on-premise-or-inactive' },
    );
  }
  if (
    code === 'ErrorMailboxNotFound' ||
    code === 'ErrorNonExistentMailbox' ||
    (code === 'ResourceNotFound' && (mailboxLevel || /could not be discovered/i.test(graphMessage)))
  ) {
    return new ProviderError(
      'microsoft',
      'account',
      'This Microsoft account does not have a mailbox or calendar associated with it (an alias, a shared or team inbox, or an account without Exchange Online). Connect the account you use for email and calendar.',
      { ...details, reason: 'no-mailbox' },
    );
  }
  if (code === 'ErrorInvalidUser') {
    return new ProviderError(
      'microsoft',
      'account',
      'Microsoft 365 does not recognise this account as a mailbox user (a guest account, an alias, or a shared inbox?). Connect the account you use for email and calendar.',
      { ...details, reason: 'invalid-user' },
    );
  }
  if (status === 401 || code === 'InvalidAuthenticationToken') {
    return new ProviderError('microsoft', 'auth', 'Microsoft 365 no longer accepts Parley\'s access to your calendar (the sign-in expired or was revoked): reconnect your Microsoft 365 calendar.', details);
  }
  if (code === 'ErrorAccessDenied' || code === 'AccessDenied' || code === 'Authorization_RequestDenied' || (status === 403 && code === '')) {
    return new ProviderError(
      'microsoft',
      'scope',
      'Parley is not allowed to read and write your Microsoft 365 calendar. Reconnect and grant all the permissions asked for; if your organisation requires admin approval, ask your IT administrator.',
      { ...details, missing: ['Calendars.ReadWrite'] },
    );
  }
  if (status === 429 || code === 'ApplicationThrottled' || code === 'TooManyRequests' || code === 'ErrorTooManyObjectsOpened') {
    return new ProviderError('microsoft', 'rate-limit', 'Microsoft 365 asked Parley to slow down; it will try again shortly.', details);
  }
  if (status >= 500 || code === 'ServiceNotAvailable' || code === 'ErrorServerBusy' || code === 'ErrorInternalServerTransientError') {
    return new ProviderError('microsoft', 'unavailable', `Microsoft 365 is having problems right now (${status}${code ? ` ${code}` : ''}); Parley will try again.`, details);
  }
  if (code === 'ErrorItemNotFound' || code === 'ErrorInvalidIdMalformed' || code === 'ResourceNotFound' || status === 404 || status === 410) {
    return new ProviderError('microsoft', 'not-found', 'Microsoft 365 could not find that calendar or event.', details);
  }
  if (code === 'ErrorIrresolvableConflict' || status === 409 || status === 412) {
    return new ProviderError('microsoft', 'conflict', 'The event was changed in Outlook at the same time; Parley will try again.', details);
  }
  return new ProviderError('microsoft', 'invalid', `Microsoft 365 refused the request (${status}${code ? ` ${code}` : ''}${graphMessage ? `: ${graphMessage}` : ''}).`, details);
}

export function scheduleError(mailbox: string, e: { message?: string; responseCode?: string }): ProviderError {
  const code = e.responseCode ?? '';
  if (/RecipientNotFound|NonExistentMailbox|InvalidSmtpAddress|MailboxNotFound/i.test(code)) {
    return new ProviderError('microsoft', 'account', `Microsoft 365 has no mailbox for ${mailbox}, so Parley cannot read its free/busy. Connect the account you use for email and calendar.`, {
      reason: 'no-mailbox',
    });
  }
  return new ProviderError('microsoft', 'unavailable', `Microsoft 365 could not read the free/busy of ${mailbox}${e.message ? `: ${e.message}` : ''}.`, {
    reason: code || 'schedule-error',
  });
}
