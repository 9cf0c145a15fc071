/**
 * The `main.ts` of every process in one call, go-zero's `MustLoad` + `SetUp` + `ServiceGroup`:
 * load and validate the config (a bad config exits 1 with a message naming the key), start tracing
 * and the JSON logger, build the process's parts, serve `/metrics` and `/healthz` on the
 * Prometheus port, then run until SIGTERM and shut down gracefully.
 */
import { flushCompileCache } from 'node:module'
import type { TLogConf, TPrometheusConf, TTelemetryConf } from '@looklook/conf'
import { type Service, ServiceGroup } from '@looklook/core'
import { createLogger, type Logger } from '@looklook/logx'
import { startMetricsServer } from '@looklook/metrics'
import { initTracing } from '@looklook/trace'

export type { Service }

/** The config keys every process has (`Name`, `Log`, `Prometheus`, `Telemetry`). */
export interface ProcessConf {
  Name: string
  Log?: TLogConf
  Prometheus?: TPrometheusConf
  Telemetry?: TTelemetryConf
}

export interface RunOptions<C extends ProcessConf> {
  /** Loads and validates the config; throws ConfigError on a bad file. */
  load: () => C
  /** Builds the process's parts (servers, consumers, workers) and the resources they share. */
  build: (conf: C, logger: Logger, group: ServiceGroup) => Promise<Service[]> | Service[]
}

/** Runs a process until SIGTERM/SIGINT. Never resolves on success; exits 1 when it cannot start. */
export async function runProcess<C extends ProcessConf>(opts: RunOptions<C>): Promise<void> {
  let conf: C
  try {
    conf = opts.load()
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(1)
  }
  const tracing = initTracing(conf.Telemetry, conf.Name)
  const logger = createLogger({ service: conf.Name, level: conf.Log?.Level })
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'))

  const group = new ServiceGroup()
  // Added first so it stops last: spans of the shutdown itself are still flushed.
  group.add({ name: 'tracing', start: async () => {}, stop: () => tracing.shutdown() })
  const prom = conf.Prometheus
  if (prom) {
    let close: (() => Promise<void>) | undefined
    group.add({
      name: 'metrics',
      start: async () => {
        close = (await startMetricsServer(prom, () => group.ready)).close
      },
      stop: async () => close?.(),
    })
  }
  try {
    for (const service of await opts.build(conf, logger, group)) group.add(service)
  } catch (err) {
    logger.error({ err }, 'failed to build the service')
    await tracing.shutdown()
    process.exit(1)
  }
  // Every module the process needs is loaded now: written to the compile cache (when NODE_COMPILE_CACHE
  // enables it) so the next start skips compiling and type-stripping them. Node alone writes it at exit.
  flushCompileCache()
  await group.runUntilSignal(logger)
}

/** A service-group member that only releases resources on stop (pools, clients). */
export function closer(name: string, close: () => Promise<void> | void): Service {
  return { name, start: async () => {}, stop: async () => close() }
}

/** Wraps anything with `start()`/`stop()` (a gRPC server, a consumer) as a service-group member. */
export function asService(name: string, part: { start(): Promise<unknown>; stop(): Promise<void> }): Service {
  return {
    name,
    start: async () => {
      await part.start()
    },
    stop: () => part.stop(),
  }
}
