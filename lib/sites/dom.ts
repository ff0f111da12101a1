import { cleanLine } from './people';

// DOM helpers every site adapter shares: selector lists tried in order, shadow roots, and the text a
// person actually sees.

/** Several selectors as one, for `matches`, `closest` and `querySelectorAll`. */
export const anyOf = (list: readonly string[]): string => list.join(', ');

/** The first element in `scope` matching a selector of `list`, trying the selectors in order. */
export function queryAny(scope: ParentNode, list: readonly string[]): Element | null {
  for (const selector of list) {
    const found = scope.querySelector(selector);
    if (found) return found;
  }
  return null;
}

/** The nearest ancestor (or `el`) matching a selector of `list`, trying the selectors in order. */
export function closestAny(el: Element, list: readonly string[]): Element | null {
  for (const selector of list) {
    const found = el.closest(selector);
    if (found) return found;
  }
  return null;
}

export function isShadowRoot(node: Node): node is ShadowRoot {
  return node.nodeType === 11 && 'host' in node;
}

/** `closest` that walks out of shadow roots too, so a card rendered in a shadow root still knows where it is. */
export function closestAcrossShadow(el: Element, selector: string): Element | undefined {
  for (let node: Element | undefined = el; node; ) {
    const found = node.closest(selector);
    if (found) return found;
    const root = node.getRootNode();
    node = isShadowRoot(root) ? root.host : undefined;
  }
  return undefined;
}

export function isTextarea(el: Element): el is HTMLTextAreaElement {
  return el.tagName === 'TEXTAREA';
}

/**
 * A text area that takes input, or an editable element (rich or plain-text). Hidden ones count: collapsed
 * bubbles and pages behind a modal come back without any mutation, and observers only look at what is added.
 */
export function isWritable(el: Element): boolean {
  if (isTextarea(el)) return !el.disabled && !el.readOnly;
  const editable = el.getAttribute('contenteditable');
  return editable === 'true' || editable === '' || editable === 'plaintext-only';
}

/** The child of `container` that holds `el` (`el` itself when it is not inside `container`). */
export function childOfHolding(el: HTMLElement, container: HTMLElement): HTMLElement {
  let child = el;
  while (child.parentElement && child.parentElement !== container) child = child.parentElement;
  return child.parentElement === container ? child : el;
}

/** Never part of what a person reads as a name or a line: controls, icons, times, screen-reader-only text. */
const NOT_TEXT = anyOf([
    'button',
    'svg',
    'time',
    '[hidden]',
    '.visually-hidden', // seen 2026-11
    '.a11y-text', // seen 2026-11
    '.sr-only',
]);

/**
 * Screen-reader-only text ("Status is online") sits inside names. Hashed class names hide the usual
 * `.visually-hidden`, so the computed style decides: the common visually-hidden pattern is an absolutely
 * positioned box of at most 1px, or one clipped away.
 */
function isHiddenText(el: Element): boolean {
  if (el.matches(NOT_TEXT)) return true;
  const style = el.ownerDocument.defaultView?.getComputedStyle(el);
  if (!style) return false;
  if (style.display === 'none' || style.visibility === 'hidden') return true;
  if (style.position !== 'absolute' && style.position !== 'fixed') return false;
  const tiny = (length: string) => Number.parseFloat(length) <= 1;
  return (tiny(style.width) && tiny(style.height)) || String(style.clip).startsWith('rect') || /^inset\(\s*(50|100)%/.test(String(style.clipPath));
}

/** Visible text of an element, without screen-reader-only text, buttons and icons. */
export function visibleText(el: Element): string {
  let text = '';
  const walk = (node: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) text += child.textContent ?? '';
      else if (child.nodeType === 1 && !isHiddenText(child as Element)) walk(child);
    }
  };
  walk(el);
  return text.replace(/\s+/g, ' ').trim();
}

/** The first non-empty line of visible text among the elements matching `list` in `scope`, selectors in order. */
export function firstLineOf(scope: ParentNode, list: readonly string[], skip: (el: Element) => boolean): string | undefined {
  for (const selector of list) {
    for (const el of scope.querySelectorAll(selector)) {
      if (skip(el)) continue;
      const text = cleanLine(visibleText(el));
      if (text) return text;
    }
  }
  return undefined;
}
