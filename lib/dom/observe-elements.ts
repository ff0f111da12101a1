export interface ObserveOptions {
  /**
   * Elements that may receive an open shadow root after they are inserted (e.g. LinkedIn's
   * `#interop-outlet`); watched until they get one or leave the DOM. Custom elements (`<x-y>`) are
   * watched for a few seconds anyway, as they usually attach their shadow root when upgraded.
   */
  shadowHosts?: string;
}

const CUSTOM_ELEMENT_GRACE_MS = 10_000;
const HOST_POLL_MS = 250;

function elementsIn(scope: ParentNode): Element[] {
  const all = [...scope.querySelectorAll('*')];
  if (scope.nodeType === 1) all.unshift(scope as Element);
  return all;
}

/** Every open shadow root in `root` (including `root`'s own) and, recursively, inside those. */
export function openShadowRootsIn(root: ParentNode): ShadowRoot[] {
  const found: ShadowRoot[] = [];
  const visit = (scope: ParentNode) => {
    for (const el of elementsIn(scope)) {
      if (el.shadowRoot) {
        found.push(el.shadowRoot);
        visit(el.shadowRoot);
      }
    }
  };
  visit(root);
  return found;
}

/**
 * Calls `onElement` once for every element `find` returns, now and whenever one appears later, with a
 * signal that aborts when that element leaves the DOM (or when `signal` aborts).
 *
 * `find` gets `root`, then each batch's newly added elements and newly found shadow roots; it should
 * consider the element it is given as well as its descendants. Mutations are batched per microtask and
 * only added subtrees are searched, so the cost follows what the page changes, not its size. Open shadow
 * roots below `root`, including those attached later, get their own MutationObserver.
 */
export function observeElements(
  root: Document | ShadowRoot,
  find: (root: ParentNode) => HTMLElement[],
  onElement: (el: HTMLElement, signal: AbortSignal) => void,
  signal: AbortSignal,
  options: ObserveOptions = {},
): void {
  if (signal.aborted) return;

  const seen = new Map<HTMLElement, AbortController>();
  const observers = new Map<Document | ShadowRoot, MutationObserver>();
  const pendingHosts = new Map<Element, number>(); // host → give up after this time
  let added = new Set<Node>();
  let removed = false;
  let scheduled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const report = (scope: ParentNode) => {
    for (const el of find(scope)) {
      if (signal.aborted) return;
      if (seen.has(el) || !el.isConnected) continue;
      const controller = new AbortController();
      seen.set(el, controller);
      onElement(el, controller.signal);
    }
  };

  const watch = (shadow: ShadowRoot) => {
    if (observers.has(shadow)) return;
    const observer = new MutationObserver(onMutations);
    observer.observe(shadow, { childList: true, subtree: true });
    observers.set(shadow, observer);
    discover(shadow);
    report(shadow);
  };

  /** Finds shadow roots to watch, and hosts that may get one, in `scope`. */
  const discover = (scope: ParentNode) => {
    for (const el of elementsIn(scope)) {
      if (el.shadowRoot) watch(el.shadowRoot);
      else if (options.shadowHosts && el.matches(options.shadowHosts)) pendingHosts.set(el, Infinity);
      else if (el.localName.includes('-')) pendingHosts.set(el, Date.now() + CUSTOM_ELEMENT_GRACE_MS);
    }
  };

  const checkHosts = () => {
    const now = Date.now();
    for (const [host, deadline] of pendingHosts) {
      if (host.shadowRoot) {
        pendingHosts.delete(host);
        if (host.isConnected) watch(host.shadowRoot);
      } else if (!host.isConnected || now > deadline) {
        pendingHosts.delete(host);
      }
    }
    if (pendingHosts.size > 0 && timer === undefined && !signal.aborted) {
      timer = setTimeout(() => {
        timer = undefined;
        checkHosts();
      }, HOST_POLL_MS);
    }
  };

  const forgetRemoved = () => {
    for (const [el, controller] of seen) {
      if (!el.isConnected) {
        seen.delete(el);
        controller.abort();
      }
    }
    for (const [scope, observer] of observers) {
      if (scope !== root && 'host' in scope && !scope.host.isConnected) {
        observer.disconnect();
        observers.delete(scope);
      }
    }
  };

  const isInsideAnother = (node: Node, batch: Set<Node>) => {
    for (let parent = node.parentNode; parent; parent = parent.parentNode) if (batch.has(parent)) return true;
    return false;
  };

  const flush = () => {
    scheduled = false;
    if (signal.aborted) return;
    if (removed) {
      removed = false;
      forgetRemoved();
    }
    const batch = added;
    added = new Set();
    for (const node of batch) {
      if (!node.isConnected || isInsideAnother(node, batch)) continue;
      discover(node as Element);
      report(node as Element);
    }
    checkHosts();
  };

  function onMutations(records: MutationRecord[]) {
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1) added.add(node);
      if (!removed) for (const node of record.removedNodes) if (node.nodeType === 1) removed = true;
    }
    if ((added.size > 0 || removed) && !scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  }

  const rootObserver = new MutationObserver(onMutations);
  rootObserver.observe(root, { childList: true, subtree: true });
  observers.set(root, rootObserver);
  discover(root);
  report(root);
  checkHosts();

  signal.addEventListener(
    'abort',
    () => {
      for (const observer of observers.values()) observer.disconnect();
      observers.clear();
      if (timer !== undefined) clearTimeout(timer);
      pendingHosts.clear();
      for (const controller of seen.values()) controller.abort();
      seen.clear();
      added.clear();
    },
    { once: true },
  );
}
