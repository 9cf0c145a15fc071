/**
 * Typed YAML configuration, the go-zero `conf.MustLoad` equivalent: `${ENV}` / `${ENV:-default}`
 * interpolation, defaults and validation against a TypeBox schema at boot.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { parse } from 'yaml'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/** Replaces `${NAME}` and `${NAME:-default}` with environment values; an unset name without default is an error. */
export function interpolate(text: string, env: NodeJS.ProcessEnv = process.env, source = 'config'): string {
  return text.replace(ENV_REF, (_m, name: string, def: string | undefined) => {
    const v = env[name]
    if (v !== undefined && v !== '') return v
    if (def !== undefined) return def
    throw new ConfigError(`${source}: environment variable ${name} is not set and has no default`)
  })
}

/** `Key:` with nothing after it (e.g. `${OTEL_ENDPOINT:-}` left empty) means "use the default", as in go-zero. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(dropNulls)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, dropNulls(x)]),
    )
  }
  return v
}

/** Parses YAML text and validates it; the error names every bad key as a path (e.g. `/Redis/Port`). */
export function parseConfig<S extends TSchema>(
  schema: S,
  text: string,
  source = 'config',
  env: NodeJS.ProcessEnv = process.env,
): Static<S> {
  let raw: unknown
  try {
    raw = parse(interpolate(text, env, source))
  } catch (err) {
    if (err instanceof ConfigError) throw err
    throw new ConfigError(`${source}: invalid YAML: ${(err as Error).message}`)
  }
  raw = dropNulls(raw)
  // Values from env interpolation arrive as strings; Convert turns "6379" into 6379 where the schema wants a number.
  const withDefaults = Value.Default(schema, Value.Convert(schema, raw ?? {}))
  const cleaned = Value.Clean(schema, Value.Clone(withDefaults))
  const errors = [...Value.Errors(schema, cleaned)]
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => `  ${e.path || '/'}: ${e.message} (got ${JSON.stringify(e.value)})`)
    throw new ConfigError(`${source}: invalid configuration\n${lines.join('\n')}`)
  }
  return cleaned as Static<S>
}

/**
 * Loads a process's YAML file (`etc/<name>.yaml`, a path or a `file:` URL such as
 * `new URL('../etc/order-api.yaml', import.meta.url)`), or the path in `$CONFIG_FILE` when set.
 */
export function loadConfig<S extends TSchema>(schema: S, file: string | URL): Static<S> {
  const path = process.env.CONFIG_FILE || (file instanceof URL ? fileURLToPath(file) : file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`)
  }
  return parseConfig(schema, text, path)
}

// ---- shared fragments, in go-zero's key names -------------------------------------------------

export const LogConf = Type.Object({
  ServiceName: Type.Optional(Type.String()),
  Level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')], { default: 'info' }),
})

export const PrometheusConf = Type.Object({
  Host: Type.String({ default: '127.0.0.1' }),
  Port: Type.Integer({ minimum: 0, maximum: 65535 }),
  Path: Type.String({ default: '/metrics' }),
})

export const TelemetryConf = Type.Object({
  Name: Type.String({ minLength: 1 }),
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; empty disables tracing. */
  Endpoint: Type.String({ default: '' }),
  Sampler: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
  Batcher: Type.String({ default: 'otlphttp' }),
})

export const RedisConf = Type.Object({
  Host: Type.String({ minLength: 1, description: 'host:port' }),
  Pass: Type.String({ default: '' }),
  DB: Type.Integer({ minimum: 0, default: 0 }),
  KeyPrefix: Type.String({ default: '' }),
})

export const DBConf = Type.Object({
  DataSource: Type.String({ minLength: 1, description: 'mysql://user:pass@host:port/db' }),
  PoolSize: Type.Integer({ minimum: 1, default: 10 }),
  /** At most this many unused connections stay open, the rest close within a second; default a quarter of PoolSize. */
  MaxIdle: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Milliseconds after which any unused connection is closed; default 60000. */
  IdleTimeout: Type.Optional(Type.Integer({ minimum: 1000, description: 'milliseconds' })),
})

export const RpcClientConf = Type.Object({
  Endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  /** A gRPC target such as `dns:///usercenter-rpc-svc.looklook.svc.cluster.local:9002` (Kubernetes). */
  Target: Type.Optional(Type.String({ minLength: 1 })),
  Timeout: Type.Integer({ minimum: 1, default: 2000, description: 'milliseconds' }),
  NonBlock: Type.Boolean({ default: true }),
})

export const KafkaConf = Type.Object({
  Brokers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  Topic: Type.String({ minLength: 1 }),
  Group: Type.Optional(Type.String({ minLength: 1 })),
})

/** Fields every process config has. */
export const BaseConf = {
  Name: Type.String({ minLength: 1 }),
  Log: Type.Optional(LogConf),
  Prometheus: Type.Optional(PrometheusConf),
  Telemetry: Type.Optional(TelemetryConf),
}

export const RestConf = Type.Object({
  ...BaseConf,
  Host: Type.String({ default: '127.0.0.1' }),
  Port: Type.Integer({ minimum: 0, maximum: 65535 }),
  Timeout: Type.Integer({ minimum: 1, default: 3000, description: 'milliseconds' }),
  MaxBytes: Type.Integer({ minimum: 1, default: 1048576 }),
  MaxConns: Type.Integer({ minimum: 1, default: 10000 }),
  CpuThreshold: Type.Integer({ minimum: 0, maximum: 1000, default: 900 }),
})

export const RpcServerConf = Type.Object({
  ...BaseConf,
  ListenOn: Type.String({ minLength: 1, description: 'host:port' }),
  Timeout: Type.Integer({ minimum: 1, default: 2000, description: 'milliseconds' }),
  CpuThreshold: Type.Integer({ minimum: 0, maximum: 1000, default: 900 }),
})

export type TLogConf = Static<typeof LogConf>
export type TPrometheusConf = Static<typeof PrometheusConf>
export type TTelemetryConf = Static<typeof TelemetryConf>
export type TRedisConf = Static<typeof RedisConf>
export type TDBConf = Static<typeof DBConf>
export type TRpcClientConf = Static<typeof RpcClientConf>
export type TKafkaConf = Static<typeof KafkaConf>
export type TRestConf = Static<typeof RestConf>
export type TRpcServerConf = Static<typeof RpcServerConf>

/** Extends a base object schema with more properties (e.g. `extend(RestConf, { UsercenterRpc: RpcClientConf })`). */
export function extend<B extends TObject, P extends Record<string, TSchema>>(base: B, props: P) {
  return Type.Composite([base, Type.Object(props)])
}

export { type Static, Type }
