/**
 * Adaptive load shedding as go-zero's `core/load/adaptiveshedder.go` does it: while the process's
 * CPU load (its own, against its own budget: {@link cpuUsage}) is above the threshold (or was within the last second after a drop — the cool-off), a request is
 * shed when the in-flight count exceeds what the service has proven it can carry:
 * `maxPass × minRt × buckets-per-ms`, i.e. the best per-bucket throughput times the best latency
 * seen in the window, scaled down further the more the CPU is overloaded (to at least 10 %).
 */
import { readFileSync } from 'node:fs'
import { type EventLoopUtilization, performance } from 'node:perf_hooks'

/** The outcome of an admitted request. `pass` feeds throughput and latency stats; `fail` only frees the slot. */
export interface ShedderPromise {
  pass(): void
  fail(): void
}

export interface AdaptiveShedderOptions {
  /** CPU usage in millicpu (0..1000) above which shedding may start. Default 900. */
  cpuThreshold?: number
  /** Window of the throughput/latency stats in ms. Default 5000. */
  windowMs?: number
  /** Buckets in the window. Default 50 (100 ms each). */
  buckets?: number
  /** Current CPU usage in millicpu; defaults to the process-wide sampler {@link cpuUsage}. */
  cpuUsage?: () => number
  /** Clock in ms, for tests. Default `performance.now`. */
  now?: () => number
}

const DEFAULT_MIN_RT_MS = 1000
const FLYING_BETA = 0.9
const COOL_OFF_MS = 1000
const CPU_MAX = 1000
const OVERLOAD_FACTOR_LOWER_BOUND = 0.1

interface Bucket {
  index: number
  sum: number
  count: number
}

/** Sum/count buckets over a rolling window; reads skip the current, still-filling bucket. */
class RollingCounter {
  readonly #bucketMs: number
  readonly #now: () => number
  readonly #buckets: Bucket[]

  constructor(buckets: number, bucketMs: number, now: () => number) {
    this.#bucketMs = bucketMs
    this.#now = now
    this.#buckets = Array.from({ length: buckets }, () => ({ index: Number.NEGATIVE_INFINITY, sum: 0, count: 0 }))
  }

  add(v: number): void {
    const index = Math.floor(this.#now() / this.#bucketMs)
    const b = this.#slot(index)
    if (b.index !== index) {
      b.index = index
      b.sum = 0
      b.count = 0
    }
    b.sum += v
    b.count++
  }

  each(fn: (b: Bucket) => void): void {
    const current = Math.floor(this.#now() / this.#bucketMs)
    for (let i = current - this.#buckets.length + 1; i < current; i++) {
      const b = this.#slot(i)
      if (b.index === i) fn(b)
    }
  }

  #slot(index: number): Bucket {
    const size = this.#buckets.length
    return this.#buckets[((index % size) + size) % size]!
  }
}

/** go-zero's adaptive shedder; one per server (go-zero shares one across all methods). */
export class AdaptiveShedder {
  readonly #cpuThreshold: number
  readonly #windowScale: number
  readonly #cpuUsage: () => number
  readonly #now: () => number
  readonly #passCounter: RollingCounter
  readonly #rtCounter: RollingCounter
  #flying = 0
  #avgFlying = 0
  #overloadTime: number | undefined
  #droppedRecently = false

  constructor(opts: AdaptiveShedderOptions = {}) {
    const windowMs = opts.windowMs ?? 5000
    const buckets = opts.buckets ?? 50
    if (!(windowMs > 0) || !Number.isInteger(buckets) || buckets < 2) {
      throw new RangeError('AdaptiveShedder: windowMs must be > 0 and buckets an integer ≥ 2')
    }
    const bucketMs = windowMs / buckets
    this.#cpuThreshold = opts.cpuThreshold ?? 900
    // Passes per bucket × ms of latency → requests in flight: divide by the bucket length in ms.
    this.#windowScale = 1 / bucketMs
    this.#cpuUsage = opts.cpuUsage ?? cpuUsage
    this.#now = opts.now ?? (() => performance.now())
    this.#passCounter = new RollingCounter(buckets, bucketMs, this.#now)
    this.#rtCounter = new RollingCounter(buckets, bucketMs, this.#now)
  }

  /** Admits a request (settle the promise when it ends) or returns `null` to shed it. */
  allow(): ShedderPromise | null {
    if (this.#shouldDrop()) {
      this.#droppedRecently = true
      return null
    }
    this.#flying++
    const start = this.#now()
    let settled = false
    return {
      pass: () => {
        if (settled) return
        settled = true
        this.#release()
        this.#rtCounter.add(Math.ceil(this.#now() - start))
        this.#passCounter.add(1)
      },
      fail: () => {
        if (settled) return
        settled = true
        this.#release()
      },
    }
  }

