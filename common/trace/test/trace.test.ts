import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { context, propagation, trace } from '@opentelemetry/api'
import { initTracing } from '../src/index.ts'

test('without an endpoint, trace ids are still made, follow async work and propagate, but nothing is exported', async () => {
  const tracing = initTracing(undefined, 'identity-rpc')
  try {
    assert.equal(tracing.exporting, false)
    const span = trace.getTracer('test').startSpan('work')
    const traceId = span.spanContext().traceId
    assert.match(traceId, /^[0-9a-f]{32}$/)
    assert.notEqual(traceId, '0'.repeat(32))
    const carrier: Record<string, string> = {}
    await context.with(trace.setSpan(context.active(), span), async () => {
      await sleep(5)
      // AsyncLocalStorage keeps the span active across the await.
      assert.equal(trace.getActiveSpan()?.spanContext().spanId, span.spanContext().spanId)
      propagation.inject(context.active(), carrier)
    })
    span.end()
    // Nothing is exported, so a trace started here is not recorded and says so downstream.
    assert.equal(span.isRecording(), false)
    assert.equal(carrier.traceparent, `00-${traceId}-${span.spanContext().spanId}-00`)

    // An incoming traceparent is read back by the same propagator, and a sampled caller's decision holds.
    const parent = trace.getSpanContext(propagation.extract(context.active(), { traceparent: carrier.traceparent }))
    assert.equal(parent?.traceId, traceId)
    const sampled = propagation.extract(context.active(), { traceparent: `00-${traceId}-${span.spanContext().spanId}-01` })
    const child = trace.getTracer('test').startSpan('child', {}, sampled)
    assert.equal(child.isRecording(), true, 'a sampled parent is followed')
    assert.equal(child.spanContext().traceId, traceId)
    child.end()
  } finally {
    await tracing.shutdown()
  }
  const after: Record<string, string> = {}
  propagation.inject(context.active(), after)
  assert.deepEqual(after, {}, 'shutdown unregisters the propagator')
})

test('Telemetry.Name names the service and falls back to the process name', async () => {
  const tracing = initTracing({ Name: '', Endpoint: '', Sampler: 1, Batcher: 'otlphttp' }, 'usercenter-rpc')
  try {
    // A sampled caller makes the span a recording one, which carries the resource.
    const sampled = propagation.extract(context.active(), { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` })
    const span = trace.getTracer('test').startSpan('x', {}, sampled)
    const resource = (span as unknown as { resource: { attributes: Record<string, unknown> } }).resource
    assert.equal(resource.attributes['service.name'], 'usercenter-rpc')
    span.end()
  } finally {
    await tracing.shutdown()
  }
})

test('an exporter other than OTLP/HTTP is refused with a clear message', () => {
  assert.throws(
    () => initTracing({ Name: 'x', Endpoint: 'http://127.0.0.1:14268/api/traces', Sampler: 1, Batcher: 'jaeger' }, 'x'),
    /Telemetry.Batcher "jaeger" is not supported; use otlphttp/,
  )
})

test('shutdown completes when the collector is unreachable, dropping the spans it could not send', async () => {
  // A port nothing listens on: bind one, note it, close it.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
  const tracing = initTracing(
    { Name: 'trace-test', Endpoint: `http://127.0.0.1:${port}/v1/traces`, Sampler: 1, Batcher: 'otlphttp' },
    'trace-test',
    {},
  )
  assert.equal(tracing.exporting, true)
  trace.getTracer('trace-test').startSpan('undeliverable').end()
  await tracing.shutdown()
  // The globals are released, so the next initTracing can install its own.
  assert.equal(trace.getTracer('after').startSpan('x').isRecording(), false)
})
