// @ts-expect-error libqp ships no types
import libqp from 'libqp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootParley, type Parley } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { openPglite } from '../../server/db.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The recruiter's notification leaves through a real SMTP exchange with a local sink. */
describe('booking mail over SMTP', () => {
  const received: { to: string[]; raw: string }[] = [];
  let smtp: SMTPServer;
  let port = 0;
  let parley: Parley;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as { port: number }).port;
    const config = loadConfig({
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-smtp-')), PUBLIC_URL: 'http://parley.test', SMTP_URL: `smtp://127.0.0.1:${port}`,
      PARLEY_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), MAIL_FROM: 'Parley <no-reply@parley.test>',
    });
    parley = await bootParley(config, { db: await openPglite(), clock: () => Date.parse('2026-03-02T12:00:00Z'), startJobs: false });
  });
  afterAll(async () => {
    await parley.close();
    await parley.deps.db.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('mails the recruiter with the interview attached when a candidate books', async () => {
    expect(parley.deps.mailer.kind).toBe('smtp');
    const call = (p: string, json: unknown, token?: string) =>
      parley.app.request(`http://parley.test${p}`, {
        method: 'POST', body: JSON.stringify(json),
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    const { token } = (await (await call('/api/auth/register', { email: 'rita@example.com', name: 'Rita Recruiter', password: 'correct horse battery', timeZone: 'Europe/Paris' })).json()) as { token: string };
    const { invitation } = (await (await call('/api/invitations', { recipient: { key: 'linkedin:in:carla', name: 'Carla' } }, token)).json()) as { invitation: { url: string } };
    const linkToken = invitation.url.split('/b/')[1];
    const booked = await call(`/b/${linkToken}/book`, { start: '2026-03-03T08:00:00Z', timeZone: 'America/Chicago', name: 'Carla Candidate', country: 'US', phone: '(650) 253-0000', note: 'excited' });
    expect(booked.status).toBe(201);
    await parley.deps.jobs.runDue();
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.to).toEqual(['rita@example.com']);
    const text = (libqp.decode(mail.raw) as Buffer).toString('utf8');
    expect(text).toMatch(/^Subject: .*Carla Candidate/m);
    expect(text).toContain('Excited about the opportunity!');
    // 08:00Z is 9:00 AM in Paris: the recruiter reads their own zone.
    expect(text).toContain('9:00 AM');
    expect(text).toContain('Europe/Paris');
    expect(mail.raw).toMatch(/text\/calendar; ?charset=utf-8; ?method=PUBLISH/i);
    const jobs = await parley.deps.db.query<{ done_at: Date | null; last_error: string | null }>(`select done_at, last_error from jobs where kind = 'mail.booking'`);
    expect(jobs).toEqual([{ done_at: expect.any(Date), last_error: null }]);
  });
});
