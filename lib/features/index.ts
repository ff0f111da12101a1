import type { Feature } from './feature';
import addVideoLink from './add-video-link';
import exportToAts from './export-to-ats';
import inAtsBadge from './in-ats-badge';
import pushMessages from './push-messages';
import shareAvailability from './share-availability';

/** Every content-script feature; entrypoints run the ones registered for the page's site. */
export const features: Feature[] = [shareAvailability, addVideoLink, exportToAts, inAtsBadge, pushMessages];
