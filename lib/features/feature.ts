import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { SiteAdapter } from '../sites';

/** One content-script capability: the sites it runs on and what it does there, stopped by `signal`. */
export interface Feature {
  id: string;
  sites: string[];
  run(env: { ctx: ContentScriptContext; adapter: SiteAdapter; signal: AbortSignal }): void;
}

export const defineFeature = (feature: Feature) => feature;
