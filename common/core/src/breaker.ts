/**
 * Google SRE adaptive throttling ("Handling Overload", client-side throttling), as go-zero's
 * `core/breaker/googlebreaker.go` implements it: a 10 s rolling window of 40 buckets counts
 * successes, failures and drops, and a request is dropped with probability
 * `max(0, (total − protection − w·accepts) / (total + 1))`, where the weight `w` slides from `k`
 * down to 1.1 while the window has consecutive failing buckets. Two recovery rules follow newer
 * go-zero: when nothing has passed for 1 s one request is forced through as a probe, and the ratio
 * shrinks by the share of recent buckets that only saw successes. One rule goes further than
 * go-zero, so a dependency that is back is at full success within about two probes instead of a
 * whole window: once the calls since the last failure span {@link RECOVERY_MS} and at least
 * {@link RECOVERY_SUCCESSES} of them succeeded, the failures before them no longer count.
 */

/** Thrown by {@link GoogleBreaker.run} when the breaker drops the call. */
export class BreakerOpenError extends Error {
  override name = 'BreakerOpenError'

  constructor(message = 'circuit breaker is open') {
    super(message)
  }
}

/** The outcome of an allowed call; exactly one of the two should be called, later calls are ignored. */
export interface BreakerPromise {
  accept(): void
  reject(): void
}

export interface GoogleBreakerOptions {
  /** Multiplier on accepts; larger drops less. Default 1.5. */
  k?: number
  /** Rolling window length in ms. Default 10000. */
  windowMs?: number
  /** Buckets in the window. Default 40 (250 ms each). */
  buckets?: number
  /** Requests in the window that are never dropped (low-traffic protection). Default 5. */
  protection?: number
  /** Clock in ms (tests inject a fake one). Default `performance.now`. */
  now?: () => number
  /** Uniform random in [0, 1) (tests inject a fixed one). Default `Math.random`. */
  random?: () => number
}

const MIN_K = 1.1
const FORCE_PASS_MS = 1000
/** How long a run of calls without a failure must last before the failures before it are forgotten. */
export const RECOVERY_MS = 500
/** How many successes that run needs. */
export const RECOVERY_SUCCESSES = 2

interface Bucket {
  /** Absolute bucket number (`floor(now / bucketMs)`) the counts belong to. */
  index: number
  success: number
  failure: number
  drop: number
}

interface WindowStats {
  accepts: number
  total: number
  /** Consecutive most recent buckets with failures and no success. */
  failingBuckets: number
  /** Consecutive most recent buckets with successes and no failure. */
  workingBuckets: number
  /** Whether the calls since the last failure prove the resource healthy again (see RECOVERY_MS). */
  recovered: boolean
}

/** Adaptive circuit breaker; one instance per protected resource (rpc method, route). */
export class GoogleBreaker {
  readonly #k: number
  readonly #minK: number
  readonly #bucketMs: number
  readonly #protection: number
  readonly #now: () => number
  readonly #random: () => number
  readonly #buckets: Bucket[]
  #lastPass: number | undefined

  constructor(opts: GoogleBreakerOptions = {}) {
    const windowMs = opts.windowMs ?? 10_000
    const buckets = opts.buckets ?? 40
    if (!(windowMs > 0) || !Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError('GoogleBreaker: windowMs must be > 0 and buckets a positive integer')
    }
    this.#k = opts.k ?? 1.5
    // A caller choosing k below 1.1 wants a more aggressive breaker; the sliding weight must not raise it.
    this.#minK = Math.min(MIN_K, this.#k)
    this.#bucketMs = windowMs / buckets
    this.#protection = opts.protection ?? 5
    this.#now = opts.now ?? (() => performance.now())
    this.#random = opts.random ?? Math.random
    this.#buckets = Array.from({ length: buckets }, () => ({ index: Number.NEGATIVE_INFINITY, success: 0, failure: 0, drop: 0 }))
  }

  /** Asks to pass one call: a promise to settle with its outcome, or `null` when the call is dropped. */
  allow(): BreakerPromise | null {
    if (!this.#accept()) {
      this.#bucket().drop++
      return null
    }
    let settled = false
    return {
      accept: () => {
        if (settled) return
        settled = true
        this.#bucket().success++
      },
      reject: () => {
        if (settled) return
        settled = true
        this.#bucket().failure++
      },
    }
  }

  /**
   * Runs `fn` through the breaker. A rejection counts as a failure only when `isFailure` says so
   * (business errors are successes: the dependency answered). Throws {@link BreakerOpenError} when dropped.
   */
  async run<T>(fn: () => Promise<T>, isFailure: (err: unknown) => boolean): Promise<T> {
    const promise = this.allow()
    if (!promise) throw new BreakerOpenError()
    try {
      const result = await fn()
      promise.accept()
      return result
    } catch (err) {
      if (isFailure(err)) promise.reject()
      else promise.accept()
      throw err
    }
  }

  #accept(): boolean {
    const stats = this.#stats()
    const now = this.#now()
    const buckets = this.#buckets.length
    const weight = Math.max(this.#k - ((this.#k - this.#minK) * stats.failingBuckets) / buckets, this.#minK)
    let dropRatio = (stats.total - this.#protection - weight * stats.accepts) / (stats.total + 1)
    if (stats.recovered || dropRatio <= 0) {
      // Every pass is remembered, so the first probe after an outage comes a second after the last call through.
      this.#lastPass = now
      return true
    }

    // Probe: while dropping, let one call through per second so recovery is noticed even at a high drop ratio.
    if (this.#lastPass !== undefined && now - this.#lastPass > FORCE_PASS_MS) {
      this.#lastPass = now
      return true
    }
    dropRatio *= (buckets - stats.workingBuckets) / buckets
    if (this.#random() < dropRatio) return false
    this.#lastPass = now
    return true
  }

  #bucket(): Bucket {
    const index = Math.floor(this.#now() / this.#bucketMs)
    const size = this.#buckets.length
    const bucket = this.#buckets[((index % size) + size) % size]!
    if (bucket.index !== index) {
      bucket.index = index
      bucket.success = 0
      bucket.failure = 0
      bucket.drop = 0
    }
    return bucket
  }

  #stats(): WindowStats {
    const current = Math.floor(this.#now() / this.#bucketMs)
    const size = this.#buckets.length
    const stats: WindowStats = { accepts: 0, total: 0, failingBuckets: 0, workingBuckets: 0, recovered: false }
    let failures = 0
    // The run since the last failing bucket: where its first success fell, and how many succeeded.
    let runStart = Number.NaN
    let runSuccesses = 0
    // Oldest to newest, so the consecutive-bucket counters end up describing the most recent run.
    for (let i = current - size + 1; i <= current; i++) {
      const b = this.#buckets[((i % size) + size) % size]!
      if (b.index !== i) continue
      stats.accepts += b.success
      stats.total += b.success + b.failure + b.drop
      failures += b.failure
      if (b.failure > 0) stats.workingBuckets = 0
      else if (b.success > 0) stats.workingBuckets++
      if (b.success > 0) stats.failingBuckets = 0
      else if (b.failure > 0) stats.failingBuckets++
      if (b.failure > 0) {
        runStart = Number.NaN
        runSuccesses = 0
      } else if (b.success > 0) {
        if (Number.isNaN(runStart)) runStart = i
        runSuccesses += b.success
      }
    }
    stats.recovered = failures > 0 && runSuccesses >= RECOVERY_SUCCESSES && (current - runStart) * this.#bucketMs >= RECOVERY_MS
    return stats
  }
}
