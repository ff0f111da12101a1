import { observeElements } from '../dom/observe-elements';
import { onPageMutations } from '../dom/page-mutations';
import { send } from '../messaging';
import { threadMessages } from '../sites/messages';
import { defineFeature } from './feature';

/**
 * When the workspace pushes message threads to the ATS, the conversation with an exported candidate
 * is handed to the background (which drops it unless that person is in the ATS cache as exported).
 * Each message goes once per page; the backend de-duplicates by key across pages.
 */
export default defineFeature({
  id: 'push-messages',
  sites: ['linkedin', 'talentio'],
  run({ adapter, signal }) {
    const sent = new Set<string>();
    const watch = (editor: HTMLElement, elementSignal: AbortSignal) => {
      const composer = adapter.composerFor(editor);
      if (!composer) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const push = () => {
        const recipient = adapter.recipientFor(composer, new URL(location.href));
        if (!recipient) return;
        const fresh = threadMessages(composer, recipient).filter((m) => !sent.has(m.key));
        if (!fresh.length) return;
        for (const m of fresh) sent.add(m.key);
        const me = 'me';
        void send('ats.messages', {
          key: recipient.key,
          messages: fresh.map((m) => ({
            key: m.key, direction: m.direction, at: Date.now(), text: m.shownAt ? `${m.text}\n(${m.shownAt})` : m.text,
            from: m.direction === 'received' ? m.from : me, to: m.direction === 'received' ? me : recipient.name ?? recipient.key,
          })),
        });
      };
      // The thread grows inside the composer's root: wait for it to settle, then look.
      onPageMutations(composer.root.getRootNode() as Document | ShadowRoot, (batch) => {
        if (!batch.touches(composer.root)) return;
        clearTimeout(timer);
        timer = setTimeout(push, 1500);
      }, elementSignal);
      elementSignal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      timer = setTimeout(push, 1500);
    };
    observeElements(document, (root) => adapter.findComposers(root).map((c) => c.editor), (el, s) => watch(el, AbortSignal.any([signal, s])), signal, {
      ...(adapter.shadowHosts ? { shadowHosts: adapter.shadowHosts } : {}),
    });
  },
});
