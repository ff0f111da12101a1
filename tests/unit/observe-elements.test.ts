// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observeElements } from '../../lib/dom/observe-elements';
import { onPageMutations, type MutationBatch } from '../../lib/dom/page-mutations';
import { linkedin } from '../../lib/sites/linkedin';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linkedin');

function fixture(name: string): void {
  const parsed = new DOMParser().parseFromString(readFileSync(join(FIXTURES, name), 'utf8'), 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  document.head.replaceChildren(...parsed.head.childNodes);
  document.body.replaceChildren(...parsed.body.childNodes);
}

/** Lets mutation observers and the microtask batch run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const findEditors = (root: ParentNode) => linkedin.findComposers(root).map((c) => c.editor);

function start(options?: { shadowHosts?: string }) {
  const main = new AbortController();
  const calls: { el: HTMLElement; signal: AbortSignal }[] = [];
  const find = vi.fn(findEditors);
  observeElements(document, find, (el, signal) => calls.push({ el, signal }), main.signal, options);
  return { main, calls, find };
}

let running: AbortController | undefined;
afterEach(() => running?.abort());
beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('observeElements', () => {
  it('calls onElement exactly once per composer, through unrelated mutations and footer re-renders', async () => {
    fixture('overlay-bubbles.html');
    const { main, calls } = start();
    running = main;
    expect(calls.map((c) => c.el)).toEqual([...document.querySelectorAll('.msg-form [role="textbox"]')]);

    for (const footer of document.querySelectorAll('.msg-form__footer')) footer.replaceWith(footer.cloneNode(true));
    document.querySelector('main')?.append(document.createElement('div'));
    const editor = calls[0]?.el as HTMLElement;
    editor.replaceChildren(document.createElement('p'));
    await settle();

    expect(calls).toHaveLength(2);
    expect(calls.every((c) => !c.signal.aborted)).toBe(true);
  });

  it('aborts an element’s signal when it leaves the DOM, and only that one', async () => {
    fixture('overlay-bubbles.html');
    const { main, calls } = start();
    running = main;
    const [first, second] = calls;
    document.querySelector('.msg-overlay-conversation-bubble')?.remove();
    await settle();
    expect(first?.signal.aborted).toBe(true);
    expect(second?.signal.aborted).toBe(false);
  });

  it('keeps an element that is moved within one batch', async () => {
    fixture('overlay-bubbles.html');
    const { main, calls } = start();
    running = main;
    const bubble = document.querySelector('.msg-overlay-conversation-bubble') as HTMLElement;
    bubble.parentElement?.append(bubble);
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[0]?.signal.aborted).toBe(false);
  });

  it('picks up composers added later, searching only what was added', async () => {
    fixture('overlay-bubbles.html');
    const { main, calls, find } = start();
    running = main;
    find.mockClear();

    const overlay = document.getElementById('msg-overlay') as HTMLElement;
    const bubble = overlay.querySelector('.msg-overlay-conversation-bubble') as HTMLElement;
    const third = bubble.cloneNode(true) as HTMLElement;
    overlay.append(third);
    await settle();

    expect(calls).toHaveLength(3);
    expect(calls[2]?.el).toBe(third.querySelector('[role="textbox"]'));
    expect(find.mock.calls.map(([root]) => root)).toEqual([third]);
  });

  it('ignores mutations that add no element', async () => {
    fixture('overlay-bubbles.html');
    const { main, find } = start();
    running = main;
    find.mockClear();
    document.querySelector('main')?.append(document.createTextNode('typing…'), document.createComment('x'));
    document.querySelector('main')?.setAttribute('data-x', '1');
    await settle();
    expect(find).not.toHaveBeenCalled();
  });

  it('watches open shadow roots that are attached after the host was inserted', async () => {
    fixture('interop-outlet.html');
    const { main, calls } = start({ shadowHosts: linkedin.shadowHosts });
    running = main;
    expect(calls).toHaveLength(0);

    const host = document.getElementById('interop-outlet') as HTMLElement;
    const template = document.getElementById('interop-outlet-content') as HTMLTemplateElement;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.append(template.content.cloneNode(true));

    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 2000, interval: 20 });
    expect(calls[0]?.el.getRootNode()).toBe(shadow);

    // A second bubble rendered inside the already-watched shadow root.
    const aside = shadow.querySelector('aside') as HTMLElement;
    const bubble = shadow.querySelector('[data-view-name="message-overlay-conversation"]') as HTMLElement;
    aside.append(bubble.cloneNode(true));
    await settle();
    expect(calls).toHaveLength(2);

    // The whole outlet goes away: both elements are done.
    host.remove();
    await settle();
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
  });

  it('watches custom elements that attach a shadow root later, without being told', async () => {
    fixture('interop-outlet.html');
    const { main, calls } = start();
    running = main;
    const host = document.createElement('msg-overlay-host');
    document.body.append(host);
    await settle();
    expect(host.shadowRoot).toBeNull();

    const template = document.getElementById('interop-outlet-content') as HTMLTemplateElement;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.append(template.content.cloneNode(true));
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 2000, interval: 20 });
    expect(calls[0]?.el.getRootNode()).toBe(shadow);
  });

  it('finds composers already inside open shadow roots at start', () => {
    fixture('interop-outlet.html');
    const host = document.getElementById('interop-outlet') as HTMLElement;
    const template = document.getElementById('interop-outlet-content') as HTMLTemplateElement;
    host.attachShadow({ mode: 'open' }).append(template.content.cloneNode(true));
    const { main, calls } = start();
    running = main;
    expect(calls).toHaveLength(1);
  });

  it('does nothing after the main signal aborts, and aborts every element signal', async () => {
    fixture('overlay-bubbles.html');
    const { main, calls, find } = start({ shadowHosts: linkedin.shadowHosts });
    expect(calls).toHaveLength(2);
    main.abort();
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    find.mockClear();

    const overlay = document.getElementById('msg-overlay') as HTMLElement;
    overlay.append(overlay.querySelector('.msg-overlay-conversation-bubble')?.cloneNode(true) as Node);
    const host = document.createElement('div');
    host.id = 'interop-outlet';
    document.body.append(host);
    host.attachShadow({ mode: 'open' }).append(overlay.cloneNode(true));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(calls).toHaveLength(2);
    expect(find).not.toHaveBeenCalled();
  });

  it('does not start with an aborted signal', () => {
    fixture('overlay-bubbles.html');
    const onElement = vi.fn();
    observeElements(document, findEditors, onElement, AbortSignal.abort());
    expect(onElement).not.toHaveBeenCalled();
  });
});

/** Counts what is done with MutationObservers from now on, through a wrapped constructor. */
function countObservers() {
  const Original = globalThis.MutationObserver;
  const log = { created: 0, observed: [] as Node[], disconnected: 0 };
  class Counting extends Original {
    constructor(callback: MutationCallback) {
      super(callback);
      log.created++;
    }
    override observe(target: Node, options?: MutationObserverInit) {
      log.observed.push(target);
      super.observe(target, options);
    }
    override disconnect() {
      log.disconnected++;
      super.disconnect();
    }
  }
  vi.stubGlobal('MutationObserver', Counting);
  return log;
}

describe('one MutationObserver per tree', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shares one observer of the document between every subscription, and disconnects it with the last', async () => {
    fixture('overlay-bubbles.html');
    const log = countObservers();
    const features = Array.from({ length: 5 }, () => start());
    const batches: MutationBatch[] = [];
    const listener = new AbortController();
    onPageMutations(document, (b) => batches.push(b), listener.signal);
    expect(log.created).toBe(1);
    expect(log.observed).toEqual([document]);

    // Every subscription still works through the shared observer.
    const overlay = document.getElementById('msg-overlay') as HTMLElement;
    const third = (overlay.querySelector('.msg-overlay-conversation-bubble') as HTMLElement).cloneNode(true) as HTMLElement;
    overlay.append(third);
    await settle();
    for (const { calls } of features) expect(calls).toHaveLength(3);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.added).toEqual([third]);
    expect(batches[0]?.touches(overlay)).toBe(true);
    expect(batches[0]?.touches(document.querySelector('main') as Node)).toBe(false);

    for (const { main } of features) main.abort();
    expect(log.disconnected).toBe(0);
    listener.abort();
    expect(log.disconnected).toBe(1);
    expect(log.created).toBe(1);

    // Nobody listens: nothing is delivered; the next subscriber gets a fresh observer.
    overlay.append(document.createElement('div'));
    await settle();
    expect(batches).toHaveLength(1);
    running = start().main;
    expect(log.created).toBe(2);
  });

  it('adds one observer per open shadow root, shared too, and lets go of it when its host leaves', async () => {
    fixture('interop-outlet.html');
    const host = document.getElementById('interop-outlet') as HTMLElement;
    const template = document.getElementById('interop-outlet-content') as HTMLTemplateElement;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.append(template.content.cloneNode(true));
    const log = countObservers();

    const first = start({ shadowHosts: linkedin.shadowHosts });
    const second = start({ shadowHosts: linkedin.shadowHosts });
    running = first.main;
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(1);
    expect(log.created).toBe(2);
    expect(log.observed).toEqual([document, shadow]);

    host.remove();
    await settle();
    expect(log.disconnected).toBe(1); // the shadow root's; the document's stays for the two features
    second.main.abort();
    first.main.abort();
    expect(log.disconnected).toBe(2);
  });

  it('keeps handing batches to the other listeners when one throws, and reports the error', async () => {
    const controller = new AbortController();
    running = controller;
    const seen: number[] = [];
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    onPageMutations(document, () => {
      throw new Error('a feature’s bug');
    }, controller.signal);
    onPageMutations(document, (b) => seen.push(b.records.length), controller.signal);
    const swallow = (err: unknown) => errors.push(err);
    process.on('uncaughtException', swallow);
    window.addEventListener('error', onError);
    try {
      document.body.append(document.createElement('p'));
      await settle();
    } finally {
      process.off('uncaughtException', swallow);
      window.removeEventListener('error', onError);
    }
    expect(seen).toEqual([1]);
    expect(errors.length).toBeGreaterThan(0); // still reported, outside the hub
  });
});
