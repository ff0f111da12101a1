import { describe, expect, it } from 'vitest';
import { connectError, explainOAuthError } from '../../lib/connect-errors';

describe('connect errors', () => {
  it.each([
    ['microsoft', 'access_denied', 'AADSTS65001: The user or administrator has not consented to use the application', 'admin-approval'],
    ['microsoft', 'invalid_request', 'AADSTS90094: Admin consent is required for the permissions requested', 'admin-approval'],
    ['microsoft', 'access_denied', 'AADSTS50105: The signed in user is not assigned to a role for the application', 'not-assigned'],
    ['microsoft', 'invalid_request', 'AADSTS50020: User account from identity provider does not exist in tenant', 'provider-mismatch'],
    ['microsoft', 'invalid_grant', 'AADSTS70000: The provided value for the code parameter is not valid', 'reauthorize'],
    ['microsoft', 'access_denied', 'AADSTS65004: User declined to consent to access the app', 'cancelled'],
    ['google', 'admin_policy_enforced', '', 'admin-approval'],
    ['google', 'org_internal', '', 'not-assigned'],
    ['google', 'access_denied', '', 'cancelled'],
    ['google', 'invalid_grant', 'Token has been expired or revoked.', 'reauthorize'],
    ['google', 'invalid_scope', '', 'insufficient-scopes'],
  ] as const)('%s %s (%s) → %s', (provider, error, description, problem) => {
    const e = explainOAuthError(provider, error, description);
    expect(e.problem).toBe(problem);
    expect(e.title.length).toBeGreaterThan(10);
    expect(e.whatToDo.length).toBeGreaterThan(10);
  });

  it('names exactly which permission was unticked', () => {
    const e = connectError('insufficient-scopes', { missingScopes: ['https://www.googleapis.com/auth/calendar.events'] });
    expect(e.cause).toBe('Parley was not given: View and edit events on your calendars.');
  });

  it('keeps the unknown error readable', () => {
    expect(explainOAuthError('google', 'server_error', 'Something broke').cause).toBe('server_error: Something broke');
  });
});
