import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { test } from 'node:test'
import type { TTelemetryConf } from '@looklook/conf'
import { context, propagation, trace } from '@opentelemetry/api'
import { initTracing, resolveTelemetry } from '../src/index.ts'

const yaml: TTelemetryConf = { Name: 'order-rpc', Endpoint: 'http://127.0.0.1:4318/v1/traces', Sampler: 0.25, Batcher: 'otlphttp' }

test('without standard variables the yaml decides: its endpoint, name and ratio behind the caller decision', () => {
  assert.deepEqual(resolveTelemetry(yaml, 'fallback', {}), {
    serviceName: 'order-rpc',
    endpoint: 'http://127.0.0.1:4318/v1/traces',
    sampler: 'parentbased_traceidratio',
    ratio: 0.25,
    protocol: 'http/protobuf',
  })
  // No endpoint: only a sampled caller is followed, and the process name names the service.
  assert.deepEqual(resolveTelemetry({ ...yaml, Name: '', Endpoint: '' }, 'order-rpc', {}), {
    serviceName: 'order-rpc',
    endpoint: '',
    sampler: 'parentbased_always_off',
    ratio: 0.25,
    protocol: 'http/protobuf',
  })
  assert.equal(resolveTelemetry(undefined, 'identity-api', {}).endpoint, '')
})

test('the standard endpoint variables win over Telemetry.Endpoint; the generic one gets /v1/traces appended', () => {
  const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14318/' }
  assert.equal(resolveTelemetry(yaml, 'x', base).endpoint, 'http://127.0.0.1:14318/v1/traces')
  assert.equal(
    resolveTelemetry(yaml, 'x', { ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:24318/custom' }).endpoint,
    'http://127.0.0.1:24318/custom',
    'the traces-specific variable is used as is and beats the generic one',
  )
  // An empty variable counts as unset, so the yaml's endpoint holds.
  assert.equal(resolveTelemetry(yaml, 'x', { OTEL_EXPORTER_OTLP_ENDPOINT: '' }).endpoint, yaml.Endpoint)
  // A standard endpoint also turns export on for a yaml without one, with the default ratio sampler.
  const on = resolveTelemetry({ ...yaml, Endpoint: '' }, 'x', base)
  assert.equal(on.sampler, 'parentbased_traceidratio')
  assert.equal(
    resolveTelemetry(yaml, 'x', { ...base, OTEL_TRACES_EXPORTER: 'none' }).endpoint,
    '',
    'OTEL_TRACES_EXPORTER=none turns export off',
  )
  assert.equal(resolveTelemetry(yaml, 'x', { OTEL_TRACES_EXPORTER: 'otlp' }).endpoint, yaml.Endpoint)
})

test('OTEL_SERVICE_NAME wins over Telemetry.Name', () => {
  assert.equal(resolveTelemetry(yaml, 'x', { OTEL_SERVICE_NAME: 'order-rpc-canary' }).serviceName, 'order-rpc-canary')
})

test('OTEL_TRACES_SAMPLER takes every standard sampler, with OTEL_TRACES_SAMPLER_ARG as the ratio (default 1)', () => {
  for (const sampler of [
    'always_on',
    'always_off',
    'traceidratio',
    'parentbased_always_on',
    'parentbased_always_off',
    'parentbased_traceidratio',
  ] as const) {
    const s = resolveTelemetry(yaml, 'x', { OTEL_TRACES_SAMPLER: sampler })
    assert.equal(s.sampler, sampler)
    assert.equal(s.ratio, 1, `${sampler}: the yaml ratio does not leak into a standard sampler`)
  }
  assert.equal(resolveTelemetry(yaml, 'x', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }).ratio, 0.1)
})

test('values that cannot be honoured stop the process at boot with a message naming the variable', () => {
  assert.throws(
    () => resolveTelemetry(yaml, 'x', { OTEL_TRACES_SAMPLER: 'jaeger_remote' }),
    /OTEL_TRACES_SAMPLER "jaeger_remote" is not supported/,
  )
  assert.throws(
    () => resolveTelemetry(yaml, 'x', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }),
    /OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1, got "1.5"/,
  )
  assert.throws(
    () => resolveTelemetry(yaml, 'x', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }),
    /OTEL_TRACES_SAMPLER_ARG must be a number/,
  )
  assert.throws(() => resolveTelemetry(yaml, 'x', { OTEL_TRACES_EXPORTER: 'zipkin' }), /OTEL_TRACES_EXPORTER "zipkin" is not supported/)
})

