import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { memoryLogger as memoryLoggerOf } from '@looklook/testkit'
import { CodeError } from '@looklook/xerr'
import { context, trace } from '@opentelemetry/api'
import { createConnection } from 'mysql2/promise'
import { createPaymentClient, type PaymentClient } from '../src/client.ts'
import type { PaymentRpcConf } from '../src/config.ts'
import type { PaymentEventPublisher } from '../src/logic/outbox-relay.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

const MYSQL = { host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' }

export const memoryLogger = () => memoryLoggerOf('payment-rpc-test', 'info')

/** Stands in for mqueue-rpc: records what it was given, or fails while `failing` is set. */
export class FakePublisher implements PaymentEventPublisher {
  readonly sent: { orderSn: string; payStatus: number }[] = []
  /** The trace id active in each call (empty without one): events must be published within their trace. */
  readonly traceIds: string[] = []
  calls = 0
  failing: false | 'transient' | 'invalid' = false
  delayMs = 0

  async kqPaymenStatusUpdate(req: { orderSn: string; payStatus: number }): Promise<Record<string, never>> {
    this.calls++
    this.traceIds.push(trace.getSpanContext(context.active())?.traceId ?? '')
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs))
    if (this.failing === 'transient') throw CodeError.common(undefined, new Error('14 UNAVAILABLE: kafka broker not reachable'))
    if (this.failing === 'invalid') throw CodeError.param('payStatus is not a payment status')
    this.sent.push({ orderSn: req.orderSn, payStatus: req.payStatus })
    return {}
  }

  sentFor(orderSn: string): number {
    return this.sent.filter((e) => e.orderSn === orderSn).length
  }
}

export interface TestRpc {
  svc: ServiceContext
  client: PaymentClient
  publisher: FakePublisher
  lines: () => Record<string, unknown>[]
  close(): Promise<void>
}

/**
 * payment-rpc on port 0 over a database of its own (the DDL of deploy/sql applied to a random
 * `looklook_paytest_…` name) and a Redis key prefix of its own, so neither the running system's
 * relay nor its cache ever sees the test's rows. The publisher is a fake.
 */
export async function startTestRpc(outbox: Partial<PaymentRpcConf['Outbox']> = {}): Promise<TestRpc> {
  const suffix = randomBytes(4).toString('hex')
  const database = `looklook_paytest_${suffix}`
  const admin = await createConnection({ ...MYSQL, multipleStatements: true })
  for (const file of ['040-payment.sql', '041-payment-outbox.sql']) {
    const sql = readFileSync(new URL(`../../../../deploy/sql/${file}`, import.meta.url), 'utf8')
    await admin.query(sql.replaceAll('looklook_payment', database))
  }
  await admin.end()

  const conf: PaymentRpcConf = {
    Name: 'payment-rpc-test',
    ListenOn: '127.0.0.1:0',
    Timeout: 5000,
    CpuThreshold: 0,
    DB: { DataSource: `mysql://looklook:looklook@127.0.0.1:3306/${database}`, PoolSize: 20 },
    Cache: { Host: '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: `paytest:${suffix}:` },
    MqueueRpc: { Endpoints: ['127.0.0.1:1'], Timeout: 500, NonBlock: true },
    Outbox: { PollIntervalMs: 50, BatchSize: 20, MinBackoffMs: 40, MaxBackoffMs: 160, ...outbox },
  }
  const { logger, lines } = memoryLogger()
  const publisher = new FakePublisher()
  const svc = createServiceContext(conf, logger, { publisher })
  const server = createServer(svc, logger)
  const port = await server.start()
  const client = createPaymentClient({ Endpoints: [`127.0.0.1:${port}`], Timeout: 5000, NonBlock: true }, logger)
  return {
    svc,
    client,
    publisher,
    lines,
    async close() {
      client.close()
      await server.stop()
      await svc.close()
      const conn = await createConnection(MYSQL)
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``)
      await conn.end()
    },
  }
}

let seq = 0
/** An order number no other test uses (HSO + 22 characters, as order-rpc makes them). */
export function uniqueOrderSn(): string {
  seq++
  return `HSO${Date.now()}${String(seq).padStart(3, '0')}${randomBytes(3).toString('hex')}`.slice(0, 25)
}
