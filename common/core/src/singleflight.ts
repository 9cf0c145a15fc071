/**
 * Duplicate-call suppression, go-zero's `syncx.SingleFlight`: while a call for a key is in flight,
 * further callers for the same key share its outcome instead of starting their own. The model
 * layer uses it so that N concurrent cache misses on one key make one database query.
 */
export class SingleFlight {
  readonly #calls = new Map<string, Promise<unknown>>()

  /**
   * Runs `fn` for `key` unless a call for `key` is already running, in which case the caller
   * gets that call's result (or rejection). The key is free again as soon as the call settles,
   * so a later caller starts a fresh call — nothing is cached beyond the flight.
   */
  do<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const inflight = this.#calls.get(key)
    // The map only ever holds the promise stored below for this key, so its type is T.
    if (inflight) return inflight as Promise<T>
    // fn starts on a microtask, after the call is registered, so even a synchronous throw
    // settles through the same path and frees the key.
    const call = Promise.resolve()
      .then(fn)
      .finally(() => {
        if (this.#calls.get(key) === call) this.#calls.delete(key)
      })
    this.#calls.set(key, call)
    return call
  }

  /** Number of keys with a call in flight (for diagnostics and tests). */
  get size(): number {
    return this.#calls.size
  }
}
