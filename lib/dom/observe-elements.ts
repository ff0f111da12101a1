import { onPageMutations, type MutationBatch } from './page-mutations';

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
 * only added subtrees are searched, so the cost follows what the page changes, not its size. No observer
 * of its own: it listens to the tree's shared one (page-mutations.ts), and to that of each open shadow root
 * below `root`, including those attached later, for as long as the shadow root's host is in the page.
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
  const watched = new Map<Document | ShadowRoot, AbortController>();
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

  const listen = (tree: Document | ShadowRoot) => {
    const controller = new AbortController();
    watched.set(tree, controller);
    onPageMutations(tree, onBatch, controller.signal);
  };

  const watch = (shadow: ShadowRoot) => {
    if (watched.has(shadow)) return;
    listen(shadow);
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
    for (const [scope, controller] of watched) {
      if (scope !== root && 'host' in scope && !scope.host.isConnected) {
        controller.abort();
        watched.delete(scope);
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

  // Batches of several trees (the document, shadow roots) that arrive together are searched together.
  function onBatch(batch: MutationBatch) {
    for (const el of batch.added) added.add(el);
    if (batch.removed) removed = true;
    if ((added.size > 0 || removed) && !scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  }

  listen(root);
  discover(root);
  report(root);
  checkHosts();

  signal.addEventListener(
    'abort',
    () => {
      for (const controller of watched.values()) controller.abort();
      watched.clear();
      if (timer !== undefined) clearTimeout(timer);
      pendingHosts.clear();
      for (const controller of seen.values()) controller.abort();
      seen.clear();
      added.clear();
    },
    { once: true },
  );
}
