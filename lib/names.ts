/**
 * Names and ids the content scripts show, without zod: a content script bundles this file, not
 * lib/schemas.ts (which re-exports these for everyone else).
 */
export const VIDEO_PROVIDERS = ['jitsi', 'google-meet', 'teams', 'zoom'] as const;
export type VideoProviderId = (typeof VIDEO_PROVIDERS)[number];
export const VIDEO_PROVIDER_NAMES: Record<VideoProviderId, string> = { jitsi: 'Jitsi Meet', 'google-meet': 'Google Meet', teams: 'Microsoft Teams', zoom: 'Zoom' };

export const ATS_IDS = ['lever', 'greenhouse'] as const;
export type AtsId = (typeof ATS_IDS)[number];
export const ATS_NAMES: Record<AtsId, string> = { lever: 'Lever', greenhouse: 'Greenhouse' };
