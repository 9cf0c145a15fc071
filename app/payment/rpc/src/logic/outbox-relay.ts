import type { Logger } from '@looklook/logx'
import type { ThirdPaymentOutboxModel } from '@looklook/payment-model'
import { CodeError, ErrCode } from '@looklook/xerr'
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api'
import type { OutboxConf } from '../config.ts'

/** Where payment events go: mqueue-rpc's kqPaymenStatusUpdate, which produces to Kafka `payment-update-paystatus-topic`. */
export interface PaymentEventPublisher {
  kqPaymenStatusUpdate(req: { orderSn: string; payStatus: number }): Promise<unknown>
}

/** What one pass over the outbox did. */
export interface RelayPass {
  sent: number
  /** Events that failed for a reason that may pass (mqueue-rpc or Kafka down); they stay pending. */
  failed: number
  /** Events the publisher rejected as invalid; retired so they cannot block the ones behind them. */
  dead: number
}

/** The error chain in one line, for `last_error` (the full error goes to the log). */
function describe(err: unknown): string {
  const parts: string[] = []
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 4; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : String(e))
  }
  return parts.join(': ')
}

/**
 * Delivers the rows of `third_payment_outbox` in id order, at least once each.
 *
 * A pass claims up to BatchSize pending rows with `FOR UPDATE SKIP LOCKED` inside a transaction and
 * publishes them one by one; a row becomes `sent` only after the publisher acknowledged it, in the
 * same transaction. Replicas running the relay skip each other's claimed rows, so no event is
 * published by two relays at once. An event can still be published twice when the commit after a
 * successful publish fails — consumers treat payment events idempotently (order 0→1 twice is a no-op).
 *
 * The first transient failure ends the pass (the rows behind it would meet the same outage and must
 * not overtake it) and the relay backs off exponentially from MinBackoffMs to MaxBackoffMs; new
 * events do not shorten a backoff, the first success ends it.
 */
export class OutboxRelay {
  readonly #outbox: ThirdPaymentOutboxModel
  readonly #publisher: PaymentEventPublisher
  readonly #conf: OutboxConf
  readonly #logger: Logger
  #stopped = true
  #loop: Promise<void> | undefined
  #wake: (() => void) | undefined
  #kicked = false
  #backoffMs = 0

  constructor(opts: { outbox: ThirdPaymentOutboxModel; publisher: PaymentEventPublisher; conf: OutboxConf; logger: Logger }) {
    this.#outbox = opts.outbox
    this.#publisher = opts.publisher
    this.#conf = opts.conf
    this.#logger = opts.logger.child({ component: 'outbox-relay' })
  }

  /** Starts the background loop (resolves at once). */
  async start(): Promise<void> {
    if (!this.#stopped) return
    this.#stopped = false
    this.#loop = this.#run()
  }

  /** Stops the loop after the pass in progress, if any, has committed. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#wake?.()
    await this.#loop
  }

  /** A new event was committed: run a pass now instead of at the next poll (unless backing off). */
  kick(): void {
    this.#kicked = true
    this.#wake?.()
  }

  /** One pass over the pending rows; exposed for tests and for draining by hand. */
  async runOnce(): Promise<RelayPass> {
    const pass: RelayPass = { sent: 0, failed: 0, dead: 0 }
    await this.#outbox.transact(async (tx) => {
      for (const row of await this.#outbox.claimPending(this.#conf.BatchSize, tx)) {
        const event = { orderSn: row.orderSn, payStatus: row.payStatus }
        // Published within the trace of the change that recorded it (the WeChat callback's), not the relay's loop.
        const origin = row.traceParent ? propagation.extract(ROOT_CONTEXT, { traceparent: row.traceParent }) : ROOT_CONTEXT
        try {
          await context.with(origin, () => this.#publisher.kqPaymenStatusUpdate(event))
        } catch (err) {
          const dead = err instanceof CodeError && err.code === ErrCode.REQUEST_PARAM_ERROR
          await this.#outbox.markFailed(row.id, describe(err), dead, tx)
          const fields = { err, outboxId: row.id, paymentSn: row.paymentSn, ...event, attempts: row.attempts + 1 }
          if (dead) {
            pass.dead++
            this.#logger.error(fields, 'payment event rejected as invalid, retired from the outbox')
            continue
          }
          pass.failed++
          this.#logger.warn(fields, 'payment event not delivered, will retry')
          break
        }
        await this.#outbox.markSent(row.id, tx)
        pass.sent++
        this.#logger.info({ outboxId: row.id, paymentSn: row.paymentSn, ...event }, 'payment event delivered')
      }
    })
    return pass
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let delay = this.#conf.PollIntervalMs
      try {
        const pass = await this.runOnce()
        if (pass.failed > 0) {
          delay = this.#backOff()
        } else {
          if (this.#backoffMs > 0) this.#logger.info('payment events are being delivered again')
          this.#backoffMs = 0
          // A full batch means more may be waiting.
          if (pass.sent + pass.dead >= this.#conf.BatchSize) delay = 0
        }
      } catch (err) {
        // The database itself failed (the publisher's failures are handled per row).
        this.#logger.error({ err }, 'outbox pass failed')
        delay = this.#backOff()
      }
      await this.#pause(delay)
    }
  }

  #backOff(): number {
    this.#backoffMs = this.#backoffMs === 0 ? this.#conf.MinBackoffMs : Math.min(this.#conf.MaxBackoffMs, this.#backoffMs * 2)
    return this.#backoffMs
  }

  /** Waits `ms`, or less when stopped or kicked (a kick during a backoff only counts once it is over). */
  async #pause(ms: number): Promise<void> {
    const interruptible = () => this.#stopped || this.#backoffMs === 0
    if (ms <= 0 || this.#stopped || (this.#kicked && interruptible())) {
      this.#kicked = false
      return
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake = () => {
        if (interruptible()) done()
      }
    })
    this.#kicked = false
  }
}
