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
   * Selector for elements that may receive an open shadow root after they are inserted (e.g. LinkedIn's
   * `#interop-outlet`). Pass it to `observeElements` so composers rendered there later are found.
   */
  shadowHosts?: string;
}

/** Defines a page predicate; keeps example URLs next to the test they exercise. */
export function page(examples: readonly string[], test: (url: URL) => boolean): PagePredicate {
  return { examples, test };
}
