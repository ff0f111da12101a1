import { openAnywhere } from '../lib/features/anywhere';

/**
 * Injected by the background when the recruiter picks "Parley: share availability" or "… add video
 * link" in the context menu of an editable field (activeTab: no host permission). Not in the
 * manifest: `matches` stays empty so that no host permission is asked for it.
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  cssInjectionMode: 'manual',
  main(ctx) {
    const holder = globalThis as { __parleyAnywhere?: string };
    const action = holder.__parleyAnywhere === 'video' ? 'video' : 'share';
    delete holder.__parleyAnywhere;
    void openAnywhere(ctx, action);
  },
});
