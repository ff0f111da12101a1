import { beforeEach, describe, expect, it } from 'vitest';
import { AtsError, type AtsConnector, type AtsRecord, type CandidateData } from '../../server/providers/ats/types.js';

/**
 * The behaviour every AtsConnector (Lever, Greenhouse) must show, run against each implementation
 * with its fake. `setup` gives a fresh account each time: no people yet, and more open postings
 * than fit on one page of the ATS's list.
 */
export interface AtsContractHarness {
  connector: AtsConnector;
  /** How many person records (Lever opportunities; Greenhouse candidates and prospects) the ATS holds. */
  count(): Promise<number>;
  /** The text of every note/activity entry on the record, as the ATS stores it. */
  notes(record: AtsRecord): Promise<string[]>;
  /** An open posting/job people can be attached to. */
  postingId: string;
  /** The postings/jobs the record is attached to, as the ATS stores it. */
  postingsOf(record: AtsRecord): Promise<string[]>;
  /** When given: the ids of every open posting/job, which `listPostings` must return exactly. */
  openPostingIds?(): Promise<string[]>;
}

let serial = 0;
/** A person as a profile adapter reads them, with a fresh address each time. */
export function candidate(over: Partial<CandidateData> = {}): CandidateData {
  serial += 1;
  return {
    firstName: 'Carla',
    lastName: `Candidate${serial}`,
    headline: 'Staff Engineer at Initech',
    company: 'Initech',
    title: 'Staff Engineer',
    location: 'Berlin, Germany',
    emails: [`carla.${serial}.${Date.now()}@example.com`],
    phones: ['+49 30 1234567'],
    links: [`https://www.linkedin.com/in/carla-candidate-${serial}/`, 'https://github.com/carla'],
    source: 'LinkedIn',
    ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<AtsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AtsError);
  return err as AtsError;
}

export function atsContract(name: string, setup: () => Promise<AtsContractHarness>) {
  describe(`${name}: the ATS contract`, () => {
    let h: AtsContractHarness;
    beforeEach(async () => {
      h = await setup();
    });

    it('finds a person by email once created, and nobody for an unknown address', async () => {
      const person = candidate();
      expect(await h.connector.findByEmail(person.emails[0]!)).toBeUndefined();
      const before = await h.count();

      const made = await h.connector.createCandidate(person, {});
      expect(made.id).toBeTruthy();
      expect(new URL(made.url).protocol).toMatch(/^https?:$/);
      expect(await h.count()).toBe(before + 1);

      const found = await h.connector.findByEmail(person.emails[0]!);
      expect(found).toEqual(made);
      expect(await h.connector.findByEmail(`nobody.${Date.now()}@example.com`)).toBeUndefined();
    });

    it('lists every open posting across pages, each once, with a title', async () => {
      const postings = await h.connector.listPostings();
      const ids = postings.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(h.postingId);
      for (const p of postings) expect(p.title.trim()).not.toBe('');
      if (h.openPostingIds) expect([...ids].sort()).toEqual([...(await h.openPostingIds())].sort());
    });

    it('attaches the person to the posting when one is given, and to none otherwise', async () => {
      const withPosting = await h.connector.createCandidate(candidate(), { postingId: h.postingId });
      expect(await h.postingsOf(withPosting)).toEqual([h.postingId]);
      const without = await h.connector.createCandidate(candidate(), {});
      expect(await h.postingsOf(without)).toEqual([]);
    });

    it('adds a note once per key, however often it is pushed', async () => {
      const record = await h.connector.createCandidate(candidate(), {});
      await h.connector.addNote(record, { key: 'note-1', text: 'Strong system design; open to relocating.' });
      await h.connector.addNote(record, { key: 'note-1', text: 'Strong system design; open to relocating.' });
      await h.connector.addNote(record, { key: 'note-2', text: 'Prefers a call after 17:00.' });
      await h.connector.addNote(record, { key: 'note-1', text: 'Strong system design; open to relocating.' });

      const notes = await h.notes(record);
      expect(notes.filter((n) => n.includes('Strong system design; open to relocating.'))).toHaveLength(1);
      expect(notes.filter((n) => n.includes('Prefers a call after 17:00.'))).toHaveLength(1);
    });

    it('adds each message of the thread once, with who wrote to whom', async () => {
      const record = await h.connector.createCandidate(candidate(), {});
      const sent = {
        key: 'msg-1', direction: 'sent' as const, at: Date.parse('2026-04-06T09:30:00Z'), from: 'Rita Recruiter', to: 'Carla Candidate',
        subject: 'Backend role at Example', text: 'Hi Carla, would you be open to a chat about our backend role?',
      };
      const received = { ...sent, key: 'msg-2', direction: 'received' as const, from: 'Carla Candidate', to: 'Rita Recruiter', subject: undefined, text: 'Happy to, next Tuesday works.' };
      await h.connector.addMessage(record, sent);
      await h.connector.addMessage(record, received);
      await h.connector.addMessage(record, sent);

      const notes = await h.notes(record);
      const first = notes.filter((n) => n.includes(sent.text));
      const reply = notes.filter((n) => n.includes(received.text));
      expect(first).toHaveLength(1);
      expect(reply).toHaveLength(1);
      expect(first[0]).toContain('Rita Recruiter');
      expect(first[0]).toContain('Carla Candidate');
    });

    it('fails with a not-found AtsError for a record the ATS does not have', async () => {
      const gone: AtsRecord = { id: '999999999', url: 'https://example.invalid/', kind: 'candidate' };
      const err = await failure(h.connector.addNote(gone, { key: 'note-x', text: 'Hello' }));
      expect(err.kind).toBe('not-found');
      expect(err.temporary).toBe(false);
    });
  });
}
