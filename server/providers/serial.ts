/**
 * Runs operations that share a key one after another within this process (so two pushes of the
 * same note, or two writes to one meeting, cannot race), while different keys run in parallel.
 * Each provider makes its own serializer so keys never collide across providers.
 */
export function keyedSerializer() {
  const queues = new Map<string, Promise<unknown>>();
  return async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = queues.get(key) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(fn);
    queues.set(key, run);
    try {
      return await run;
    } finally {
      if (queues.get(key) === run) queues.delete(key);
    }
  };
}
