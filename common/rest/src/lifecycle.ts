/** Listening and graceful shutdown of a {@link RestApp}, and its place in a service group. */
import type { TRestConf } from '@looklook/conf'
import type { Service } from '@looklook/core'
import { connectionsClosed, markDraining, type RestApp } from './server.ts'

/**
 * How long a drain lets keep-alive clients go before it closes their connections: longer than the
 * gateway's upstream `keepalive_timeout` (4 s), so nginx closes an idle connection itself instead of
 * reusing one the server is closing that very moment (a reset that nginx cannot retry for a POST).
 */
export const DRAIN_GRACE_MS = 5000

/** Listens on `conf.Host:conf.Port` (0 picks a free port) and resolves to the bound port. */
export async function startRest(app: RestApp, conf: Pick<TRestConf, 'Host' | 'Port' | 'Name'>): Promise<number> {
  await app.listen({ host: conf.Host, port: conf.Port })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : conf.Port
  app.log.info({ name: conf.Name }, `Starting server at ${conf.Host}:${port}...`)
  return port
}

/**
 * Graceful stop: `/healthz` turns 503 and every answer carries `Connection: close`, so keep-alive
 * clients (the gateway's upstream pool) leave after their next request, or when their own idle timeout
 * closes the connection. Once every connection is gone, or after `graceMs`, the listener closes,
 * in-flight requests finish and what is still open is closed. Requests arriving meanwhile are served:
 * on Kubernetes the pod has left its Service by then, so they are the last of the pooled connections.
 */
export async function drain(app: RestApp, graceMs = DRAIN_GRACE_MS): Promise<void> {
  markDraining(app)
  await connectionsClosed(app, graceMs)
  await app.close()
}

/** The server as a service-group member: start listens, stop drains. */
export function restService(app: RestApp, conf: Pick<TRestConf, 'Host' | 'Port' | 'Name'>): Service {
  return {
    name: `rest ${conf.Name}`,
    start: async () => {
      await startRest(app, conf)
    },
    stop: () => drain(app),
  }
}
