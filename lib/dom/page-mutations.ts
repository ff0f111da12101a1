/**
 * One MutationObserver per tree, shared by every feature of the content script.
 *
 * A page is one document plus any open shadow roots: a shadow root is a separate tree whose changes the
 * document's observer never sees (`subtree` stops at shadow boundaries), so each shadow root that someone
 * watches gets its own hub. Within a tree, however many features listen, the browser keeps a single
 * observer and queues one list of records; each listener gets the same batch and reads the part it cares
 * about (what was added, whether something left, whether its own subtree changed). The observer is created
 * with the first listener and disconnected when the last one's signal aborts.
 *
 * Only `childList` changes are observed: no feature reacts to attributes or text edits today. If one ever
 * must, add the option here (the hub then observes with the union of what its listeners ask for) rather
 * than a second observer on the same tree.
 */

export type Tree = Document | ShadowRoot;

/** What changed in one tree since the last batch: all the records one microtask checkpoint delivered. */
export interface MutationBatch {
  /** Every record, in order. */
  readonly records: readonly MutationRecord[];
  /** Elements inserted by this batch and still in the page, outermost only: search them for their descendants. */
  readonly added: readonly Element[];
  /** Whether an element was taken out somewhere (it may since have been put back elsewhere). */
  readonly removed: boolean;
  /** Whether anything was added or removed at `node` or below it. */
  touches(node: Node): boolean;
}

export type MutationListener = (batch: MutationBatch) => void;

interface Hub {
  observer: MutationObserver;
  listeners: Set<MutationListener>;
}

const hubs = new WeakMap<Tree, Hub>();

function outermostAdded(records: readonly MutationRecord[]): Element[] {
  const added = new Set<Element>();
  for (const record of records) for (const node of record.addedNodes) if (node.nodeType === 1) added.add(node as Element);
  const insideAnother = (el: Element) => {
    for (let parent = el.parentNode; parent; parent = parent.parentNode) if (added.has(parent as Element)) return true;
    return false;
  };
  return [...added].filter((el) => el.isConnected && !insideAnother(el));
}

function batchOf(records: readonly MutationRecord[]): MutationBatch {
  let added: Element[] | undefined;
  let removed: boolean | undefined;
  return {
    records,
    get added() {
      return (added ??= outermostAdded(records));
    },
    get removed() {
      return (removed ??= records.some((r) => [...r.removedNodes].some((n) => n.nodeType === 1)));
    },
    touches: (node) => records.some((r) => node.contains(r.target)),
  };
}

function deliver(hub: Hub, records: MutationRecord[]) {
  if (records.length === 0) return;
  const batch = batchOf(records);
  // A copy: listeners may subscribe or leave while the batch is handed out.
  for (const listener of [...hub.listeners]) {
    if (!hub.listeners.has(listener)) continue;
    try {
      listener(batch);
    } catch (err) {
      // One feature's bug must not starve the others of this batch.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}

/**
 * Calls `listener` with each batch of changes to `tree` (child lists anywhere in it, not inside its open
 * shadow roots) until `signal` aborts. The browser delivers a tree's records once per microtask checkpoint,
 * so a burst of DOM changes is one batch.
 */
export function onPageMutations(tree: Tree, listener: MutationListener, signal: AbortSignal): void {
  if (signal.aborted) return;
  let hub = hubs.get(tree);
  if (!hub) {
    const created: Hub = { observer: new MutationObserver((records) => deliver(created, records)), listeners: new Set() };
    created.observer.observe(tree, { childList: true, subtree: true });
    hubs.set(tree, created);
    hub = created;
  }
  const own = hub;
  // The same function twice gets two subscriptions: wrap it so each is removed by its own signal.
  const entry: MutationListener = (batch) => listener(batch);
  own.listeners.add(entry);
  signal.addEventListener(
    'abort',
    () => {
      own.listeners.delete(entry);
      if (own.listeners.size === 0 && hubs.get(tree) === own) {
        own.observer.disconnect();
        hubs.delete(tree);
      }
    },
    { once: true },
  );
}