test('the chosen sampler is the one installed: always_off ignores a sampled caller, always_on records a new trace', async () => {
  const sampledParent = () => propagation.extract(context.active(), { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` })
  const off = initTracing(yaml, 'x', { OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_EXPORTER: 'none' })
  try {
    assert.equal(trace.getTracer('t').startSpan('s', {}, sampledParent()).isRecording(), false)
  } finally {
    await off.shutdown()
  }
  const on = initTracing(yaml, 'x', { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_EXPORTER: 'none' })
  try {
    assert.equal(on.exporting, false)
    assert.equal(trace.getTracer('t').startSpan('s').isRecording(), true)
  } finally {
    await on.shutdown()
  }
})

interface Received {
  type: string
  body: Buffer
}

/** An OTLP/HTTP receiver on a free loopback port, keeping every traces request it gets. */
async function receiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces')
        received.push({ type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) })
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' })
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

async function exportOneSpan(env: NodeJS.ProcessEnv): Promise<{ name: string; received: Received[] }> {
  const r = await receiver()
  const name = `span-${randomBytes(4).toString('hex')}`
  // The yaml points at a port nothing listens on: only the standard variable can make the export arrive.
  const tracing = initTracing({ ...yaml, Endpoint: 'http://127.0.0.1:1/v1/traces' }, 'x', {
    OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
    OTEL_SERVICE_NAME: 'order-rpc-env',
    OTEL_TRACES_SAMPLER: 'always_on',
    ...env,
  })
  try {
    assert.equal(tracing.exporting, true)
    trace.getTracer('t').startSpan(name).end()
  } finally {
    await tracing.shutdown()
    await r.close()
  }
  return { name, received: r.received }
}

test('spans go to the endpoint of OTEL_EXPORTER_OTLP_ENDPOINT under OTEL_SERVICE_NAME, not to the yaml endpoint', async () => {
  const { name, received } = await exportOneSpan({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })
  const body = received.map((r) => r.body.toString('utf8')).find((b) => b.includes(name))
  assert.ok(body, `the span was not exported (${received.length} requests)`)
  const parsed = JSON.parse(body) as {
    resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[]
  }
  const service = parsed.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue
  assert.equal(service, 'order-rpc-env')
})

test('spans travel as protobuf unless a protocol variable asks for JSON', async () => {
  assert.equal(resolveTelemetry(yaml, 'x', {}).protocol, 'http/protobuf')
  assert.equal(resolveTelemetry(yaml, 'x', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).protocol, 'http/json')
  assert.equal(
    resolveTelemetry(yaml, 'x', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).protocol,
    'http/protobuf',
    'the traces-specific variable wins',
  )
  assert.throws(
    () => resolveTelemetry(yaml, 'x', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    /OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported/,
  )

  const { name, received } = await exportOneSpan({})
  const request = received.find((r) => r.body.includes(name))
  assert.ok(request, `the span was not exported (${received.length} requests)`)
  assert.equal(request.type, 'application/x-protobuf')
  // Protobuf carries strings as raw bytes: the span name and the service name are in the body, and it is not JSON.
  assert.ok(request.body.includes('order-rpc-env'))
  assert.throws(() => JSON.parse(request.body.toString('utf8')))
})

test('a process loads the exporter of its protocol only, and none without an endpoint', () => {
  const loaded = (env: Record<string, string>): string[] => {
    const probe = `
      import { createRequire } from 'node:module'
      const { initTracing } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)})
      const tracing = initTracing({ Name: 'x', Endpoint: '', Sampler: 1, Batcher: 'otlphttp' }, 'x')
      const files = Object.keys(createRequire(import.meta.url).cache)
      process.stdout.write(JSON.stringify(['exporter-trace-otlp-http', 'exporter-trace-otlp-proto'].filter((p) => files.some((f) => f.includes('/@opentelemetry/' + p + '/')))))
      await tracing.shutdown()`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    return JSON.parse(out) as string[]
  }
  const endpoint = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1/v1/traces' }
  assert.deepEqual(loaded({}), [])
  assert.deepEqual(loaded(endpoint), ['exporter-trace-otlp-proto'])
  assert.deepEqual(loaded({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), ['exporter-trace-otlp-http'])
})
