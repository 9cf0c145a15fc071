/**
 * Bounded-concurrency fan-out, the go-zero `core/mr` equivalents: `mapConcurrent` (mr.Map with
 * results kept in input order), `mapReduce` (mr.MapReduce, where a mapper may drop an item) and
 * `finish` (mr.Finish). The first error aborts the shared signal, no further item is started, and
 * the call rejects with that error once the calls already running have settled — like go-zero,
 * which drains its workers before returning, so no work outlives the call.
 */

/** go-zero's default worker count for mr. */
export const DEFAULT_WORKERS = 16

/** A unit of work; `signal` aborts when a sibling failed, so long calls can stop early. */
export type Mapper<T, R> = (item: T, index: number, signal: AbortSignal) => Promise<R>

/**
 * Runs `fn` over `items` with at most `workers` calls in flight and returns the results in input order.
 * Rejects with the first error; the other calls see their `signal` aborted.
 */
export async function mapConcurrent<T, R>(items: Iterable<T>, workers: number, fn: Mapper<T, R>): Promise<R[]> {
  const list = Array.from(items)
  const results: R[] = new Array(list.length)
  const controller = new AbortController()
  let next = 0
  let failure: { err: unknown } | undefined

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < list.length) {
      const index = next++
      try {
        results[index] = await fn(list[index] as T, index, controller.signal)
      } catch (err) {
        // Only the first error is reported; later ones are usually consequences of the abort.
        if (failure === undefined) {
          failure = { err }
          controller.abort(err)
        }
      }
    }
  }

  const count = Math.max(1, Math.min(Math.floor(workers) || 1, list.length))
  await Promise.all(Array.from({ length: count }, worker))
  if (failure !== undefined) throw failure.err
  return results
}

/**
 * Maps `items` concurrently, keeps the values the mapper did not drop (returning `undefined` drops
 * an item, as a go-zero mapper that never writes) in input order, and hands them to `reducer`.
 */
export async function mapReduce<T, U, R>(
  items: Iterable<T>,
  mapper: Mapper<T, U | undefined>,
  reducer: (values: U[]) => R | Promise<R>,
  opts: { workers?: number } = {},
): Promise<R> {
  const mapped = await mapConcurrent(items, opts.workers ?? DEFAULT_WORKERS, mapper)
  return reducer(mapped.filter((v): v is U => v !== undefined))
}

type Results<F extends readonly ((signal: AbortSignal) => Promise<unknown>)[]> = {
  -readonly [K in keyof F]: Awaited<ReturnType<F[K]>>
}

/**
 * Runs independent calls concurrently and returns their results as a tuple (mr.Finish, which
 * returns only the error; the results make it a cancellable `Promise.all`).
 */
export async function finish<F extends readonly ((signal: AbortSignal) => Promise<unknown>)[]>(...fns: F): Promise<Results<F>> {
  const results = await mapConcurrent(fns, fns.length, (fn, _i, signal) => fn(signal))
  return results as Results<F>
}
