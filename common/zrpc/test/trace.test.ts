import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import { context, propagation, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { RpcClient } from '../src/index.ts'
import type { EchoReq, EchoService } from './gen/zrpctest.ts'
import { type EchoServer, echoClient, startEchoServer } from './helpers.ts'

// What the OpenTelemetry SDK bootstrap registers in a process; only the API is used by zrpc itself.
const contextManager = new AsyncLocalStorageContextManager().enable()
context.setGlobalContextManager(contextManager)
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))

let srv: EchoServer
let client: RpcClient<EchoService>
const req: EchoReq = { text: 'traced', mode: 'ok', delayMs: 0, xerrCode: 0, full: false }

before(async () => {
  srv = await startEchoServer()
  client = echoClient(srv.port)
})

after(async () => {
  client.close()
  await srv.server.stop()
  context.disable()
  propagation.disable()
  trace.disable()
})

test('the server sees the traceparent of the active context, and its span and logs continue the trace', async () => {
  const traceId = randomBytes(16).toString('hex')
  const spanId = randomBytes(8).toString('hex')
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false })

  const resp = await context.with(parent, () => client.echo(req))

  assert.match(resp.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'W3C traceparent was injected into the metadata')
  assert.equal(resp.traceId, traceId, 'the handler runs inside a span of the same trace')
  const handlerLine = srv.lines().find((l) => l.content === 'echo handler' && l.trace === traceId)
  assert.ok(handlerLine, 'handler log lines carry the trace id')
  assert.equal(typeof handlerLine.span, 'string')
})

test('client and server spans are named by full method and linked parent → child', async () => {
  exporter.reset()
  await client.echo(req)
  const spans = exporter.getFinishedSpans()
  const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT)
  const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER)
  assert.ok(clientSpan && serverSpan, `spans: ${spans.map((s) => `${s.name}/${s.kind}`).join(', ')}`)
  assert.equal(clientSpan.name, 'zrpctest.Echo/echo')
  assert.equal(serverSpan.name, 'zrpctest.Echo/echo')
  assert.equal(serverSpan.spanContext().traceId, clientSpan.spanContext().traceId)
  assert.equal(serverSpan.parentSpanContext?.spanId, clientSpan.spanContext().spanId)
  assert.equal(serverSpan.attributes['rpc.system'], 'grpc')
  assert.equal(serverSpan.attributes['rpc.method'], 'echo')
  assert.equal(serverSpan.attributes['rpc.grpc.status_code'], 0)
})

test('a failed call marks both spans as errors with the gRPC status code', async () => {
  exporter.reset()
  await client.echo({ ...req, mode: 'code-error', xerrCode: 100006, text: 'the record changed' }).catch(() => undefined)
  const spans = exporter.getFinishedSpans()
  assert.equal(spans.length, 2)
  for (const span of spans) {
    assert.equal(span.status.code, 2, `${span.name} has status ERROR`)
    assert.equal(span.attributes['rpc.grpc.status_code'], 9)
  }
})
