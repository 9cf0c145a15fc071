import { CodeError, ErrCode } from '@looklook/xerr'

export interface HashPoolOptions {
  /** Hashes running at once (each holds a libuv thread and ~32 MiB for its ~90 ms). */
  maxInFlight: number
  /** Hashes allowed to wait for a free slot; beyond that a call is refused at once. */
  maxQueue: number
  /** Time a call still needs after its hash (database, token write, the answer's way back). */
  reserveMs: number
}

/** What a call brings: when its caller gives up, and the signal that fires when it does. */
export interface HashCall {
  deadline: Date
  signal: AbortSignal
}

interface Waiter {
  run: () => void
  refuse: () => void
  deadline: number
}

/** How much one new measurement moves the running average of a hash's duration. */
const EWMA_WEIGHT = 0.2
/** The first estimate of one hash (OWASP's scrypt baseline on one core of the reference machine). */
const INITIAL_HASH_MS = 100

export const errHashBusy = () =>
  new CodeError(ErrCode.SERVER_COMMON_ERROR, 'too many logins at once, please try again shortly', { unavailable: true, internal: false })

/**
 * A bounded pool for password hashing. scrypt runs on the libuv thread pool, which queues without
 * limit: under a login flood every call waits behind all others and most finish after their 2 s
 * deadline, so nobody logs in. Here at most `maxInFlight` hashes run and `maxQueue` wait; a call
 * that would not finish within its deadline (queue position × the measured hash time, plus
 * `reserveMs` for the rest of the call) is refused at once as an outage (UNAVAILABLE → HTTP 503
 * with Retry-After), and a waiting call whose caller gives up leaves the queue.
 */
export class HashPool {
  readonly #opts: HashPoolOptions
  #inFlight = 0
  readonly #queue: Waiter[] = []
  #avgMs = INITIAL_HASH_MS

  constructor(opts: HashPoolOptions) {
    this.#opts = opts
  }

  /** Running hashes and waiting ones, for tests and metrics. */
  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.#inFlight, queued: this.#queue.length }
  }

  /** Runs `hash` when a slot is free and the call can still meet its deadline; refuses with {@link errHashBusy} otherwise. */
  run<T>(call: HashCall, hash: () => Promise<T>): Promise<T> {
    const { maxInFlight, maxQueue, reserveMs } = this.#opts
    const deadline = call.deadline.getTime()
    if (call.signal.aborted) return Promise.reject(errHashBusy())
    const slotFree = this.#inFlight < maxInFlight && this.#queue.length === 0
    const waitMs = slotFree ? 0 : Math.ceil((this.#queue.length + 1) / maxInFlight) * this.#avgMs
    if ((!slotFree && this.#queue.length >= maxQueue) || Date.now() + waitMs + this.#avgMs + reserveMs > deadline) {
      return Promise.reject(errHashBusy())
    }
    if (slotFree) return this.#start(hash)
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const leave = () => {
        clearTimeout(timer)
        call.signal.removeEventListener('abort', refuse)
        const i = this.#queue.indexOf(waiter)
        if (i >= 0) this.#queue.splice(i, 1)
      }
      const refuse = () => {
        leave()
        reject(errHashBusy())
      }
      const waiter: Waiter = {
        deadline,
        refuse,
        run: () => {
          leave()
          this.#start(hash).then(resolve, reject)
        },
      }
      // Past this point the hash could no longer finish in time: give the slot to someone who can.
      timer = setTimeout(refuse, Math.max(0, deadline - Date.now() - this.#avgMs - reserveMs))
      call.signal.addEventListener('abort', refuse, { once: true })
      this.#queue.push(waiter)
    })
  }

  async #start<T>(hash: () => Promise<T>): Promise<T> {
    this.#inFlight++
    const started = performance.now()
    try {
      return await hash()
    } finally {
      this.#avgMs += EWMA_WEIGHT * (performance.now() - started - this.#avgMs)
      this.#inFlight--
      this.#next()
    }
  }

  #next(): void {
    while (this.#inFlight < this.#opts.maxInFlight && this.#queue.length > 0) {
      const waiter = this.#queue[0] as Waiter
      if (Date.now() + this.#avgMs + this.#opts.reserveMs > waiter.deadline) waiter.refuse()
      else waiter.run()
    }
  }
}
