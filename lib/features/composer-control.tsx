import type { ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { PARLEY_CSS } from './styles';
import { observeElements } from '../dom/observe-elements';
import { onPageMutations } from '../dom/page-mutations';
import { insertAtCaret, rememberCaret } from '../dom/insert-text';
import type { Composer, Recipient, SiteAdapter } from '../sites';

export interface ComposerTools {
  composer: Composer;
  getRecipient(): Recipient | undefined;
  /** Everyone the composer writes to when there are several (first the one `getRecipient` gives), else []. */
  getRecipientChoices(): Recipient[];
  /** Types `text` at the caret the composer last had; false when the editor refused it. */
  insert(text: string): boolean;
}

/**
 * Gives every composer on the page exactly one control named `name`, in its own shadow root,
 * mounted again whenever the host's re-render throws it away, and removed with the composer.
 */
export function mountOnComposers(
  env: { ctx: ContentScriptContext; adapter: SiteAdapter; signal: AbortSignal },
  name: string,
  render: (tools: ComposerTools) => ReactNode,
) {
  const { ctx, adapter, signal } = env;
  const mounted = new WeakSet<HTMLElement>();
  const mount = (editor: HTMLElement, elementSignal: AbortSignal) => {
    const composer = adapter.composerFor(editor);
    if (!composer || mounted.has(editor)) return;
    mounted.add(editor);
    elementSignal.addEventListener('abort', () => mounted.delete(editor), { once: true });
    const caret = rememberCaret(editor, elementSignal);
    const tools: ComposerTools = {
      composer,
      getRecipient: () => adapter.recipientFor(composer, new URL(location.href)),
      getRecipientChoices: () => adapter.recipientChoices?.(composer, new URL(location.href)) ?? [],
      insert: (text) => insertAtCaret(editor, text, caret()),
    };
    void keepControl(composer, AbortSignal.any([signal, elementSignal]), () =>
      createShadowRootUi(ctx, {
        css: PARLEY_CSS,
        name,
        position: 'inline',
        anchor: composer.mountAfter,
        append: 'after',
        onMount(container) {
          const root = createRoot(container);
          root.render(render(tools));
          return root;
        },
        onRemove(root?: Root) {
          root?.unmount();
        },
      }),
    );
  };
  observeElements(document, (root) => adapter.findComposers(root).map((c) => c.editor), mount, signal, {
    ...(adapter.shadowHosts ? { shadowHosts: adapter.shadowHosts } : {}),
  });
}

async function keepControl(
  composer: Composer,
  signal: AbortSignal,
  create: () => Promise<{ mount(): void; remove(): void; shadowHost: HTMLElement }>,
) {
  let ui = await create();
  if (signal.aborted) return;
  ui.mount();
  let replacing = false;
  // Our host only goes when an element leaves its tree (it, or something around it): look then.
  onPageMutations(composer.root.getRootNode() as Document | ShadowRoot, (batch) => {
    if (!batch.removed || replacing || signal.aborted || ui.shadowHost.isConnected) return;
    if (!composer.mountAfter.isConnected) return; // the composer itself is gone; its signal will fire
    ui.remove();
    // Creating is async: re-renders meanwhile must not start a second control.
    replacing = true;
    void create().then((fresh) => {
      replacing = false;
      if (signal.aborted) return;
      ui = fresh;
      ui.mount();
    });
  }, signal);
  signal.addEventListener('abort', () => ui.remove(), { once: true });
}
