/**
 * Where a process's tracing settings come from: the standard OpenTelemetry environment variables
 * first, then the `Telemetry` block of its yaml (whose `Endpoint` reads `OTEL_ENDPOINT`).
 */
import type { TTelemetryConf } from '@looklook/conf'

/** How new traces and incoming decisions are sampled, in the vocabulary of `OTEL_TRACES_SAMPLER`. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio'

const SAMPLERS: ReadonlySet<string> = new Set<SamplerName>([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
])

/** The settings {@link initTracing} applies, after every source has been read. */
export interface TelemetrySettings {
  /** The `service.name` resource attribute. */
  serviceName: string
  /** The OTLP/HTTP traces URL; empty when nothing is exported. */
  endpoint: string
  sampler: SamplerName
  /** The share of traces kept by the `*traceidratio` samplers, 0..1. */
  ratio: number
  /** How spans are encoded on the wire: protobuf (the OTLP default, cheapest for both ends) or JSON. */
  protocol: OtlpProtocol
}

/** The OTLP/HTTP encodings, in the vocabulary of `OTEL_EXPORTER_OTLP_PROTOCOL`. */
export type OtlpProtocol = 'http/protobuf' | 'http/json'

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  // The OpenTelemetry specification reads an empty variable as an unset one.
  const v = env[name]?.trim()
  return v ? v : undefined
}

/** `OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL: the traces path is appended to it, as the specification says. */
function tracesUrlOf(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`
}

function ratioOf(text: string): number {
  const ratio = Number(text)
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1, got "${text}"`)
  }
  return ratio
}

/**
 * Resolves the tracing settings of a process. Per setting, the first source that is set wins:
 *
 * - endpoint: `OTEL_TRACES_EXPORTER=none` (nothing is exported), `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 *   (used as is), `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended), `Telemetry.Endpoint`;
 * - service name: `OTEL_SERVICE_NAME`, `Telemetry.Name`, the process name;
 * - sampler: `OTEL_TRACES_SAMPLER` with `OTEL_TRACES_SAMPLER_ARG` (default ratio 1), else
 *   `parentbased_traceidratio` with `Telemetry.Sampler` when exporting and `parentbased_always_off`
 *   when not (a sampled caller is still followed, nothing of this process's own is recorded);
 * - protocol: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `http/protobuf`
 *   (`grpc` is not offered: spans go to the collector's OTLP/HTTP port).
 *
 * Throws on values it cannot honour (an unknown sampler or exporter, a ratio outside 0..1, a
 * `Telemetry.Batcher` other than `otlphttp`), so a misconfigured process fails at boot.
 */
export function resolveTelemetry(
  conf: TTelemetryConf | undefined,
  processName: string,
  env: NodeJS.ProcessEnv = process.env,
): TelemetrySettings {
  const exporter = envValue(env, 'OTEL_TRACES_EXPORTER')
  if (exporter !== undefined && exporter !== 'otlp' && exporter !== 'none') {
    throw new Error(`OTEL_TRACES_EXPORTER "${exporter}" is not supported; use otlp or none`)
  }
  const fromEnv =
    envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? mapDefined(envValue(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'), tracesUrlOf)
  const endpoint = exporter === 'none' ? '' : (fromEnv ?? conf?.Endpoint ?? '')
  const batcher = conf?.Batcher ?? 'otlphttp'
  if (endpoint !== '' && fromEnv === undefined && batcher !== 'otlphttp') {
    throw new Error(
      `Telemetry.Batcher "${batcher}" is not supported; use otlphttp with an OTLP/HTTP endpoint such as http://127.0.0.1:4318/v1/traces`,
    )
  }

  const samplerText = envValue(env, 'OTEL_TRACES_SAMPLER')
  let sampler: SamplerName
  let ratio: number
  if (samplerText !== undefined) {
    if (!SAMPLERS.has(samplerText)) {
      throw new Error(`OTEL_TRACES_SAMPLER "${samplerText}" is not supported; use one of ${[...SAMPLERS].join(', ')}`)
    }
    sampler = samplerText as SamplerName
    ratio = mapDefined(envValue(env, 'OTEL_TRACES_SAMPLER_ARG'), ratioOf) ?? 1
  } else {
    sampler = endpoint === '' ? 'parentbased_always_off' : 'parentbased_traceidratio'
    ratio = conf?.Sampler ?? 1
  }

  const protocol = envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? envValue(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf'
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not supported; use http/protobuf or http/json`)
  }

  return { serviceName: envValue(env, 'OTEL_SERVICE_NAME') ?? (conf?.Name || processName), endpoint, sampler, ratio, protocol }
}

function mapDefined<T>(v: string | undefined, f: (s: string) => T): T | undefined {
  return v === undefined ? undefined : f(v)
}
