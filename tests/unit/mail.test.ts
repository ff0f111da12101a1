import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIcs } from '../../lib/ics';
import { createMailer, MailError, type OutboxMessage } from '../../server/mail';
import {
  candidateConfirmationEmail,
  escapeHtml,
  formatTimeRange,
  recruiterBookedEmail,
  recruiterCancelledEmail,
  recruiterRescheduledEmail,
  renderBookingEmail,
  type BookingMailInput,
} from '../../server/mail-templates';

interface Received {
  raw: string;
  from: string | undefined;
  to: string[];
  user: string | undefined;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
async function startSmtp(options: { password?: string } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.password !== undefined && auth.password !== options.password) {
        callback(new Error('Invalid username or password'));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: mailFrom ? mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The decoded body of the MIME part whose Content-Type starts with `type`. */
function mimePart(raw: string, type: string): { headers: string; body: string } | undefined {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    const headers = part.slice(0, split);
    if (!new RegExp(`^content-type:\\s*${type}`, 'im').test(headers)) continue;
    let body = part.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n--[^\r\n]*--\s*$/, '');
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
    if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') {
      body = Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    }
    return { headers, body };
  }
  return undefined;
}

const invite = () =>
  buildIcs(
    {
      uid: 'booking-42@parley',
      sequence: 0,
      start: new Date('2026-03-10T14:00:00Z'),
      end: new Date('2026-03-10T14:30:00Z'),
      timeZone: 'America/New_York',
      summary: 'Interview: Ada Lovelace',
      description: 'Video: https://meet.jit.si/parley-42',
      organizer: { name: 'Rita Recruiter', email: 'rita@example.com' },
      attendees: [{ name: 'Ada Lovelace', email: 'ada@example.org' }],
      status: 'CONFIRMED',
    },
    'REQUEST',
  );

