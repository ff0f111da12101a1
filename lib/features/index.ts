import type { Feature } from './feature';
import addVideoLink from './add-video-link';
import shareAvailability from './share-availability';

/** Every content-script feature; entrypoints run the ones registered for the page's site. */
export const features: Feature[] = [shareAvailability, addVideoLink];
