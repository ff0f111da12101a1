import { AddVideoLink } from '../../components/AddVideoLink';
import { send } from '../messaging';
import { mountOnComposers } from './composer-control';
import { defineFeature } from './feature';

/** "Add video link": beside "Share availability", inserts the candidate's own join link. */
export default defineFeature({
  id: 'add-video-link',
  sites: ['linkedin', 'talentio', 'outlook', 'gmail', 'demo'],
  run(env) {
    mountOnComposers(env, 'parley-add-video-link', (tools) => <AddVideoLink getRecipient={tools.getRecipient} getRecipientChoices={tools.getRecipientChoices} insert={tools.insert} send={send} />);
  },
});
