/**
 * The API docs process, built without listening (main.ts listens; tests start it on port 0):
 *   GET /                        index of every api, with links
 *   GET /ui/                     Swagger UI over every document (`?api=<name>` opens one)
 *   GET /apis/<name>/openapi.json  an api's document, gateway view (fetched from the api on each request)
 *   GET /openapi.json            every gateway view merged: the whole gateway in one document
 *   ANY /gateway/*               "Try it out" requests, forwarded to the gateway
 *   GET /swagger-ui/<file>       Swagger UI's files, from the swagger-ui-dist package
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import type { Logger } from '@looklook/logx'
import { fastify, LogController } from 'fastify'
import type { OpenAPIV3_1 } from 'openapi-types'
import type { ApiDocsConf } from './config.ts'
import { type GatewayView, gatewayView, mergeViews } from './gateway-view.ts'
import { type ApiEntry, ASSETS, indexPage, PROXY, uiPage } from './page.ts'
import { type ApiSource, discoverApis, type GatewayRules, readGatewayRules } from './sources.ts'

export { type ApiDocsConf, loadApiDocsConf } from './config.ts'

const ASSET_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const ASSET_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
}
// Request headers "Try it out" may carry to the gateway; hop-by-hop and browser-only headers stay here.
const FORWARDED_HEADERS = ['accept', 'authorization', 'content-type', 'traceparent']
const MAX_BODY_BYTES = 1024 * 1024

export interface ApiDocs {
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:8970`. */
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
}

interface Fetched {
  source: ApiSource
  view?: GatewayView
  error?: string
}

export function createApiDocs(conf: ApiDocsConf, opts: { log: Logger; env?: NodeJS.ProcessEnv }): ApiDocs {
  const env = opts.env ?? process.env
  const app = fastify({
    loggerInstance: opts.log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
  })
  const gatewayUrl = conf.Gateway.Url.replace(/\/$/, '')

  /** One api's document in its gateway view; an api that is down is reported, not fatal. */
  async function fetchView(source: ApiSource, rules: GatewayRules): Promise<Fetched> {
    try {
      const res = await fetch(source.url, { signal: AbortSignal.timeout(conf.FetchTimeoutMs) })
      if (!res.ok) return { source, error: `HTTP ${res.status} from ${source.url}` }
      return { source, view: gatewayView((await res.json()) as OpenAPIV3_1.Document, rules, gatewayUrl) }
    } catch (err) {
      return { source, error: `${source.url}: ${(err as Error).message}` }
    }
  }

  /** Every api's document, fetched in parallel. */
  async function fetchAll(): Promise<Fetched[]> {
    const [sources, rules] = await Promise.all([discoverApis(conf, env), readGatewayRules(conf, env)])
    return Promise.all(sources.map((source) => fetchView(source, rules)))
  }

  app.get('/', async (_request, reply) => {
    const entries: ApiEntry[] = (await fetchAll()).map(({ source, view, error }) => ({
      name: source.name,
      sourceUrl: source.url,
      ...(error !== undefined ? { error } : {}),
      total: view?.total ?? 0,
      routed: view?.routed ?? 0,
      internal: view?.internal ?? [],
    }))
    return reply.type('text/html; charset=utf-8').send(indexPage(entries, gatewayUrl))
  })

  app.get('/ui/', async (_request, reply) => {
    const sources = await discoverApis(conf, env)
    const urls = [
      { name: 'all apis (gateway)', url: '../openapi.json' },
      ...sources.map((s) => ({ name: s.name, url: `../apis/${encodeURIComponent(s.name)}/openapi.json` })),
    ]
    return reply.type('text/html; charset=utf-8').send(uiPage(urls, gatewayUrl))
  })
  app.get('/ui', (_request, reply) => reply.redirect('ui/'))

  app.get<{ Params: { name: string } }>('/apis/:name/openapi.json', async (request, reply) => {
    const source = (await discoverApis(conf, env)).find((s) => s.name === request.params.name)
    if (!source) return reply.code(404).send({ error: `no api named ${request.params.name}` })
    const found = await fetchView(source, await readGatewayRules(conf, env))
    if (!found.view) return reply.code(502).send({ error: found.error })
    return found.view.doc
  })

  app.get('/openapi.json', async () => {
    const views = (await fetchAll()).flatMap((f) => (f.view ? [f.view.doc] : []))
    return mergeViews(views, gatewayUrl)
  })

  app.get<{ Params: { file: string } }>(`${ASSETS}/:file`, async (request, reply) => {
    const { file } = request.params
    const type = ASSET_TYPES[file.slice(file.lastIndexOf('.'))]
    // Plain file names only: nothing outside the package directory can be named.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file) || type === undefined) return reply.code(404).send({ error: 'not found' })
    try {
      return reply
        .type(type)
        .header('cache-control', 'public, max-age=3600')
        .send(await readFile(join(ASSET_DIR, file)))
    } catch {
      return reply.code(404).send({ error: 'not found' })
    }
  })

  app.get('/healthz', async () => ({ status: 'ok' }))

  app.register(async (proxy) => {
    // Bodies pass through untouched, whatever their type (the payment callback is signed over its exact bytes).
    proxy.removeAllContentTypeParsers()
    proxy.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    proxy.all(`${PROXY}/*`, async (request, reply) => {
      const headers: Record<string, string> = {}
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      const target = gatewayUrl + request.url.slice(PROXY.length)
      const body = Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : undefined
      try {
        const res = await fetch(target, { method: request.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(30_000) })
        reply.code(res.status)
        const type = res.headers.get('content-type')
        if (type) reply.type(type)
        return reply.send(Buffer.from(await res.arrayBuffer()))
      } catch (err) {
        request.log.warn({ err, target }, 'gateway unreachable')
        return reply.code(502).send({ code: 100001, msg: `gateway unreachable: ${(err as Error).message}` })
      }
    })
  })

  return {
    async listen(port = conf.Port, host = conf.Host) {
      await app.listen({ port, host })
      const addr = app.server.address() as AddressInfo
      return `http://${host}:${addr.port}`
    },
    close: () => app.close(),
  }
}
