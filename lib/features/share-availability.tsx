import { ShareAvailability } from '../../components/ShareAvailability';
import { send } from '../messaging';
import { mountOnComposers } from './composer-control';
import { defineFeature } from './feature';

export const availabilityText = (url: string) => `View my availability: ${url}`;

/**
 * "Share availability": one button per message composer. It asks the background for the recipient's
 * link and types "View my availability: <link>" at the caret; it never presses Send.
 */
export default defineFeature({
  id: 'share-availability',
  sites: ['linkedin', 'talentio', 'outlook', 'gmail', 'demo'],
  run(env) {
    mountOnComposers(env, 'parley-share-availability', (tools) => (
      <ShareAvailability getRecipient={tools.getRecipient} getRecipientChoices={tools.getRecipientChoices} insert={tools.insert} send={send} format={availabilityText} />
    ));
  },
});
