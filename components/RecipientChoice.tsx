import { useState } from 'react';
import type { Recipient } from '../lib/sites';

/** "Camille Dufresne (camille@proton.example)": a recipient's name and the id its key ends with ("email:<address>", "site:kind:<id>"). */
function choiceLabel(r: Recipient): string {
  const parts = r.key.split(':');
  const raw = parts.slice(parts[0] === 'email' ? 1 : 2).join(':') || r.key;
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // Shown as it is.
  }
  return r.name ? `${r.name} (${id})` : id;
}

/** The "For" select of a message with several recipients: the link is bound to the person chosen. */
export function RecipientChoice({ choices, value, onChange, disabled }: { choices: Recipient[]; value: string; onChange(key: string): void; disabled?: boolean }) {
  if (choices.length < 2) return null;
  return (
    <label>
      For
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        {choices.map((r) => <option key={r.key} value={r.key}>{choiceLabel(r)}</option>)}
      </select>
    </label>
  );
}

/**
 * Who a composer's popover acts for. `reload()` reads the message's recipients again when the popover
 * opens (keeping the person chosen before, while they are still a recipient); `recipient()` is the one
 * chosen, or the composer's only recipient.
 */
export function useRecipientChoice(getRecipient: () => Recipient | undefined, getRecipientChoices?: () => Recipient[]) {
  const [choices, setChoices] = useState<Recipient[]>([]);
  const [forKey, setForKey] = useState('');
  return {
    choices,
    forKey,
    setForKey,
    reload() {
      const people = getRecipientChoices?.() ?? [];
      setChoices(people);
      setForKey((key) => (people.some((r) => r.key === key) ? key : (people[0]?.key ?? '')));
    },
    recipient: (): Recipient | undefined => choices.find((r) => r.key === forKey) ?? getRecipient(),
  };
}
