/**
 * The WeChat sandbox as an HTTP server, built without listening (main.ts listens; tests start it
 * on port 0). Mounted at the root path, as v3 signatures cover the path (doc/wechat.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLogger, type Logger } from '@looklook/logx'
import type { SandboxConf } from './config.ts'
import { driverError, json, type Route, type SandboxContext, type SandboxRequest, type SandboxResponse } from './http.ts'
import { ensureKeys, type SandboxKeys } from './keys.ts'
import { createMini } from './mini.ts'
import { createPay } from './pay.ts'

export { loadSandboxConf, type SandboxConf } from './config.ts'
export { KEY_FILES, type SandboxKeys } from './keys.ts'

const MAX_BODY_BYTES = 1024 * 1024

export interface Sandbox {
  server: Server
  keys: SandboxKeys
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:8960`. */
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** What a service config needs, for `GET /sandbox/keys`. */
function keysView(conf: SandboxConf, keys: SandboxKeys) {
  return {
    appId: conf.AppId,
    appSecret: conf.AppSecret,
    mchId: conf.MchId,
    signMode: conf.SignMode,
    dir: keys.dir,
    apiV3KeyPath: keys.paths.apiV3Key,
    merchant: {
      privateKeyPath: keys.paths.merchantKey,
      certificatePath: keys.paths.merchantCert,
      serialNoPath: keys.paths.merchantSerial,
      serialNo: keys.merchant.serialNo,
    },
    platform: {
      certificatePath: keys.paths.platformCert,
      serialNoPath: keys.paths.platformSerial,
      serialNo: keys.platformCert.serialNo,
      publicKeyPath: keys.paths.publicKey,
      publicKeyIdPath: keys.paths.publicKeyId,
      publicKeyId: keys.publicKey.id,
    },
  }
}

function onPath(route: Route, path: string): boolean {
  return typeof route.path === 'string' ? route.path === path : route.path.test(path)
}

/** Builds the sandbox for a loaded key set. */
export function createSandbox(conf: SandboxConf, keys: SandboxKeys, opts: { log?: Logger; now?: () => number } = {}): Sandbox {
  const log = opts.log ?? createLogger({ service: conf.Name, level: conf.Log?.Level })
  const ctx: SandboxContext = { conf, keys, log, now: opts.now ?? Date.now }
  const mini = createMini(ctx)
  const routes: Route[] = [
    { method: 'GET', path: '/healthz', handler: () => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' }) },
    { method: 'GET', path: '/sandbox/keys', handler: () => json(200, keysView(conf, keys)) },
    ...mini.routes,
    ...createPay(ctx, mini.isOurOpenid).routes,
  ]

  async function handle(req: IncomingMessage): Promise<SandboxResponse> {
    const rawPath = req.url ?? '/'
    const url = new URL(rawPath, 'http://sandbox.invalid')
    const method = req.method ?? 'GET'
    const candidates = routes.filter((r) => onPath(r, url.pathname))
    const route = candidates.find((r) => r.method === method)
    if (!route) {
      return candidates.length > 0
        ? driverError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}`)
        : driverError(404, 'NOT_FOUND', `no such API: ${url.pathname}`)
    }
    let body: string
    try {
      body = await readBody(req)
    } catch (err) {
      if (err instanceof BodyTooLarge) return driverError(413, 'PARAM_ERROR', 'body exceeds 1 MiB')
      throw err
    }
    const sreq: SandboxRequest = { method, url, rawPath, headers: req.headers, body }
    return route.handler(sreq)
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    let out: SandboxResponse
    try {
      out = await handle(req)
    } catch (err) {
      log.error({ err, path: req.url?.split('?')[0] }, 'sandbox handler failed')
      out = driverError(500, 'SYSTEM_ERROR', 'sandbox internal error')
    }
    res.writeHead(out.status, out.headers)
    res.end(out.body ?? '')
    // Queries carry secrets and access tokens, so only the path is logged.
    log.info(
      { method: req.method, path: req.url?.split('?')[0], code: out.status, duration: `${(performance.now() - started).toFixed(1)}ms` },
      'request',
    )
  }

  const server = createServer((req, res) => {
    void serve(req, res)
  })

  return {
    server,
    keys,
    listen(port = conf.Port, host = conf.Host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          const addr = server.address() as AddressInfo
          resolve(`http://${host}:${addr.port}`)
        })
      })
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
    },
  }
}

/** Loads (or generates) the keys for `conf` and starts the sandbox; tests pass `port: 0`. */
export async function startSandbox(
  conf: SandboxConf,
  opts: { port?: number; log?: Logger; now?: () => number } = {},
): Promise<Sandbox & { baseUrl: string }> {
  const keys = await ensureKeys(conf.KeyDir, { mchId: conf.MchId, apiV3Key: conf.ApiV3Key })
  const sandbox = createSandbox(conf, keys, opts)
  const baseUrl = await sandbox.listen(opts.port ?? conf.Port)
  return { ...sandbox, baseUrl }
}
