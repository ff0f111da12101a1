/** A caret saved by `rememberCaret`: a Range in a contenteditable, offsets in a textarea/input. */
export type SavedCaret = Range | { start: number; end: number } | null;

type TextField = HTMLTextAreaElement | HTMLInputElement;

function isTextField(el: Element): el is TextField {
  return el.tagName === 'TEXTAREA' || el.tagName === 'INPUT';
}

function isRange(caret: NonNullable<SavedCaret>): caret is Range {
  return 'startContainer' in caret;
}

function isShadowRoot(node: Node): node is ShadowRoot {
  return node.nodeType === 11 && 'host' in node;
}

/** The focused element, looking through open shadow roots. */
export function deepActiveElement(doc: Document): Element | null {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

type ComposedRanges = (options: { shadowRoots: ShadowRoot[] }) => StaticRange[];

/** The selection as seen from inside the editor's tree (window.getSelection() hides shadow DOM in Chromium). */
function selectionRange(editor: HTMLElement): Range | null {
  const doc = editor.ownerDocument;
  const selection = doc.getSelection();
  const root = editor.getRootNode();
  if (selection && isShadowRoot(root)) {
    const composed = (selection as Selection & { getComposedRanges?: ComposedRanges }).getComposedRanges;
    if (typeof composed === 'function') {
      const [stat] = composed.call(selection, { shadowRoots: [root] });
      if (stat) {
        const range = doc.createRange();
        try {
          range.setStart(stat.startContainer, stat.startOffset);
          range.setEnd(stat.endContainer, stat.endOffset);
          return range;
        } catch {
          return null;
        }
      }
      return null;
    }
    const legacy = (root as ShadowRoot & { getSelection?: () => Selection | null }).getSelection?.();
    if (legacy && legacy.rangeCount > 0) return legacy.getRangeAt(0);
  }
  return selection && selection.rangeCount > 0 ? selection.getRangeAt(0) : null;
}

function within(editor: HTMLElement, range: Range): boolean {
  return editor.contains(range.startContainer) && editor.contains(range.endContainer);
}

/** Character offset of a boundary point, counted over the editor's text. */
function offsetOf(editor: HTMLElement, container: Node, offset: number): number {
  const range = editor.ownerDocument.createRange();
  range.selectNodeContents(editor);
  range.setEnd(container, offset);
  return range.toString().length;
}

function textNodes(editor: HTMLElement): Text[] {
  const nodes: Text[] = [];
  const walker = editor.ownerDocument.createTreeWalker(editor, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  return nodes;
}

/** Rebuilds a range from character offsets, for when the editor re-rendered the nodes a Range pointed at. */
function rangeFromOffsets(editor: HTMLElement, start: number, end: number): Range | null {
  const nodes = textNodes(editor);
  if (nodes.length === 0) return null;
  const range = editor.ownerDocument.createRange();
  const locate = (target: number): [Text, number] => {
    let seen = 0;
    for (const node of nodes) {
      const length = node.data.length;
      if (target <= seen + length) return [node, target - seen];
      seen += length;
    }
    const last = nodes[nodes.length - 1] as Text;
    return [last, last.data.length];
  };
  range.setStart(...locate(start));
  range.setEnd(...locate(Math.max(start, end)));
  return range;
}

/** A caret at the end of the editor's content, inside its last paragraph and before a trailing <br>. */
function rangeAtEnd(editor: HTMLElement): Range {
  const range = editor.ownerDocument.createRange();
  let node: Node = editor;
  while (node.lastChild && node.lastChild.nodeName !== 'BR' && (node.lastChild.nodeType === 1 || node.lastChild.nodeType === 3)) {
    node = node.lastChild;
  }
  if (node.nodeType === 3) range.setStart(node, (node as Text).data.length);
  else if (node.lastChild?.nodeName === 'BR') range.setStartBefore(node.lastChild);
  else range.setStart(node, node.childNodes.length);
  range.collapse(true);
  return range;
}

const squash = (text: string) => text.replace(/\s+/g, '');

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) count++;
  return count;
}

function contentOf(editor: HTMLElement): string {
  return isTextField(editor) ? editor.value : (editor.textContent ?? '');
}

/**
 * Whether `text` arrived: it occurs once more than before. Whitespace is ignored because editors turn
 * spaces into &nbsp; and newlines into paragraphs.
 */
function arrived(before: string, editor: HTMLElement, text: string): boolean {
  const needle = squash(text);
  if (needle === '') return contentOf(editor).length >= before.length + text.length;
  return occurrences(squash(contentOf(editor)), needle) > occurrences(squash(before), needle);
}

