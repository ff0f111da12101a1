/**
 * What can go wrong when a recruiter connects a calendar, in words they can act on. The catalogue
 * follows the errors recruiters meet with LinkedIn Scheduler's calendar integration; each entry says
 * what happened and what to do. Shared by the backend (token and API errors) and the extension
 * (errors the authorization page returns).
 */
export type ConnectProblem =
  | 'admin-approval'
  | 'not-assigned'
  | 'no-mailbox'
  | 'provider-mismatch'
  | 'on-premise'
  | 'not-hosted'
  | 'network-blocked'
  | 'reauthorize'
  | 'insufficient-scopes'
  | 'mailbox-inactive'
  | 'cancelled'
  | 'not-configured'
  | 'bad-credentials'
  | 'not-caldav'
  | 'unknown';

export interface ConnectError {
  problem: ConnectProblem;
  title: string;
  cause: string;
  whatToDo: string;
  missingScopes?: string[];
}

const CATALOGUE: Record<ConnectProblem, Omit<ConnectError, 'problem'>> = {
  'admin-approval': {
    title: 'Your administrator needs to approve Parley',
    cause: 'Your organization has not granted Parley the access it needs to your calendar.',
    whatToDo: 'Ask your IT administrator to approve the Parley app for your organization (Google Workspace: API controls; Microsoft Entra ID: grant admin consent), then connect again.',
  },
  'not-assigned': {
    title: "You haven't been given access to Parley",
    cause: 'Your organization allows Parley for some people, but not for you yet.',
    whatToDo: 'Ask your administrator to add you to the people allowed to use the Parley app, then connect again.',
  },
  'no-mailbox': {
    title: "This address can't be connected",
    cause: 'The account has no mailbox or calendar of its own — for example an alias, a shared or team inbox, or an account used only for file storage.',
    whatToDo: 'Connect the address you use for your own email and calendar.',
  },
  'provider-mismatch': {
    title: "This address doesn't belong to the provider you chose",
    cause: 'The account you signed in with is not hosted by this provider.',
    whatToDo: 'Choose the provider that hosts your work email and calendar (Google or Microsoft 365), or sign in with your work account.',
  },
  'on-premise': {
    title: 'This mailbox is hosted on-premise',
    cause: 'Only mailboxes in the cloud can be connected; on-premise or hybrid Exchange mailboxes cannot be reached by calendar apps.',
    whatToDo: 'Ask your administrator to move the mailbox to Exchange Online, or connect a calendar through CalDAV instead.',
  },
  'not-hosted': {
    title: 'This calendar is not hosted by Google or Microsoft',
    cause: 'The account signed in fine, but has no Google Calendar or Outlook calendar behind it.',
    whatToDo: 'Use the address of your Google or Microsoft calendar, or connect your calendar with CalDAV (iCloud, Fastmail, Nextcloud…).',
  },
  'network-blocked': {
    title: "The sign-in page couldn't be reached",
    cause: "Your network (often a company firewall) is blocking the requests needed to sign in with your calendar provider.",
    whatToDo: 'Ask your administrator to allow sign-in requests to your calendar provider, or try from another network.',
  },
  reauthorize: {
    title: 'Please connect your calendar again',
    cause: 'The permission you gave Parley earlier has expired, was withdrawn, or Parley’s app registration changed.',
    whatToDo: 'Click Reconnect. If it fails again, ask your administrator to approve the current Parley app first.',
  },
  'insufficient-scopes': {
    title: 'Some permissions were not granted',
    cause: 'Parley needs every permission it asks for; one or more were unticked on the consent screen.',
    whatToDo: 'Connect again and leave every permission ticked.',
  },
  'mailbox-inactive': {
    title: "Your mailbox can't be used right now",
    cause: 'The mailbox may be inactive, soft-deleted, or hosted on-premise; only active cloud mailboxes are supported.',
    whatToDo: 'Work with your administrator to reactivate the mailbox or move it to the cloud, then connect again.',
  },
  cancelled: {
    title: 'Connection cancelled',
    cause: 'The sign-in window was closed or permission was declined.',
    whatToDo: 'Click Connect again when you are ready.',
  },
  'not-configured': {
    title: 'This provider is not set up on your Parley server',
    cause: 'The Parley backend has no OAuth client for this provider yet.',
    whatToDo: 'Ask whoever runs your Parley server to register the app and set its client id and secret (see the README).',
  },
  'bad-credentials': {
    title: 'The server refused the user name or password',
    cause: 'CalDAV servers such as iCloud and Fastmail need an app-specific password, not your normal one.',
    whatToDo: 'Create an app password in your account settings and enter it here.',
  },
  'not-caldav': {
    title: "That address isn't a CalDAV server",
    cause: 'Parley could not find a calendar service at that address.',
    whatToDo: 'Check the server address (for example https://caldav.icloud.com or https://caldav.fastmail.com).',
  },
  unknown: {
    title: 'The calendar could not be connected',
    cause: 'The provider returned an error Parley does not recognise.',
    whatToDo: 'Try again in a few minutes. If it keeps happening, contact your administrator with the details below.',
  },
};

export function connectError(problem: ConnectProblem, extra: Partial<Pick<ConnectError, 'missingScopes' | 'cause'>> = {}): ConnectError {
  const entry = { problem, ...CATALOGUE[problem], ...extra };
  if (problem === 'insufficient-scopes' && extra.missingScopes?.length) {
    entry.cause = `Parley was not given: ${extra.missingScopes.map(scopeLabel).join(', ')}.`;
  }
  return entry;
}

/** Readable names of the permissions Parley asks for. */
export function scopeLabel(scope: string): string {
  const labels: Record<string, string> = {
    'https://www.googleapis.com/auth/calendar.events': 'View and edit events on your calendars',
    'https://www.googleapis.com/auth/calendar.readonly': 'See your calendars',
    'https://www.googleapis.com/auth/calendar.freebusy': 'See your free/busy time',
    'Calendars.ReadWrite': 'Read and write your calendars (Calendars.ReadWrite)',
    'offline_access': 'Keep access while you are away (offline_access)',
    'User.Read': 'Sign you in and read your profile (User.Read)',
  };
  return labels[scope] ?? scope;
}

/**
 * The error an authorization page or token endpoint returned (`error`, `error_description`), for
 * Google and Microsoft Entra ID (AADSTS codes), as one of the problems above.
 */
export function explainOAuthError(provider: 'google' | 'microsoft', error: string, description = ''): ConnectError {
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1];
  if (provider === 'microsoft' && aadsts) {
    if (['65001', '90094', '90095', '65004'].includes(aadsts)) return aadsts === '65004' ? connectError('cancelled') : connectError('admin-approval');
    if (aadsts === '50105') return connectError('not-assigned');
    if (['50020', '500200', '50034', '700016'].includes(aadsts)) return connectError('provider-mismatch');
    if (['70000', '70008', '700082', '50173', '54005'].includes(aadsts)) return connectError('reauthorize');
  }
  switch (error) {
    case 'access_denied':
      return connectError('cancelled');
    case 'admin_policy_enforced':
    case 'consent_required':
      return connectError('admin-approval');
    case 'org_internal':
    case 'unauthorized_client':
      return connectError('not-assigned');
    case 'invalid_grant':
      return connectError('reauthorize');
    case 'invalid_scope':
      return connectError('insufficient-scopes');
    case 'network':
      return connectError('network-blocked');
    default:
      return connectError('unknown', { cause: `${error}${description ? `: ${description}` : ''}` });
  }
}