describe('createMailer over SMTP', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('delivers subject, recipient, text, html and a text/calendar REQUEST part', async () => {
    const smtp = await startSmtp({ password: 's3cret-pass' });
    servers.push(smtp);
    const mailer = createMailer({ smtpUrl: `smtp://parley:s3cret-pass@127.0.0.1:${smtp.port}`, from: 'Parley <no-reply@parley.test>' });
    expect(mailer.kind).toBe('smtp');

    const result = await mailer.send({
      to: 'Ada Lovelace <ada@example.org>',
      subject: 'Interview booked: Ada Lovelace',
      text: 'Ada booked an interview for Tuesday.',
      html: '<p>Ada booked an interview for Tuesday.</p>',
      ics: { content: invite(), method: 'REQUEST' },
    });

    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message?.user).toBe('parley');
    expect(message?.from).toBe('no-reply@parley.test');
    expect(message?.to).toEqual(['ada@example.org']);
    const raw = message?.raw ?? '';
    expect(raw).toMatch(/^Subject: Interview booked: Ada Lovelace\r?$/m);
    expect(raw).toMatch(/^To: Ada Lovelace <ada@example\.org>\r?$/m);
    expect(raw).toMatch(/^From: Parley <no-reply@parley\.test>\r?$/m);
    expect(raw).toContain(`Message-ID: ${result.messageId}`);

    expect(mimePart(raw, 'text/plain')?.body).toContain('Ada booked an interview for Tuesday.');
    expect(mimePart(raw, 'text/html')?.body).toContain('<p>Ada booked an interview for Tuesday.</p>');
    const calendar = mimePart(raw, 'text/calendar');
    expect(calendar?.headers).toMatch(/method=REQUEST/i);
    expect(calendar?.body).toContain('METHOD:REQUEST');
    expect(calendar?.body).toContain('UID:booking-42@parley');
    expect(calendar?.body).toContain('DTSTART;TZID=America/New_York:20260310T100000');
  });

  it('sends without credentials and collapses line breaks in the subject', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'no-reply@parley.test' });
    await mailer.send({ to: 'ada@example.org', subject: 'Hello\r\nBcc: victim@example.com', text: 'Hi' });
    const raw = smtp.received[0]?.raw ?? '';
    expect(smtp.received[0]?.to).toEqual(['ada@example.org']);
    expect(raw).toMatch(/^Subject: Hello Bcc: victim@example\.com\r?$/m);
    expect(raw).not.toMatch(/^Bcc:/im);
    expect(mimePart(raw, 'text/calendar')).toBeUndefined();
  });

  it('reports a rejected login without the credentials', async () => {
    const smtp = await startSmtp({ password: 'the-right-one' });
    servers.push(smtp);
    const mailer = createMailer({ smtpUrl: `smtp://parley-user:hunter2-wrong@127.0.0.1:${smtp.port}`, from: 'no-reply@parley.test' });
    const error = await mailer.send({ to: 'ada@example.org', subject: 'x', text: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MailError);
    const mailError = error as MailError;
    expect(mailError.message).toContain(`SMTP server 127.0.0.1:${smtp.port}`);
    expect(mailError.code).toBe('EAUTH');
    expect(mailError.responseCode).toBe(535);
    expect(mailError.message).not.toContain('hunter2');
    expect(mailError.message).not.toContain('parley-user');
    expect(smtp.received).toHaveLength(0);
  });

  it('gives a readable error when the SMTP server is unreachable', async () => {
    const port = await closedPort();
    const mailer = createMailer({ smtpUrl: `smtp://someone:pa55word@127.0.0.1:${port}`, from: 'no-reply@parley.test' });
    const error = await mailer.send({ to: 'ada@example.org', subject: 'x', text: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^Could not send email through the SMTP server 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(message).not.toContain('pa55word');
    expect(message).not.toContain('someone');
  });

  it('rejects URLs that are not SMTP without echoing them', () => {
    expect(() => createMailer({ smtpUrl: 'https://user:topsecret@mail.example.com', from: 'a@b.c' })).toThrow(
      /must start with smtp:\/\/ or smtps:\/\//,
    );
    expect(() => createMailer({ smtpUrl: 'not a url topsecret', from: 'a@b.c' })).toThrow(/^The SMTP URL is not a valid URL/);
    try {
      createMailer({ smtpUrl: 'not a url topsecret', from: 'a@b.c' });
    } catch (error) {
      expect((error as Error).message).not.toContain('topsecret');
    }
  });
});

describe('createMailer without SMTP (outbox)', () => {
  it('hands the message with its From to the outbox', async () => {
    const outbox: OutboxMessage[] = [];
    const mailer = createMailer({ from: 'Parley <no-reply@parley.test>', outbox: (msg) => void outbox.push(msg) });
    expect(mailer.kind).toBe('outbox');
    const ics = { content: invite(), method: 'REQUEST' as const };
    const first = await mailer.send({ to: 'ada@example.org', subject: 'Booked', text: 'Body', html: '<p>Body</p>', ics });
    const second = await mailer.send({ to: 'bob@example.org', subject: 'Again', text: 'Body 2' });
    expect(outbox).toEqual([
      { from: 'Parley <no-reply@parley.test>', to: 'ada@example.org', subject: 'Booked', text: 'Body', html: '<p>Body</p>', ics },
      { from: 'Parley <no-reply@parley.test>', to: 'bob@example.org', subject: 'Again', text: 'Body 2' },
    ]);
    expect(first.messageId).toMatch(/^<[0-9a-f-]{36}@outbox\.parley>$/);
    expect(second.messageId).not.toBe(first.messageId);
  });

  it('waits for an async outbox and propagates its failure', async () => {
    let stored = false;
    const slow = createMailer({
      from: 'no-reply@parley.test',
      outbox: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        stored = true;
      },
    });
    await slow.send({ to: 'ada@example.org', subject: 's', text: 't' });
    expect(stored).toBe(true);

    const broken = createMailer({
      from: 'no-reply@parley.test',
      outbox: () => {
        throw new Error('disk full');
      },
    });
    await expect(broken.send({ to: 'ada@example.org', subject: 's', text: 't' })).rejects.toThrow('disk full');
  });
});

