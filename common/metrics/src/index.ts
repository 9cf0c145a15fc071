/**
 * Prometheus metrics with go-zero's metric names, labels and buckets, so existing go-zero
 * Grafana dashboards work against these processes. Served on a port of their own, with a
 * `/healthz` readiness route beside `/metrics`.
 */
import { createServer, type Server } from 'node:http'
import type { TPrometheusConf } from '@looklook/conf'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

export const registry = new Registry()
collectDefaultMetrics({ register: registry })

export const httpServerDuration = new Histogram({
  name: 'http_server_requests_duration_ms',
  help: 'http server requests duration(ms).',
  labelNames: ['path', 'method', 'code'] as const,
  buckets: [5, 10, 25, 50, 100, 250, 500, 750, 1000],
  registers: [registry],
})

export const httpServerCodeTotal = new Counter({
  name: 'http_server_requests_code_total',
  help: 'http server requests error count.',
  labelNames: ['path', 'method', 'code'] as const,
  registers: [registry],
})

export const rpcServerDuration = new Histogram({
  name: 'rpc_server_requests_duration_ms',
  help: 'rpc server requests duration(ms).',
  labelNames: ['method'] as const,
  buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000],
  registers: [registry],
})

export const rpcServerCodeTotal = new Counter({
  name: 'rpc_server_requests_code_total',
  help: 'rpc server requests code count.',
  labelNames: ['method', 'code'] as const,
  registers: [registry],
})

export const rpcClientDuration = new Histogram({
  name: 'rpc_client_requests_duration_ms',
  help: 'rpc client requests duration(ms).',
  labelNames: ['method'] as const,
  buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000],
  registers: [registry],
})

export const rpcClientCodeTotal = new Counter({
  name: 'rpc_client_requests_code_total',
  help: 'rpc client requests code count.',
  labelNames: ['method', 'code'] as const,
  registers: [registry],
})

export const sqlClientDuration = new Histogram({
  name: 'sql_client_requests_duration_ms',
  help: 'mysql client requests duration(ms).',
  labelNames: ['command'] as const,
  buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500],
  registers: [registry],
})

export const sqlClientErrorTotal = new Counter({
  name: 'sql_client_requests_error_total',
  help: 'mysql client requests error count.',
  labelNames: ['command', 'error'] as const,
  registers: [registry],
})

export const redisClientDuration = new Histogram({
  name: 'redis_client_requests_duration_ms',
  help: 'redis client requests duration(ms).',
  labelNames: ['command'] as const,
  buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500],
  registers: [registry],
})

export const redisClientErrorTotal = new Counter({
  name: 'redis_client_requests_error_total',
  help: 'redis client requests error count.',
  labelNames: ['command', 'error'] as const,
  registers: [registry],
})

/** Measures an async call into a histogram (ms) and returns its result. */
export async function timed<T>(hist: Histogram<string>, labels: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    return await fn()
  } finally {
    hist.observe(labels, performance.now() - start)
  }
}

export interface MetricsServer {
  server: Server
  port: number
  close(): Promise<void>
}

/**
 * Serves `/metrics` (or `conf.Path`) and `/healthz` (200 while `ready()` is true, else 503).
 * Port 0 picks a free port (tests).
 */
export async function startMetricsServer(conf: TPrometheusConf, ready: () => boolean = () => true): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === conf.Path) {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': registry.contentType })
          res.end(body)
        })
        .catch((err: Error) => {
          res.writeHead(500)
          res.end(err.message)
        })
      return
    }
    if (path === '/healthz') {
      const ok = ready()
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
      res.end(ok ? 'OK' : 'Service Unavailable')
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(conf.Port, conf.Host, () => resolve())
  })
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : conf.Port
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
