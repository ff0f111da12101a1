import { createRoot, type Root } from 'react-dom/client';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { ShareAvailability } from '../../components/ShareAvailability';
import { observeElements } from '../dom/observe-elements';
import { insertAtCaret, rememberCaret } from '../dom/insert-text';
import { send } from '../messaging';
import type { Composer } from '../sites';
import { defineFeature } from './feature';
import '../../components/share-availability.css';

export const availabilityText = (url: string) => `View my availability: ${url}`;

/**
 * "Share availability": one button per message composer. It asks the background for the recipient's
 * link and types "View my availability: <link>" at the caret; it never presses Send.
 */
export default defineFeature({
  id: 'share-availability',
  sites: ['linkedin', 'demo'],
  run({ ctx, adapter, signal }) {
    const mounted = new WeakSet<HTMLElement>();

    const mount = (editor: HTMLElement, elementSignal: AbortSignal) => {
      const composer = adapter.composerFor(editor);
      if (!composer || mounted.has(editor)) return;
      mounted.add(editor);
      const caret = rememberCaret(editor, elementSignal);
      const both = AbortSignal.any([signal, elementSignal]);
      void keepControl(composer, both, () =>
        createShadowRootUi(ctx, {
          name: 'parley-share-availability',
          position: 'inline',
          anchor: composer.mountAfter,
          append: 'after',
          onMount(container) {
            const root = createRoot(container);
            root.render(
              <ShareAvailability
                getRecipient={() => adapter.recipientFor(composer, new URL(location.href))}
                insert={(text) => insertAtCaret(editor, text, caret())}
                send={send}
                format={availabilityText}
              />,
            );
            return root;
          },
          onRemove(root?: Root) {
            root?.unmount();
          },
        }),
      );
      elementSignal.addEventListener('abort', () => mounted.delete(editor), { once: true });
    };

    observeElements(document, (root) => adapter.findComposers(root).map((c) => c.editor), mount, signal, {
      ...(adapter.shadowHosts ? { shadowHosts: adapter.shadowHosts } : {}),
    });
  },
});

/**
 * Mounts the control after the composer's anchor and mounts it again whenever the host's re-render
 * throws it away, so each composer always has exactly one.
 */
async function keepControl(
  composer: Composer,
  signal: AbortSignal,
  create: () => Promise<{ mount(): void; remove(): void; shadowHost: HTMLElement }>,
) {
  let ui = await create();
  if (signal.aborted) return;
  ui.mount();
  let pending = false;
  const check = () => {
    pending = false;
    if (signal.aborted || ui.shadowHost.isConnected) return;
    if (!composer.mountAfter.isConnected) return; // the composer itself is gone; its signal will fire
    ui.remove();
    void create().then((fresh) => {
      if (signal.aborted) return;
      ui = fresh;
      ui.mount();
    });
  };
  const observer = new MutationObserver(() => {
    if (!pending) {
      pending = true;
      queueMicrotask(check);
    }
  });
  observer.observe(composer.root, { childList: true, subtree: true });
  signal.addEventListener('abort', () => {
    observer.disconnect();
    ui.remove();
  }, { once: true });
}
