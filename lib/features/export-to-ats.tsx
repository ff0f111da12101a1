import { createRoot, type Root } from 'react-dom/client';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { PARLEY_CSS } from './styles';
import { onPageMutations } from '../dom/page-mutations';
import { ExportToAts } from '../../components/ExportToAts';
import { send } from '../messaging';
import { defineFeature } from './feature';

/**
 * "Export to ATS" beside the name on a candidate profile (LinkedIn, LinkedIn Recruiter, talent.io).
 * Profiles are single-page apps: the page is looked at again after it changes (debounced), and the
 * control follows the profile shown.
 */
export default defineFeature({
  id: 'export-to-ats',
  sites: ['linkedin', 'talentio'],
  run({ ctx, adapter, signal }) {
    if (!adapter.profile) return;
    const read = adapter.profile.bind(adapter);
    let current: { key: string; ui: { remove(): void; shadowHost: HTMLElement } } | undefined;
    let running = false;

    const check = async () => {
      if (running || signal.aborted) return;
      running = true;
      try {
        const anchor = read(document, new URL(location.href));
        if (!anchor) {
          current?.ui.remove();
          current = undefined;
          return;
        }
        if (current?.key === anchor.profile.profileKey && current.ui.shadowHost.isConnected) return;
        current?.ui.remove();
        const ui = await createShadowRootUi(ctx, {
          css: PARLEY_CSS,
          name: 'parley-export-to-ats',
          position: 'inline',
          anchor: anchor.mountAfter,
          append: 'after',
          onMount(container) {
            const root = createRoot(container);
            root.render(<ExportToAts profile={anchor.profile} send={send} />);
            return root;
          },
          onRemove(root?: Root) {
            root?.unmount();
          },
        });
        if (signal.aborted) return;
        ui.mount();
        current = { key: anchor.profile.profileKey, ui };
      } finally {
        running = false;
      }
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void check(), 250);
    };
    onPageMutations(document, (batch) => {
      if (!batch.touches(document.body)) return;
      // Our own shadow host changing is no reason to look again.
      if (batch.records.every((r) => [...r.addedNodes, ...r.removedNodes].every((n) => n === current?.ui.shadowHost))) return;
      soon();
    }, signal);
    ctx.addEventListener(window, 'wxt:locationchange', soon);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      current?.ui.remove();
    }, { once: true });
    void check();
  },
});
