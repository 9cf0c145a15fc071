/**
 * OpenTelemetry bootstrap, go-zero's `trace.StartAgent`: an AsyncLocalStorage context manager and
 * the W3C propagators are always installed, so trace ids reach logs and outgoing metadata; spans
 * are exported over OTLP/HTTP (to Jaeger's 4318) only when an endpoint is configured, by the
 * standard `OTEL_EXPORTER_OTLP_*` variables or `Telemetry.Endpoint` (see {@link resolveTelemetry}).
 */
import { createRequire } from 'node:module'
import type { TTelemetryConf } from '@looklook/conf'
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'
import type * as OtlpJson from '@opentelemetry/exporter-trace-otlp-http'
import type * as OtlpProto from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import { resolveTelemetry, type TelemetrySettings } from './settings.ts'

// The exporter of the configured protocol is loaded when spans are exported, not before: a process
// without an endpoint loads neither, and none loads both (with the OTLP serializers they carry).
const require = createRequire(import.meta.url)

export { type OtlpProtocol, resolveTelemetry, type SamplerName, type TelemetrySettings } from './settings.ts'

export interface Tracing {
  /** Whether spans leave the process (an endpoint is configured). */
  readonly exporting: boolean
  /** Flushes pending spans and unregisters the global provider, context manager and propagator. */
  shutdown(): Promise<void>
}

/**
 * Installs tracing for the process with the settings {@link resolveTelemetry} reads from `env` and
 * `conf`. By default the root sampler keeps `conf.Sampler` of new traces, and a request that
 * arrives with a `traceparent` follows its caller's decision (parent-based, as go-zero).
 */
export function initTracing(conf: TTelemetryConf | undefined, serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  const settings = resolveTelemetry(conf, serviceName, env)
  const exporting = settings.endpoint !== ''
  const spanProcessors = exporting ? [new BatchSpanProcessor(exporterOf(settings))] : []
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    sampler: samplerOf(settings),
    spanProcessors,
  })
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  })
  return {
    exporting,
    shutdown: async () => {
      try {
        await provider.shutdown()
      } catch {
        // The last spans could not be delivered (the collector is down or not up yet): they are
        // dropped, as the exporter drops any batch it cannot send. Stopping the process goes on.
      } finally {
        trace.disable()
        context.disable()
        propagation.disable()
      }
    },
  }
}

function exporterOf({ protocol, endpoint }: TelemetrySettings): OtlpProto.OTLPTraceExporter | OtlpJson.OTLPTraceExporter {
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpJson
    return new OTLPTraceExporter({ url: endpoint })
  }
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof OtlpProto
  return new OTLPTraceExporter({ url: endpoint })
}

// Without an endpoint (the default sampler is then parentbased_always_off) a trace this process
// starts is not recorded: its spans are non-recording, which costs next to nothing, yet still carry
// trace ids into the logs and the outgoing traceparent (flagged not sampled). A request that arrives
// sampled keeps its caller's decision either way, so a process without an exporter never cuts a
// trace that others export.
function samplerOf({ sampler, ratio }: TelemetrySettings): Sampler {
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio)
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })
  }
}
