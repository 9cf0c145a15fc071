/** Starts sandboxes on port 0 with a temporary key directory, and builds clients the way services will. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger } from '@looklook/logx'
import { readWechatPayKeyFiles, WechatPayClient, type WechatPayConf } from '@looklook/wechat'
import { loadSandboxConf, type SandboxConf, type SandboxKeys, startSandbox } from '../src/server.ts'

export interface TestSandbox {
  baseUrl: string
  conf: SandboxConf
  keys: SandboxKeys
  close(): Promise<void>
}

/** A sandbox from the real etc/wechat-sandbox.yaml, keys under `dataDir` (a fresh temp dir unless given). */
export async function startTestSandbox(opts: { dataDir?: string; overrides?: Partial<SandboxConf> } = {}): Promise<TestSandbox> {
  const own = opts.dataDir === undefined
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'wechat-sandbox-'))
  const conf = { ...loadSandboxConf({ LOOKLOOK_DATA: dataDir }), ...opts.overrides }
  const sb = await startSandbox(conf, { port: 0, log: createLogger({ service: 'wechat-sandbox-test', level: 'silent' }) })
  return {
    baseUrl: sb.baseUrl,
    conf,
    keys: sb.keys,
    async close() {
      await sb.close()
      if (own) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A Pay client configured from the key files, as payment-api does; `mode` picks which WeChat keys it trusts. */
export function payClient(
  sb: TestSandbox,
  opts: { mode?: 'publickey' | 'certificate'; baseUrl?: string; extra?: Partial<WechatPayConf> } = {},
) {
  const p = sb.keys.paths
  const files = readWechatPayKeyFiles({
    privateKeyPath: p.merchantKey,
    serialNoPath: p.merchantSerial,
    apiV3KeyPath: p.apiV3Key,
    ...(opts.mode === 'certificate'
      ? { platformCertificatePaths: [p.platformCert] }
      : { publicKeyPath: p.publicKey, publicKeyIdPath: p.publicKeyId }),
  })
  return new WechatPayClient({ baseUrl: opts.baseUrl ?? sb.baseUrl, mchId: sb.conf.MchId, appId: sb.conf.AppId, ...files, ...opts.extra })
}

export function miniConf(sb: TestSandbox) {
  return { baseUrl: sb.baseUrl, appId: sb.conf.AppId, secret: sb.conf.AppSecret }
}

export function readKey(path: string): string {
  return readFileSync(path, 'utf8')
}

export async function postJson<T = Record<string, unknown>>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as T }
}

/** A login through the driving API: `{code, iv, encryptedData, openid}`. */
export async function sandboxLogin(sb: TestSandbox, nickName: string) {
  const res = await postJson<{ code: string; iv: string; encryptedData: string; openid: string }>(`${sb.baseUrl}/sandbox/login`, {
    nickName,
  })
  if (res.status !== 200) throw new Error(`sandbox login failed: ${res.status}`)
  return res.body
}

export interface Received {
  headers: IncomingHttpHeaders
  body: string
}

/** A merchant notify endpoint on 127.0.0.1:0 that records every POST and answers with `reply()`. */
export async function startNotifyServer(reply: () => { status: number; body?: string } = () => ({ status: 204 })) {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      const r = reply()
      res.writeHead(r.status, r.body ? { 'Content-Type': 'application/json' } : {})
      res.end(r.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/payment/thirdPaymentWxPayCallback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

let seq = 0
/** A unique out_trade_no per call, so tests never collide in a shared sandbox. */
export function outTradeNo(): string {
  seq += 1
  return `PMT${Date.now()}${process.pid}${seq}`.slice(0, 32)
}