/** Puts the caret where it was (or at the end) and returns where it is. */
function restoreCaret(editor: HTMLElement, saved: SavedCaret | undefined): Range | { start: number; end: number } {
  if (isTextField(editor)) {
    const length = editor.value.length;
    const caret = saved && !isRange(saved) ? saved : { start: length, end: length };
    const start = Math.min(Math.max(caret.start, 0), length);
    const end = Math.min(Math.max(caret.end, start), length);
    editor.setSelectionRange(start, end);
    return { start, end };
  }
  let range: Range | null = null;
  if (saved && isRange(saved) && within(editor, saved)) range = saved;
  else if (saved && !isRange(saved)) range = rangeFromOffsets(editor, saved.start, saved.end);
  range ??= rangeAtEnd(editor);
  const selection = editor.ownerDocument.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return range;
}

function caretIsInEditor(editor: HTMLElement): boolean {
  if (isTextField(editor)) return deepActiveElement(editor.ownerDocument) === editor;
  const range = selectionRange(editor);
  return range !== null && within(editor, range);
}

/**
 * Inserts `text` at the saved caret the way typing would, so the host editor's framework sees it
 * (LinkedIn only enables Send after a real input event). Returns false when the text did not arrive;
 * the caller then copies it to the clipboard and says so.
 */
export function insertAtCaret(editor: HTMLElement, text: string, saved?: SavedCaret): boolean {
  const doc = editor.ownerDocument;
  if (isTextField(editor) ? editor.disabled || editor.readOnly : !editor.isContentEditable) return false;
  const before = contentOf(editor);
  editor.focus({ preventScroll: true });
  let caret = restoreCaret(editor, saved);

  if (caretIsInEditor(editor)) {
    try {
      // Deprecated but still the only way to fire trusted beforeinput/input and keep the editor's undo stack.
      doc.execCommand('insertText', false, text);
    } catch {
      // Fall through to the event-based path.
    }
    if (arrived(before, editor, text)) return true;
  }

  const init: InputEventInit = { inputType: 'insertText', data: text, bubbles: true, cancelable: true, composed: true };
  const proceed = editor.dispatchEvent(new InputEvent('beforeinput', init));
  if (arrived(before, editor, text)) return true; // the editor handled beforeinput itself
  if (!proceed) return false;

  if (isTextField(editor)) {
    const { start, end } = isRange(caret) ? { start: editor.value.length, end: editor.value.length } : caret;
    editor.setRangeText(text, start, end, 'end');
  } else {
    if (!isRange(caret) || !within(editor, caret)) caret = rangeAtEnd(editor);
    const range = caret as Range;
    range.deleteContents();
    const node = doc.createTextNode(text);
    range.insertNode(node);
    range.setStartAfter(node);
    range.collapse(true);
    const selection = doc.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }
  editor.dispatchEvent(new InputEvent('input', { ...init, cancelable: false }));
  return arrived(before, editor, text);
}

/**
 * Tracks the last caret inside `editor`, so clicking Parley's button (which moves focus and selection)
 * does not lose the place to insert at. The returned function gives a fresh copy each time.
 */
export function rememberCaret(editor: HTMLElement, signal?: AbortSignal): () => SavedCaret {
  const doc = editor.ownerDocument;
  let saved: { range?: Range; start: number; end: number } | null = null;

  const record = (event?: Event) => {
    if (isTextField(editor)) {
      const ours = event?.target === editor || deepActiveElement(doc) === editor;
      if (ours && editor.selectionStart !== null) {
        saved = { start: editor.selectionStart, end: editor.selectionEnd ?? editor.selectionStart };
      }
      return;
    }
    const range = selectionRange(editor);
    if (!range || !within(editor, range)) return;
    saved = {
      range: range.cloneRange(),
      start: offsetOf(editor, range.startContainer, range.startOffset),
      end: offsetOf(editor, range.endContainer, range.endOffset),
    };
  };

  const options: AddEventListenerOptions = { passive: true, ...(signal ? { signal } : {}) };
  doc.addEventListener('selectionchange', record, options);
  const root = editor.getRootNode();
  if (isShadowRoot(root)) root.addEventListener('selectionchange', record, options);
  for (const type of ['selectionchange', 'select', 'keyup', 'mouseup', 'input', 'focus', 'blur']) {
    editor.addEventListener(type, record, options);
  }
  if (deepActiveElement(doc) === editor) record();

  return () => {
    if (!saved) return null;
    if (!saved.range) return { start: saved.start, end: saved.end };
    if (within(editor, saved.range)) return saved.range.cloneRange();
    return rangeFromOffsets(editor, saved.start, saved.end);
  };
}
