import { createRoot, type Root } from 'react-dom/client';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { AnywhereDialog, type AnywhereAction } from '../../components/AnywhereDialog';
import { deepActiveElement, insertAtCaret, rememberCaret } from '../dom/insert-text';
import { send } from '../messaging';
import { PARLEY_CSS } from './styles';

/** An element the recruiter can type into: a text box, a text area or an editable region. */
function editableTarget(el: Element | null): HTMLElement | undefined {
  if (!(el instanceof HTMLElement)) return undefined;
  if (el instanceof HTMLTextAreaElement) return el.readOnly || el.disabled ? undefined : el;
  if (el instanceof HTMLInputElement) return /^(text|search|email|url|)$/.test(el.type) && !el.readOnly && !el.disabled ? el : undefined;
  return el.isContentEditable ? el : undefined;
}

/**
 * The context menu's dialog, injected into the frame the recruiter right-clicked (through
 * activeTab): it remembers the field and its caret before it takes focus, asks who the link is
 * for, and types the link where the caret was.
 */
export async function openAnywhere(ctx: ContentScriptContext, action: AnywhereAction): Promise<void> {
  document.querySelectorAll('parley-anywhere').forEach((old) => old.remove());
  const controller = new AbortController();
  ctx.onInvalidated(() => controller.abort());
  const field = editableTarget(deepActiveElement(document));
  const caret = field ? rememberCaret(field, controller.signal) : () => null;
  const saved = caret();
  const ui = await createShadowRootUi(ctx, {
    name: 'parley-anywhere',
    css: PARLEY_CSS,
    position: 'inline',
    anchor: 'body',
    append: 'last',
    onMount(container) {
      const root = createRoot(container);
      const close = () => {
        ui.remove();
        controller.abort();
        field?.focus();
      };
      root.render(
        <AnywhereDialog
          action={action}
          host={location.hostname}
          send={send}
          insert={(text) => (field ? insertAtCaret(field, text, saved) : false)}
          close={close}
        />,
      );
      return root;
    },
    onRemove(root?: Root) {
      root?.unmount();
    },
  });
  ui.mount();
}
