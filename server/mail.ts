/**
 * Outgoing mail. With an SMTP URL, messages go through nodemailer; without one (development,
 * tests, a workspace that has not configured mail yet) they are handed to an outbox callback so
 * the server can log them or show them in a development outbox view.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Sent as a text/calendar alternative (and an invite.ics attachment) so clients show RSVP UI. */
  ics?: { content: string; method: 'PUBLISH' | 'REQUEST' | 'CANCEL' };
}

export interface Mailer {
  send(msg: MailMessage): Promise<{ messageId: string }>;
  readonly kind: 'smtp' | 'outbox';
}

export type OutboxMessage = MailMessage & { from: string };

export interface MailerOptions {
  /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS). */
  smtpUrl?: string;
  /** The From header, e.g. "Parley <no-reply@example.com>". */
  from: string;
  /** Receives messages when there is no SMTP URL; defaults to logging a summary. */
  outbox?: (msg: OutboxMessage) => void | Promise<void>;
}

/** An SMTP problem, described without the credentials of the SMTP URL. */
export class MailError extends Error {
  constructor(
    message: string,
    /** nodemailer's or the socket's error code, e.g. "ECONNECTION", "EAUTH". */
    readonly code?: string,
    /** The SMTP reply code, e.g. 535 or 550. */
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export function createMailer(opts: MailerOptions): Mailer {
  if (!opts.from.trim()) throw new MailError('A From address is required to send mail.');
  return opts.smtpUrl ? smtpMailer(opts.smtpUrl, opts.from) : outboxMailer(opts.from, opts.outbox ?? logToConsole);
}

function smtpMailer(smtpUrl: string, from: string): Mailer {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new MailError('The SMTP URL is not a valid URL (expected smtp://user:pass@host:port or smtps://…).', 'ECONFIG');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new MailError(`The SMTP URL must start with smtp:// or smtps://, not ${url.protocol}//.`, 'ECONFIG');
  }
  const server = `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
  const secrets = [url.username, url.password]
    .flatMap((value) => [value, safeDecode(value)])
    .filter((value) => value.length >= 3);

  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // Fail in seconds, not nodemailer's minutes: sends run in jobs that will retry.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
    // Message content is ours; never let it read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  return {
    kind: 'smtp',
    async send(msg) {
      try {
        const info = await transport.sendMail({
          from,
          to: msg.to,
          subject: oneLine(msg.subject),
          text: msg.text,
          ...(msg.html !== undefined ? { html: msg.html } : {}),
          ...(msg.ics ? { icalEvent: { method: msg.ics.method, content: msg.ics.content, filename: 'invite.ics' } } : {}),
        });
        return { messageId: info.messageId };
      } catch (error) {
        const err = error as { message?: unknown; code?: unknown; responseCode?: unknown };
        const reason = scrub(String(err.message ?? error), secrets);
        throw new MailError(
          `Could not send email through the SMTP server ${server}: ${reason}`,
          typeof err.code === 'string' ? err.code : undefined,
          typeof err.responseCode === 'number' ? err.responseCode : undefined,
        );
      }
    },
  };
}

function outboxMailer(from: string, outbox: (msg: OutboxMessage) => void | Promise<void>): Mailer {
  return {
    kind: 'outbox',
    async send(msg) {
      await outbox({ ...msg, subject: oneLine(msg.subject), from });
      return { messageId: `<${randomUUID()}@outbox.parley>` };
    },
  };
}

function logToConsole(msg: OutboxMessage): void {
  console.info(
    `[mail:outbox] From: ${msg.from}\nTo: ${msg.to}\nSubject: ${msg.subject}${msg.ics ? `\nCalendar: METHOD:${msg.ics.method}` : ''}\n\n${msg.text}\n`,
  );
}

function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function scrub(message: string, secrets: string[]): string {
  return secrets.reduce((text, secret) => text.split(secret).join('***'), message);
}
