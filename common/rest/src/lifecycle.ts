/** Listening and graceful shutdown of a {@link RestApp}, and its place in a service group. */
import type { TRestConf } from '@looklook/conf'
import type { Service } from '@looklook/core'
import { markDraining, type RestApp } from './server.ts'

/** Listens on `conf.Host:conf.Port` (0 picks a free port) and resolves to the bound port. */
export async function startRest(app: RestApp, conf: Pick<TRestConf, 'Host' | 'Port' | 'Name'>): Promise<number> {
  await app.listen({ host: conf.Host, port: conf.Port })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : conf.Port
  app.log.info({ name: conf.Name }, `Starting server at ${conf.Host}:${port}...`)
  return port
}

/**
 * Graceful stop: `/healthz` turns 503, the listener closes, in-flight requests finish (new ones
 * on open keep-alive connections get 503 with `Connection: close`), idle connections are closed.
 */
export async function drain(app: RestApp): Promise<void> {
  markDraining(app)
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
