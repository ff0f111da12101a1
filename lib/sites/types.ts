/** Who a composer writes to. `key` is stable per person on that site and is what invitations are bound to. */
export interface Recipient {
  /** e.g. "linkedin:in:jane-doe-123", "linkedin:member:ACoAAB…", "linkedin:talent:AEMAA…", "linkedin:thread:2-abc" */
  key: string;
  name?: string;
  profileUrl?: string;
}

export interface Composer {
  /** The contenteditable element (role=textbox) or a <textarea>. */
  editor: HTMLElement;
  /** The conversation container (thread pane, overlay bubble, InMail panel) holding header, messages and form. */
  root: HTMLElement;
  /**
   * Parley's control goes right after this element. It is the editor's container inside the form, which
   * survives the re-renders of the footer toolbar that hosts perform on the first keystroke.
   */
  mountAfter: HTMLElement;
}

/** A candidate as a profile page shows them. Only what the page itself shows; nothing from side cards. */
export interface CandidateProfile {
  site: 'linkedin' | 'linkedin-recruiter' | 'talentio';
  /**
   * Canonical: `https://www.linkedin.com/in/<slug>/` (lower-case slug), `https://www.linkedin.com/talent/profile/<id>`,
   * `https://www.talent.io/recruiter/candidates/<id>`.
   */
  profileUrl: string;
  /** e.g. "linkedin:in:jane-doe", "linkedin:talent:AEMAA…", "talentio:candidate:123": the same scheme as `Recipient.key`. */
  profileKey: string;
  firstName: string;
  lastName: string;
  headline?: string;
  title?: string;
  company?: string;
  location?: string;
  /** Only where the page shows them (a contact info section or overlay). */
  emails: string[];
  phones: string[];
  /** LinkedIn Recruiter project / talent.io position the page is in, for a remembered default posting. */
  context?: { kind: 'project' | 'position'; id: string; name?: string };
  /**
   * True when the candidate has replied / accepted contact (talent.io: contact accepted; LinkedIn: a visible
   * message thread with a reply from them); undefined when the page does not say.
   */
  replied?: boolean;
}

export interface ProfileAnchor {
  profile: CandidateProfile;
  /** Near the name heading, outside any link, and not re-rendered by the host on its own. */
  mountAfter: HTMLElement;
}

/** One person in a list of search results. */
export interface ResultCard {
  card: HTMLElement;
  profileUrl: string;
  profileKey: string;
  name?: string;
  /** The person's name link or line: a badge goes right after it. */
  mountAfter: HTMLElement;
}

/** A URL predicate with the URLs it must accept written beside it (CONVENTIONS 3, 15). */
export interface PagePredicate {
  examples: readonly string[];
  test(url: URL): boolean;
}

export interface SiteAdapter {
  id: string;
  name: string;
  /** Example URLs the adapter must accept; every other adapter must reject them. */
  examples: { matching: string[] };
  matches(url: URL): boolean;
  /** Composers in `root` (and `root` itself), including those inside open shadow roots below it. */
  findComposers(root: ParentNode): Composer[];
  composerFor(editor: HTMLElement): Composer | undefined;
  recipientFor(composer: Composer, url: URL): Recipient | undefined;
  /**
   * When a composer writes to several people (an e-mail with three addresses in To), the people to
   * choose from, first the one `recipientFor` picks; the control then asks which one the link is for.
   */
  recipientChoices?(composer: Composer, url: URL): Recipient[];
  /**
   * Selector for elements that may receive an open shadow root after they are inserted (e.g. LinkedIn's
   * `#interop-outlet`). Pass it to `observeElements` so composers rendered there later are found.
   */
  shadowHosts?: string;
  /** The candidate a profile page shows (in the page or in a profile overlay), or undefined on other pages. */
  profile?(doc: Document, url: URL): ProfileAnchor | undefined;
  /** People listed on a search results page, in page order, in `root` and the open shadow roots below it. */
  resultCards?(root: ParentNode, url: URL): ResultCard[];
}

/** Defines a page predicate; keeps example URLs next to the test they exercise. */
export function page(examples: readonly string[], test: (url: URL) => boolean): PagePredicate {
  return { examples, test };
}
