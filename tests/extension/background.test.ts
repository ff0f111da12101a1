import { describe, expect, it } from 'vitest';
import { route, senderKind } from '../../lib/background/router';
import { db } from '../../lib/db';
import { messages } from '../../lib/protocol';
import { EXT_BASE, EXT_ID, fromContent, fromElsewhere, fromPopup, useBackend } from './harness';

const { state, signUp } = useBackend();

describe('the message router', () => {
  it('knows its senders', () => {
    expect(senderKind(fromPopup, EXT_BASE, EXT_ID)).toBe('extension');
    expect(senderKind(fromContent, EXT_BASE, EXT_ID)).toBe('content');
    expect(senderKind(fromElsewhere, EXT_BASE, EXT_ID)).toBeUndefined();
    expect(senderKind({ id: EXT_ID }, EXT_BASE, EXT_ID)).toBeUndefined();
  });

  it('refuses unknown messages, wrong senders and bad payloads', async () => {
    expect(await route({ type: 'nope', payload: {} }, fromPopup)).toMatchObject({ ok: false, code: 'invalid' });
    expect(await route('hello', fromPopup)).toMatchObject({ ok: false, code: 'invalid' });
    // A web page (or another extension) may not ask for anything.
    expect(await route({ type: 'session.get', payload: {} }, fromElsewhere)).toMatchObject({ ok: false, code: 'refused' });
    // A content script may not sign in or change settings; the popup may not mint links for a tab.
    expect(await route({ type: 'session.signIn', payload: {} }, fromContent)).toMatchObject({ ok: false, code: 'refused' });
    expect(await route({ type: 'invitation.forRecipient', payload: {} }, fromPopup)).toMatchObject({ ok: false, code: 'refused' });
    const bad = await route({ type: 'invitation.forRecipient', payload: { recipient: { key: 'x' }, durationMinutes: 'long', expiresInDays: 3 } }, fromContent);
    expect(bad).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('defines every message with request and response schemas and a sender rule', () => {
    for (const [type, spec] of Object.entries(messages)) {
      expect(spec.request, type).toBeDefined();
      expect(spec.response, type).toBeDefined();
      expect(['any', 'extension', 'content'], type).toContain(spec.from);
    }
  });
});

describe('the background against a real backend', () => {
  it('signs in, keeps the token out of reach of content scripts, and answers session.get without it', async () => {
    const signedIn = await signUp();
    expect(signedIn).toMatchObject({ ok: true, data: { recruiter: { name: 'Rita' } } });
    const session = await route({ type: 'session.get', payload: {} }, fromContent);
    expect(session).toMatchObject({ ok: true, data: { recruiter: { name: 'Rita' }, backendUrl: state.backendUrl } });
    expect(JSON.stringify(session)).not.toMatch(/token/i);
    expect((await db.session.get('current'))?.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('asks for the recipient link, caches it per recipient, and reuses it', async () => {
    await signUp();
    const ask = () => route({ type: 'invitation.forRecipient', payload: { recipient: { key: 'linkedin:in:carla', name: 'Carla' }, durationMinutes: 45, expiresInDays: 7 } }, fromContent);
    const first = await ask();
    expect(first).toMatchObject({ ok: true, data: { invitation: { durationMinutes: 45, recipient: { key: 'linkedin:in:carla' } } } });
    const second = await ask();
    expect(second).toMatchObject({ ok: true, data: { invitation: { reused: true } } });
    const cached = await db.invitations.get('linkedin:in:carla');
    expect(cached?.url).toBe((first as { data: { invitation: { url: string } } }).data.invitation.url);
  });

  it('explains a signed-out or unreachable backend, and serves cached interviews offline', async () => {
    expect(await route({ type: 'invitation.forRecipient', payload: { recipient: { key: 'linkedin:in:c' }, durationMinutes: 30, expiresInDays: 7 } }, fromContent))
      .toMatchObject({ ok: false, code: 'signed-out', error: expect.stringContaining('Sign in to Parley first') });
    await signUp();
    expect(await route({ type: 'interviews.list', payload: { refresh: true } }, fromPopup)).toMatchObject({ ok: true, data: { interviews: [], cachedAt: expect.any(Number) } });
    const row = (await db.session.get('current'))!;
    await db.session.put({ ...row, backendUrl: 'http://127.0.0.1:9' });
    const offline = await route({ type: 'interviews.list', payload: { refresh: true } }, fromPopup);
    expect(offline).toMatchObject({ ok: true, data: { interviews: [], cachedAt: expect.any(Number) } });
    const settings = await route({ type: 'settings.get', payload: {} }, fromContent);
    expect(settings).toMatchObject({ ok: false, code: 'network', error: expect.stringContaining("Can't reach Parley's backend at http://127.0.0.1:9") });
  });

  it('forgets the session when the backend says it is no longer valid', async () => {
    await signUp();
    const row = (await db.session.get('current'))!;
    await db.session.put({ ...row, token: 'A'.repeat(32) });
    expect(await route({ type: 'settings.get', payload: {} }, fromContent)).toMatchObject({ ok: false, code: 'signed-out' });
    expect(await db.session.get('current')).toBeUndefined();
  });
});
