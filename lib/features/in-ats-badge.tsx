import { createRoot, type Root } from 'react-dom/client';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { PARLEY_CSS } from './styles';
import { onPageMutations } from '../dom/page-mutations';
import { InAtsBadge } from '../../components/ExportToAts';
import { send } from '../messaging';
import type { AtsId } from '../names';
import { defineFeature } from './feature';

/**
 * "In <ATS>" on search result cards for people already exported: one message per batch of new
 * cards, answered from the extension's cache — never a network call per card.
 */
export default defineFeature({
  id: 'in-ats-badge',
  sites: ['linkedin'],
  run({ ctx, adapter, signal }) {
    if (!adapter.resultCards) return;
    const cardsOf = adapter.resultCards.bind(adapter);
    const seen = new WeakSet<HTMLElement>();
    const mounted: { remove(): void }[] = [];

    const scan = async () => {
      if (signal.aborted) return;
      const cards = cardsOf(document, new URL(location.href)).filter((c) => !seen.has(c.card));
      if (!cards.length) return;
      for (const c of cards) seen.add(c.card);
      const r = await send('ats.badges', { keys: cards.map((c) => c.profileKey) });
      if (!r.ok || signal.aborted) return;
      for (const card of cards) {
        const hit = r.data.found[card.profileKey];
        if (!hit) continue;
        const ui = await createShadowRootUi(ctx, {
          css: PARLEY_CSS,
          name: 'parley-in-ats',
          position: 'inline',
          anchor: card.mountAfter,
          append: 'after',
          onMount(container) {
            const root = createRoot(container);
            root.render(<InAtsBadge ats={hit.ats as AtsId} url={hit.atsUrl} />);
            return root;
          },
          onRemove(root?: Root) {
            root?.unmount();
          },
        });
        ui.mount();
        mounted.push(ui);
      }
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    onPageMutations(document, (batch) => {
      if (!batch.touches(document.body)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void scan(), 200);
    }, signal);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      for (const ui of mounted) ui.remove();
    }, { once: true });
    void scan();
  },
});
