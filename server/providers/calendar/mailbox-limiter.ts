// Outlook serves at most 4 concurrent requests per mailbox (429 MailboxConcurrency beyond): requests to
// one mailbox, from every connector in this process, share one queue.

interface Waiter {
  max: number;
  go: () => void;
}
class MailboxLimiter {
  active = 0;
  queue: Waiter[] = [];
}
const limiters = new Map<string, MailboxLimiter>();

function acquire(key: string, max: number, signal: AbortSignal | undefined): Promise<() => void> {
  let l = limiters.get(key);
  if (!l) limiters.set(key, (l = new MailboxLimiter()));
  const limiter = l;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    limiter.active--;
    const i = limiter.queue.findIndex((w) => limiter.active < w.max);
    if (i >= 0) limiter.queue.splice(i, 1)[0]!.go();
    else if (limiter.active === 0 && limiter.queue.length === 0) limiters.delete(key);
  };
  if (limiter.active < max) {
    limiter.active++;
    return Promise.resolve(release);
  }
  return new Promise((resolve, reject) => {
    const waiter: Waiter = {
      max,
      go: () => {
        signal?.removeEventListener('abort', onAbort);
        limiter.active++;
        resolve(release);
      },
    };
    const onAbort = () => {
      const i = limiter.queue.indexOf(waiter);
      if (i >= 0) limiter.queue.splice(i, 1);
      if (limiter.active === 0 && limiter.queue.length === 0) limiters.delete(key);
      reject(signal?.reason ?? new Error('aborted'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    limiter.queue.push(waiter);
  });
}

/** A fetch that keeps at most `max` requests to one mailbox in flight and queues the rest in order. */
export function limitedFetch(key: string, max: number, base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const release = await acquire(key, max, signal ?? undefined);
    try {
      return await base(input, init);
    } finally {
      release();
    }
  };
}
