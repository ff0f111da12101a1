import type { AtsMessage, CandidateData, Posting } from './types.js';

// What Harvest's JSON looks like to Parley (greenhouse.ts), and what Parley writes into it.

// -------------------------------------------------------------------- Harvest shapes

export interface HarvestJob {
  id?: number | string;
  name?: string;
  status?: string;
  offices?: { name?: string; location?: { name?: string } | null }[];
  departments?: { name?: string }[];
}
export interface HarvestCandidate {
  id?: number | string;
  is_prospect?: boolean;
  applications?: { prospect?: boolean }[];
}
export type HarvestFeed = Partial<Record<'note' | 'email', { body?: unknown }[]>>;

export function toPosting(j: HarvestJob): Posting {
  const places = [...new Set((j.offices ?? []).map((o) => o?.location?.name || o?.name).filter((x): x is string => !!x))];
  const team = j.departments?.[0]?.name;
  return {
    id: String(j.id),
    title: j.name ?? `Job ${j.id}`,
    ...(places.length ? { location: places.join(' · ') } : {}),
    ...(team ? { team } : {}),
    state: j.status ?? 'open',
  };
}

/** A prospect has only prospect applications (a jobless prospect has one with no job). */
export function isProspect(c: HarvestCandidate): boolean {
  if (typeof c.is_prospect === 'boolean') return c.is_prospect;
  const apps = Array.isArray(c.applications) ? c.applications : [];
  return apps.length > 0 && apps.every((a) => a?.prospect === true);
}

/** Profiles that belong in Greenhouse's social media addresses; any other link is a website. */
export const SOCIAL_HOSTS = /(^|\.)(linkedin\.com|talent\.io|twitter\.com|x\.com)$/i;
export function isSocial(link: string): boolean {
  try {
    return SOCIAL_HOSTS.test(new URL(link).hostname);
  } catch {
    return /^(https?:\/\/)?([\w-]+\.)*(linkedin\.com|talent\.io)\b/i.test(link);
  }
}

export function personBody(d: CandidateData, jobId: number | undefined): Record<string, unknown> {
  const links = [...new Set(d.links.map((l) => l.trim()).filter(Boolean))];
  const title = d.title?.trim() || d.headline?.trim();
  return {
    first_name: d.firstName.trim(),
    last_name: d.lastName.trim(),
    ...(d.company?.trim() ? { company: d.company.trim() } : {}),
    ...(title ? { title } : {}),
    email_addresses: [...new Set(d.emails.map((e) => e.trim()).filter(Boolean))].map((value) => ({ value, type: 'personal' })),
    phone_numbers: [...new Set(d.phones.map((p) => p.trim()).filter(Boolean))].map((value) => ({ value, type: 'other' })),
    social_media_addresses: links.filter(isSocial).map((value) => ({ value })),
    website_addresses: links.filter((l) => !isSocial(l)).map((value) => ({ value, type: 'other' })),
    ...(d.location?.trim() ? { addresses: [{ value: d.location.trim(), type: 'other' }] } : {}),
    tags: ['Parley'],
    ...(jobId !== undefined ? { applications: [{ job_id: jobId }] } : {}),
  };
}

/** Harvest's `user_id` is an integer; a non-numeric id is sent as it is, for Greenhouse to refuse. */
export const userId = (id: string): number | string => (/^\d+$/.test(id.trim()) ? Number(id.trim()) : id);

/** The same marker line Parley's Lever connector writes, so one key reads the same in either ATS. */
export const marker = (key: string) => `— Parley #${key.replace(/\s+/g, ' ').trim()}`;
/** The marker as a whole line, so key "a1" is not mistaken for "a12". */
export const carries = (body: string, tag: string) => body.split(/\r?\n/).some((line) => line.trim() === tag);

export function subjectOf(m: AtsMessage): string {
  if (m.subject?.trim()) return m.subject.trim();
  return m.direction === 'received' ? `Message from ${m.from}` : `Message to ${m.to}`;
}
export function messageText(m: AtsMessage): string {
  const when = Number.isFinite(m.at) ? new Date(m.at).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
  return `${m.text.trimEnd()}\n\n(${m.direction === 'received' ? 'Received' : 'Sent'}${when ? ` ${when}` : ''}, recorded by Parley)`;
}

/** `<url>; rel="next"` from an RFC 5988 Link header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/s.exec(part);
    if (m && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2]!)) return m[1]!;
  }
  return undefined;
}