describe('mail templates', () => {
  const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & \'quoted\'';
  const input: BookingMailInput = {
    recruiterName: 'Rita Recruiter',
    recruiterEmail: 'rita@example.com',
    candidateName: 'Ada <b>Lovelace</b>',
    candidatePhone: '+49 30 1234567',
    candidateEmail: 'ada@example.org',
    note: `Looking forward!\n${hostile}`,
    start: new Date('2026-03-10T14:00:00Z'),
    end: new Date('2026-03-10T14:30:00Z'),
    recruiterTimeZone: 'America/New_York',
    candidateTimeZone: 'Europe/Berlin',
    manageUrl: 'https://parley.test/bookings/42?tab=details&x="y"',
    recruiterUrl: 'https://parley.test/r/recruiter-42?x="y"',
  };

  it('escapes every HTML special character', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('escapes a hostile note and candidate name in every HTML email', () => {
    for (const kind of ['booked', 'rescheduled', 'cancelled', 'candidate-confirmation'] as const) {
      const { html, text } = renderBookingEmail(kind, { ...input, previousStart: new Date('2026-03-09T14:00:00Z') });
      expect(html, kind).not.toContain('<script');
      expect(html, kind).not.toContain('<img');
      expect(html, kind).not.toContain('<b>');
      expect(html, kind).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quoted&#39;');
      // The plain-text part carries the note verbatim: it is not HTML.
      expect(text, kind).toContain(hostile);
    }
  });

  it('escapes the manage URL inside href and refuses non-http links', () => {
    const { html } = recruiterBookedEmail(input);
    expect(html).toContain('<a href="https://parley.test/r/recruiter-42?x=&quot;y&quot;">Open in Parley</a>');
    const confirmation = candidateConfirmationEmail(input);
    expect(confirmation.html).toContain('<a href="https://parley.test/bookings/42?tab=details&amp;x=&quot;y&quot;">Reschedule or cancel</a>');

    const evil = candidateConfirmationEmail({ ...input, manageUrl: 'javascript:alert(1)' });
    expect(evil.html).not.toContain('javascript:');
    expect(evil.html).not.toContain('<a ');
    expect(evil.text).not.toContain('javascript:');
  });

  it("never puts the candidate's own link in a recruiter mail, and never the recruiter's in the candidate's", () => {
    for (const kind of ['booked', 'rescheduled', 'cancelled'] as const) {
      const mail = renderBookingEmail(kind, { ...input, previousStart: new Date('2026-03-09T14:00:00Z') });
      expect(mail.text, kind).toContain('Open in Parley: https://parley.test/r/recruiter-42');
      expect(mail.text + mail.html, kind).not.toContain('bookings/42');
    }
    const confirmation = renderBookingEmail('candidate-confirmation', input);
    expect(confirmation.text + confirmation.html).not.toContain('recruiter-42');
  });

  it('writes the recruiter email in the recruiter zone and the confirmation in the candidate zone', () => {
    const booked = recruiterBookedEmail(input);
    // New York is on EDT (UTC-4) after 8 March 2026; Berlin is still on CET (UTC+1).
    expect(booked.text).toContain('When: Tuesday, March 10, 2026, 10:00 AM – 10:30 AM (America/New_York)');
    expect(booked.text).toContain("Candidate's time: Tuesday, March 10, 2026, 3:00 PM – 3:30 PM (Europe/Berlin)");
    expect(booked.html).toContain('Tuesday, March 10, 2026, 10:00 AM – 10:30 AM (America/New_York)');
    expect(booked.subject).toBe('Interview booked: Ada <b>Lovelace</b>, Tue, Mar 10, 10:00 AM');
    expect(booked.text).toContain('Phone: +49 30 1234567');
    expect(booked.text).toContain('Email: ada@example.org');

    const confirmation = candidateConfirmationEmail({ ...input, candidateTimeZone: 'Asia/Kathmandu' });
    expect(confirmation.text).toContain('When: Tuesday, March 10, 2026, 7:45 PM – 8:15 PM (Asia/Kathmandu)');
    expect(confirmation.text).not.toContain('America/New_York');
    expect(confirmation.subject).toBe('Your interview with Rita Recruiter is confirmed: Tue, Mar 10, 7:45 PM');
    expect(confirmation.text).toContain('Reschedule or cancel: https://parley.test/bookings/42');
    expect(confirmation.text).toContain('Questions? Reply to Rita Recruiter at rita@example.com.');
  });

  it('shows the previous time of a reschedule and states a cancellation', () => {
    const rescheduled = recruiterRescheduledEmail({ ...input, previousStart: new Date('2026-03-06T15:00:00Z') });
    expect(rescheduled.subject).toBe('Interview rescheduled: Ada <b>Lovelace</b>, now Tue, Mar 10, 10:00 AM');
    // 6 March is before the US switch: EST (UTC-5).
    expect(rescheduled.text).toContain('Previously: Friday, March 6, 2026, 10:00 AM (America/New_York)');

    const moved = candidateConfirmationEmail({ ...input, previousStart: new Date('2026-03-06T15:00:00Z') });
    expect(moved.subject).toBe('Your interview with Rita Recruiter has moved to Tue, Mar 10, 3:00 PM');
    expect(moved.text).toContain('Previously: Friday, March 6, 2026, 4:00 PM (Europe/Berlin)');

    const cancelled = recruiterCancelledEmail(input);
    expect(cancelled.subject).toBe('Interview cancelled: Ada <b>Lovelace</b>, Tue, Mar 10, 10:00 AM');
    expect(cancelled.text).toContain('cancelled their interview with you');
    expect(cancelled.text).toContain('Was: Tuesday, March 10, 2026, 10:00 AM – 10:30 AM (America/New_York)');
  });

  it('spells out both days when a slot crosses midnight in the reader zone', () => {
    expect(formatTimeRange(new Date('2026-03-10T14:45:00Z'), new Date('2026-03-10T15:15:00Z'), 'Asia/Tokyo')).toBe(
      'Tuesday, March 10, 2026, 11:45 PM – Wednesday, March 11, 2026, 12:15 AM (Asia/Tokyo)',
    );
  });

  it('keeps line breaks in names out of subjects', () => {
    const { subject } = recruiterBookedEmail({ ...input, candidateName: 'Eve\r\nBcc: x@example.com' });
    expect(subject).toBe('Interview booked: Eve Bcc: x@example.com, Tue, Mar 10, 10:00 AM');
  });
});
