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
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base'
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
  // Without an endpoint spans are still created (they give logs their trace ids) but no processor exports them.
  const spanProcessors = endpoint === '' ? [] : [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))]
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: conf?.Name || serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(conf?.Sampler ?? 1) }),
    spanProcessors,
  })
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  })
  return {
    exporting: spanProcessors.length > 0,
    shutdown: async () => {
      await provider.shutdown()
      trace.disable()
      context.disable()
      propagation.disable()
    },
  }
}
