import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { test } from 'node:test'
import { initTracing } from '@looklook/trace'
import { context, propagation } from '@opentelemetry/api'
import { ctxOf } from '../src/index.ts'
import { accessLine, testServer } from './helpers.ts'

interface OtlpSpan {
  name: string
  traceId: string
  spanId: string
  parentSpanId?: string
  kind: number
  attributes: Array<{ key: string; value: Record<string, unknown> }>
}

interface OtlpRequest {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }
    scopeSpans: Array<{ spans: OtlpSpan[] }>
  }>
}

/** A stand-in for Jaeger's OTLP/HTTP receiver that records what it is sent. */
async function otlpReceiver(): Promise<{ server: Server; url: string; received: OtlpRequest[] }> {
  const received: OtlpRequest[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => {
      body += c
    })
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') received.push(JSON.parse(body) as OtlpRequest)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return { server, url: `http://127.0.0.1:${port}/v1/traces`, received }
}

// The receiver reads OTLP/JSON; the processes export protobuf by default.
const jsonExport: NodeJS.ProcessEnv = { ...process.env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }

const spansOf = (received: OtlpRequest[]): OtlpSpan[] =>
  received.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)))

const ROUTE = '/order/v1/homestayOrder/userHomestayOrderDetail'

test('a request served with tracing on exports a server span named by the route, continuing the caller trace', async () => {
  const receiver = await otlpReceiver()
  const tracing = initTracing({ Name: 'order-api', Endpoint: receiver.url, Sampler: 1, Batcher: 'otlphttp' }, 'fallback-name', jsonExport)
  try {
    const { app, logs } = testServer()
    const outgoing: Record<string, string> = {}
    app.post('/order/v1/homestayOrder/:action', async (req) => {
      ctxOf(req).logger.info({ sn: 'HSO1' }, 'inside handler')
      // What an rpc client made here would send on: the server span as parent.
      propagation.inject(context.active(), outgoing)
      return {}
    })
    const traceId = randomBytes(16).toString('hex')
    const parentSpanId = randomBytes(8).toString('hex')
    const res = await app.inject({
      method: 'POST',
      url: ROUTE,
      headers: { traceparent: `00-${traceId}-${parentSpanId}-01` },
      payload: {},
    })
    assert.equal(res.statusCode, 200)
    await tracing.shutdown()

    const spans = spansOf(receiver.received)
    const server = spans.find((s) => s.traceId === traceId)
    assert.ok(server, `no span of trace ${traceId} among ${spans.length}`)
    assert.equal(server.name, '/order/v1/homestayOrder/:action')
    assert.equal(server.parentSpanId, parentSpanId)
    assert.equal(server.kind, 2, 'SPAN_KIND_SERVER')
    const status = server.attributes.find((a) => a.key === 'http.response.status_code')
    assert.equal(Number(status?.value.intValue), 200)
    const serviceName = receiver.received[0]?.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name')
    assert.equal(serviceName?.value.stringValue, 'order-api')

    assert.equal(outgoing.traceparent, `00-${traceId}-${server.spanId}-01`)
    const inside = logs.find((l) => l.content === 'inside handler')
    assert.equal(inside?.trace, traceId)
    assert.equal(inside?.span, server.spanId)
    assert.equal(accessLine(logs, 'POST', ROUTE)?.trace, traceId)
  } finally {
    await tracing.shutdown()
    receiver.server.close()
  }
})

test('with Sampler 0 new traces are not exported, but a sampled caller is still followed', async () => {
  const receiver = await otlpReceiver()
  const tracing = initTracing({ Name: 'order-api', Endpoint: receiver.url, Sampler: 0, Batcher: 'otlphttp' }, 'order-api', jsonExport)
  try {
    const { app } = testServer()
    app.post(ROUTE, async () => ({}))
    await app.inject({ method: 'POST', url: ROUTE, payload: {} })
    const traceId = randomBytes(16).toString('hex')
    await app.inject({
      method: 'POST',
      url: ROUTE,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      payload: {},
    })
    await tracing.shutdown()
    const spans = spansOf(receiver.received)
    assert.deepEqual(
      spans.map((s) => s.traceId),
      [traceId],
    )
  } finally {
    await tracing.shutdown()
    receiver.server.close()
  }
})

test('unknown routes create no spans', async () => {
  const receiver = await otlpReceiver()
  const tracing = initTracing({ Name: 'order-api', Endpoint: receiver.url, Sampler: 1, Batcher: 'otlphttp' }, 'order-api', jsonExport)
  try {
    const { app } = testServer()
    const res = await app.inject({ method: 'POST', url: `/random/${randomBytes(4).toString('hex')}`, payload: {} })
    assert.equal(res.statusCode, 404)
    await tracing.shutdown()
    assert.equal(spansOf(receiver.received).length, 0)
  } finally {
    await tracing.shutdown()
    receiver.server.close()
  }
})
