import css from '../../components/share-availability.css?inline';

/**
 * The injected UI's styles, handed to each shadow root as text. Nothing is loaded from the
 * extension's files, so no file has to be web-accessible (a page cannot probe for Parley) and scripts
 * registered at runtime (Gmail, Outlook, the context menu's dialog) style their UI the same way.
 */
export const PARLEY_CSS: string = css;
