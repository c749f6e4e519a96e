/** The outcome of preparing one item: its value, or the error it failed with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

type Entry<T> = { kind: 'item'; settled: Settled<T> } | { kind: 'end' } | { kind: 'sourceError'; error: unknown }

const settle = <T>(work: () => Promise<T>): Promise<Settled<T>> =>
  work().then(
    (value) => ({ ok: true, value }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  )

/**
 * A bounded async pipeline: reads `source` in order and runs `prepare` on up to `ahead` items
 * before the consumer asks for them (so decoding and preprocessing overlap whatever the consumer
 * awaits, e.g. inference), and yields the outcomes in source order. At most `ahead` items are
 * held at once. `ahead` 1 is serial: an item is read and prepared only when the consumer asks.
 * An error from `source` itself is thrown at its place in the order; an error from `prepare` is
 * yielded as a failed outcome. Stopping early (break/return) closes `source`.
 */
export async function* prefetch<S, T>(
  source: AsyncIterable<S>,
  ahead: number,
  prepare: (item: S) => Promise<T>,
): AsyncGenerator<Settled<T>> {
  const iterator = source[Symbol.asyncIterator]()
  let pulls: Promise<unknown> = Promise.resolve()
  let ended = false
  const start = (): Promise<Entry<T>> => {
    const pull = pulls.then(() => iterator.next())
    pulls = pull.catch(() => undefined)
    return pull.then(
      (next): Promise<Entry<T>> | Entry<T> =>
        next.done
          ? { kind: 'end' }
          : settle(() => prepare(next.value)).then((settled) => ({ kind: 'item', settled }) as const),
      (error: unknown): Entry<T> => ({ kind: 'sourceError', error }),
    )
  }
  const queue: Array<Promise<Entry<T>>> = []
  try {
    for (;;) {
      while (!ended && queue.length < Math.max(1, ahead)) queue.push(start())
      const entry = await queue.shift()!
      if (entry.kind === 'end') {
        ended = true
        return
      }
      if (entry.kind === 'sourceError') {
        ended = true
        throw entry.error
      }
      yield entry.settled
    }
  } finally {
    ended = true
    await pulls
    await iterator.return?.(undefined)
  }
}
