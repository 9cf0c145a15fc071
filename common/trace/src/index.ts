/**
 * OpenTelemetry bootstrap, go-zero's `trace.StartAgent`: an AsyncLocalStorage context manager and
 * the W3C propagators are always installed, so trace ids reach logs and outgoing metadata; spans
 * are exported over OTLP/HTTP (to Jaeger's 4318) only when `Telemetry.Endpoint` is set.
 */
import type { TTelemetryConf } from '@looklook/conf'
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AlwaysOffSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'

export interface Tracing {
  /** Whether spans leave the process (an endpoint is configured). */
  readonly exporting: boolean
  /** Flushes pending spans and unregisters the global provider, context manager and propagator. */
  shutdown(): Promise<void>
}

/**
 * Installs tracing for the process. The root sampler keeps `conf.Sampler` of new traces; a request
 * that arrives with a `traceparent` follows its caller's decision (parent-based, as go-zero).
 * Throws on a `Batcher` other than `otlphttp` (the Jaeger exporter is deprecated upstream).
 */
export function initTracing(conf: TTelemetryConf | undefined, serviceName: string): Tracing {
  const endpoint = conf?.Endpoint ?? ''
  const batcher = conf?.Batcher ?? 'otlphttp'
  if (endpoint !== '' && batcher !== 'otlphttp') {
    throw new Error(
      `Telemetry.Batcher "${batcher}" is not supported; use otlphttp with an OTLP/HTTP endpoint such as http://127.0.0.1:4318/v1/traces`,
    )
  }
  const exporting = endpoint !== ''
  const spanProcessors = exporting ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))] : []
  // Without an endpoint a trace this process starts is not recorded: its spans are non-recording,
  // which costs next to nothing, yet still carry trace ids into the logs and the outgoing traceparent
  // (flagged not sampled). A request that arrives sampled keeps its caller's decision either way, so a
  // process without an exporter never cuts a trace that others export.
  const root = exporting ? new TraceIdRatioBasedSampler(conf?.Sampler ?? 1) : new AlwaysOffSampler()
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: conf?.Name || serviceName }),
    sampler: new ParentBasedSampler({ root }),
    spanProcessors,
  })
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  })
  return {
    exporting,
    shutdown: async () => {
      await provider.shutdown()
      trace.disable()
      context.disable()
      propagation.disable()
    },
  }
}
