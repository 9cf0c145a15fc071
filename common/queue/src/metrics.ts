import { registry } from '@looklook/metrics'
import type { Queue } from 'bullmq'
import { Counter, Gauge } from 'prom-client'

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const
const COLLECT_TIMEOUT_MS = 1_000

const monitored = new Map<string, Queue>()

/**
 * Jobs per queue and state, read from Redis at scrape time for every queue made by
 * {@link createJobQueue} in this process. A scrape while Redis is down keeps the last values.
 */
export const bullmqQueueDepth = new Gauge({
  name: 'bullmq_queue_depth',
  help: 'bullmq jobs per queue and state.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    await Promise.all(
      [...monitored].map(async ([name, queue]) => {
        try {
          const counts = await Promise.race([
            queue.getJobCounts(...STATES),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), COLLECT_TIMEOUT_MS).unref()),
          ])
          for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0)
        } catch {
          // Stale numbers beat a failed scrape; Redis being down shows in the Redis metrics.
        }
      }),
    )
  },
})

/** Jobs a worker finished, by outcome: `ok`, `retry` (will run again), `failed` (out of attempts) or `poison` (unrecoverable). */
export const bullmqJobs = new Counter({
  name: 'bullmq_jobs_total',
  help: 'bullmq jobs processed.',
  labelNames: ['queue', 'name', 'result'] as const,
  registers: [registry],
})

export function monitorQueue(name: string, queue: Queue): void {
  monitored.set(name, queue)
}

export function unmonitorQueue(name: string, queue: Queue): void {
  if (monitored.get(name) === queue) monitored.delete(name)
}
