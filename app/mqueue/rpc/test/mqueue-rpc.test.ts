import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { createConsumer, type KafkaConsumer, PaymentUpdatePayStatusMessage, SendWxMiniSubMessage } from '@looklook/kq'
import { createLogger } from '@looklook/logx'
import { CloseHomestayOrderJob, createJobQueue, HOMESTAY_ORDER_QUEUE, type JobQueue } from '@looklook/queue'
import { CodeError } from '@looklook/xerr'
import type { RpcServer } from '@looklook/zrpc'
import { Kafka, logLevel } from 'kafkajs'
import { createMqueueClient, type MqueueClient } from '../src/client.ts'
import type { MqueueRpcConf } from '../src/config.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

const BROKER = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'
const logger = createLogger({ service: 'mqueue-rpc-test', level: 'fatal' })
const run = randomUUID()
const payTopic = `test-pay-${run}`
const wxTopic = `test-wx-${run}`
// A private BullMQ prefix: the order-mq started by ./looklook must not take these jobs.
const redis = { Host: process.env.REDIS_HOST ?? '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: `test-${run}:` }

function conf(brokers: string[], port = 0): MqueueRpcConf {
  return {
    Name: 'mqueue-rpc-test',
    ListenOn: `127.0.0.1:${port}`,
    Timeout: 2000,
    CpuThreshold: 0,
    Kafka: { Brokers: brokers, PaymentUpdatePayStatusTopic: payTopic, SendWxMiniTplMessageTopic: wxTopic, PushTimeoutMs: 1500 },
    Redis: redis,
    CloseOrderDelaySeconds: 600,
  }
}

interface Running {
  svc: ServiceContext
  server: RpcServer
  client: MqueueClient
}

async function startRpc(brokers: string[]): Promise<Running> {
  const svc = createServiceContext(conf(brokers), logger)
  await svc.open()
  const server = createServer(svc, logger)
  const port = await server.start()
  const client = createMqueueClient({ Endpoints: [`127.0.0.1:${port}`], Timeout: 3000, NonBlock: true }, logger)
  return { svc, server, client }
}

async function stopRpc(r: Running): Promise<void> {
  r.client.close()
  await r.server.stop()
  await r.svc.close()
}

let rpc: Running
let down: Running
let inspect: JobQueue
const consumers: KafkaConsumer[] = []
const payEvents: { value: PaymentUpdatePayStatusMessage; key: string | undefined }[] = []
const wxEvents: SendWxMiniSubMessage[] = []

before(async () => {
  const admin = new Kafka({ clientId: 'mqueue-rpc-test', brokers: [BROKER], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: payTopic }, { topic: wxTopic }], waitForLeaders: true })
  await admin.disconnect()
  consumers.push(
    createConsumer({
      brokers: [BROKER],
      groupId: `g-${run}-pay`,
      topic: payTopic,
      logger,
      schema: PaymentUpdatePayStatusMessage,
      handler: async (value, meta) => void payEvents.push({ value, key: meta.key }),
    }),
    createConsumer({
      brokers: [BROKER],
      groupId: `g-${run}-wx`,
      topic: wxTopic,
      logger,
      schema: SendWxMiniSubMessage,
      handler: async (value) => void wxEvents.push(value),
    }),
  )
  await Promise.all(consumers.map((c) => c.start()))
  rpc = await startRpc([BROKER])
  down = await startRpc(['127.0.0.1:1'])
  inspect = createJobQueue(HOMESTAY_ORDER_QUEUE, { redis, logger, monitor: false })
})

after(async () => {
  await Promise.all(consumers.map((c) => c.stop()))
  await stopRpc(rpc)
  await stopRpc(down)
  await inspect.queue.obliterate({ force: true })
  await inspect.close()
  const admin = new Kafka({ clientId: 'mqueue-rpc-test', brokers: [BROKER], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  await admin.deleteTopics({ topics: [payTopic, wxTopic] })
  await admin.disconnect()
})

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

test('kqPaymenStatusUpdate publishes {payStatus, orderSn} keyed by the order sn', async () => {
  const sn = `HSO${Date.now()}`
  assert.deepEqual(await rpc.client.kqPaymenStatusUpdate({ orderSn: sn, payStatus: 1 }), {})
  await until(() => payEvents.some((e) => e.value.orderSn === sn), 'the payment event')
  assert.deepEqual(
    payEvents.find((e) => e.value.orderSn === sn),
    { value: { payStatus: 1, orderSn: sn }, key: sn },
  )
})

test('sendWxMiniSubMessage publishes the message with the Go original field names', async () => {
  const openid = `o${randomUUID()}`
  await rpc.client.sendWxMiniSubMessage({ Openid: openid, TemplateID: 'tpl-1', Page: 'pages/order?sn=1', Data: { thing1: 'hi#FF0000' } })
  await until(() => wxEvents.some((e) => e.openid === openid), 'the subscribe message')
  assert.deepEqual(
    wxEvents.find((e) => e.openid === openid),
    { openid, templateID: 'tpl-1', page: 'pages/order?sn=1', data: { thing1: 'hi#FF0000' } },
  )
})

test('aqDeferHomestayOrderClose schedules one delayed close job per sn, however often it is called', async () => {
  const sn = `HSO${Date.now()}12345678`
  const t0 = Date.now()
  await rpc.client.aqDeferHomestayOrderClose({ sn })
  await rpc.client.aqDeferHomestayOrderClose({ sn })
  const job = await inspect.queue.getJob(sn)
  assert.equal(job?.name, CloseHomestayOrderJob.name)
  assert.equal((job?.data as { sn?: string } | undefined)?.sn, sn)
  assert.equal(await job?.getState(), 'delayed')
  assert.equal(job?.opts.delay, 600_000, 'the configured close delay')
  assert.ok((job?.timestamp ?? 0) >= t0 - 1000)
  const delayed = await inspect.queue.getDelayed()
  assert.equal(delayed.filter((j) => j.id === sn).length, 1)
})

test('bad requests are rejected with 100002', async () => {
  const isParamError = (err: unknown) => err instanceof CodeError && err.code === 100002
  await assert.rejects(rpc.client.kqPaymenStatusUpdate({ orderSn: '', payStatus: 1 }), isParamError)
  await assert.rejects(rpc.client.sendWxMiniSubMessage({ Openid: 'o1', TemplateID: 't', Page: '', Data: {} }), isParamError)
  await assert.rejects(rpc.client.aqDeferHomestayOrderClose({ sn: 'bad:sn' }), isParamError)
  await assert.rejects(rpc.client.aqDeferHomestayOrderClose({ sn: '12345' }), isParamError)
})

test('when Kafka cannot take the message the caller gets an rpc error, not a silent success', async () => {
  const t0 = Date.now()
  await assert.rejects(down.client.kqPaymenStatusUpdate({ orderSn: 'HSO1', payStatus: 1 }), (err: unknown) => {
    assert.ok(err instanceof CodeError)
    assert.equal(err.code, 100001)
    return true
  })
  assert.ok(Date.now() - t0 < 2500, `failed after ${Date.now() - t0} ms`)
})
