/**
 * Runs `work` on every item, at most `limit` at a time; the first failure fails the whole. With
 * `until`, no item is started once it answers true (those running finish); the answer is how many
 * items were started.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  until: () => boolean = () => false,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !until()) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return next;
}