  #release(): void {
    this.#flying--
    // Averaged only on completion, so it lags the live count: bursts are admitted, sustained overload is not.
    this.#avgFlying = this.#avgFlying * FLYING_BETA + this.#flying * (1 - FLYING_BETA)
  }

  #shouldDrop(): boolean {
    return (this.#systemOverloaded() || this.#stillHot()) && this.#highThroughput()
  }

  #systemOverloaded(): boolean {
    if (this.#cpuUsage() < this.#cpuThreshold) return false
    this.#overloadTime = this.#now()
    return true
  }

  #stillHot(): boolean {
    if (!this.#droppedRecently || this.#overloadTime === undefined) return false
    if (this.#now() - this.#overloadTime < COOL_OFF_MS) return true
    this.#droppedRecently = false
    return false
  }

  #highThroughput(): boolean {
    const limit = this.#maxFlight() * this.#overloadFactor()
    return this.#avgFlying > limit && this.#flying > limit
  }

  #maxFlight(): number {
    return Math.max(this.#maxPass() * this.#minRt() * this.#windowScale, 1)
  }

  #maxPass(): number {
    let result = 1
    this.#passCounter.each((b) => {
      if (b.sum > result) result = b.sum
    })
    return result
  }

  #minRt(): number {
    // With no completed requests in the window assume a large latency, which admits generously.
    let result = DEFAULT_MIN_RT_MS
    this.#rtCounter.each((b) => {
      if (b.count <= 0) return
      const avg = Math.round(b.sum / b.count)
      if (avg < result) result = avg
    })
    return result
  }

  #overloadFactor(): number {
    const factor = (CPU_MAX - this.#cpuUsage()) / (CPU_MAX - this.#cpuThreshold)
    if (Number.isNaN(factor)) return 1
    return Math.min(Math.max(factor, OVERLOAD_FACTOR_LOWER_BOUND), 1)
  }
}

// ---- the process's own CPU load (go-zero core/stat, for one Node process) ---------------------

const CPU_REFRESH_MS = 250
// 250 ms samples with β 0.95 average the load over roughly the last 5 seconds.
const CPU_BETA = 0.95

/**
 * The CPU budget of this process in cores: the cgroup quota when one is set (cgroup v2 `cpu.max`,
 * v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`, as a Kubernetes CPU limit sets it), otherwise one
 * core — the event loop runs JavaScript on one thread, so one core is all a Node process can turn
 * into answers, however many the host has.
 */
export function cpuBudgetCores(read: (path: string) => string | undefined = readText): number {
  const quota = cgroupQuotaCores(read)
  return quota !== undefined ? Math.min(quota, 1) : 1
}

/** The cgroup CPU quota in cores, or `undefined` when none is set or readable. */
export function cgroupQuotaCores(read: (path: string) => string | undefined = readText): number | undefined {
  // cgroup v2: "max 100000" (no limit) or "150000 100000".
  const v2 = read('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/)
  if (v2 && v2.length === 2 && v2[0] !== 'max') {
    const cores = Number(v2[0]) / Number(v2[1])
    if (cores > 0 && Number.isFinite(cores)) return cores
  }
  for (const dir of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
    const quota = Number(read(`${dir}/cpu.cfs_quota_us`)?.trim())
    const period = Number(read(`${dir}/cpu.cfs_period_us`)?.trim())
    // -1 is v1's "no limit".
    if (quota > 0 && period > 0) return quota / period
  }
  return undefined
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

let smoothedUsage = 0
let sampler: NodeJS.Timeout | undefined
let previous: { cpuMicros: number; at: number; elu: EventLoopUtilization } | undefined
let budgetCores = 1

function sample(): void {
  const { user, system } = process.cpuUsage()
  const current = { cpuMicros: user + system, at: performance.now(), elu: performance.eventLoopUtilization() }
  if (previous && current.at > previous.at) {
    // Two signals, the larger wins: CPU time against the budget (counts GC and libuv threads, and
    // a cgroup quota), and how busy the event loop was (saturation of the one JavaScript thread).
    const cpu = (current.cpuMicros - previous.cpuMicros) / 1000 / ((current.at - previous.at) * budgetCores)
    const loop = performance.eventLoopUtilization(current.elu, previous.elu).utilization
    const usage = CPU_MAX * Math.min(Math.max(cpu, loop), 1)
    smoothedUsage = smoothedUsage * CPU_BETA + usage * (1 - CPU_BETA)
  }
  previous = current
}

/**
 * The smoothed CPU load of this process in millicpu (0..1000) against its own budget
 * ({@link cpuBudgetCores}), never the host's: a busy neighbour does not make this process shed.
 * The first call starts a 250 ms sampler whose timer is `unref()`ed, so it never keeps a process alive.
 */
export function cpuUsage(): number {
  if (!sampler) {
    budgetCores = cpuBudgetCores()
    sample()
    sampler = setInterval(sample, CPU_REFRESH_MS)
    sampler.unref()
  }
  return Math.round(smoothedUsage)
}
