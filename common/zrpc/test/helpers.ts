import { setTimeout as sleep } from 'node:timers/promises'
import type { TRpcClientConf } from '@looklook/conf'
import type { AdaptiveShedder } from '@looklook/core'
import { memoryLogger as memoryLoggerOf } from '@looklook/testkit'
import { CodeError } from '@looklook/xerr'
import { trace } from '@opentelemetry/api'
import { createRpcClient, createRpcServer, type RpcClient, type RpcClientOptions, type RpcServer } from '../src/index.ts'
import { type EchoResp, type EchoService, echoServiceName, zrpctestProto } from './gen/zrpctest.ts'

export const memoryLogger = () => memoryLoggerOf('zrpc-test')

export interface EchoServer {
  server: RpcServer
  port: number
  /** Calls that reached the `echo` handler. */
  hits: { count: number }
  /** Set to make every `echo` call fail with a plain error (→ INTERNAL). */
  state: { failing: boolean }
  /** `signal.aborted` of the last handler context after it finished waiting. */
  aborted: boolean[]
  lines: () => Record<string, unknown>[]
}

export interface EchoServerOptions {
  port?: number
  timeoutMs?: number
  shedder?: AdaptiveShedder
  /** Client used by the `nested` mode to call back into a server. */
  nested?: () => RpcClient<EchoService>
}

/** Starts the test service on 127.0.0.1 (port 0 unless given). */
export async function startEchoServer(opts: EchoServerOptions = {}): Promise<EchoServer> {
  const { logger, lines } = memoryLogger()
  const server = createRpcServer({
    conf: { Name: 'echo-rpc', ListenOn: `127.0.0.1:${opts.port ?? 0}`, Timeout: opts.timeoutMs ?? 2000, CpuThreshold: 900 },
    logger,
    shedder: opts.shedder,
    shutdownTimeoutMs: 2000,
  })
  const hits = { count: 0 }
  const state = { failing: false }
  const aborted: boolean[] = []
  server.addService<EchoService>(zrpctestProto, echoServiceName, {
    async echo(req, ctx) {
      hits.count++
      if (state.failing) throw new Error('connect ECONNREFUSED 10.0.0.7:3306 while running SELECT secret_column FROM user')
      ctx.logger.info({ text: req.text }, 'echo handler')
      if (req.delayMs > 0) {
        await sleep(req.delayMs, undefined, { signal: ctx.signal }).catch(() => undefined)
        aborted.push(ctx.signal.aborted)
      }
      if (req.mode === 'code-error') throw new CodeError(req.xerrCode, req.text)
      if (req.mode === 'plain-error') throw new Error(req.text)
      if (req.mode === 'nested') {
        // Calls the slow path with a generous own timeout; the inbound deadline must cut it short.
        const inner = opts.nested?.()
        if (!inner) throw new Error('nested client missing')
        return inner.echo({ text: 'inner', mode: 'ok', delayMs: 5000, xerrCode: 0, full: false }, { timeoutMs: 10_000 })
      }
      const resp: Partial<EchoResp> = {
        text: req.text,
        traceparent: String(ctx.metadata.get('traceparent')[0] ?? ''),
        traceId: trace.getActiveSpan()?.spanContext().traceId ?? '',
        xUser: String(ctx.metadata.get('x-user')[0] ?? ''),
      }
      if (req.full) {
        Object.assign(resp, {
          big: 2 ** 40 + 7,
          inner: { value: 'in' },
          items: [{ value: 'a' }, { value: 'b' }],
          labels: { color: 'red' },
          kind: 'KIND_A',
          blob: Buffer.from([1, 2, 3]),
          number: 42,
          note: 'noted',
          ids: [1, 2 ** 35],
        })
      }
      // Unset fields are filled by the loader's defaults on the client side; the handler may omit them.
      return resp as EchoResp
    },
    async ping() {
      return {}
    },
  })
  const port = await server.start()
  return { server, port, hits, state, aborted, lines }
}

export function clientConf(endpoints: string[], timeoutMs = 2000): TRpcClientConf {
  return { Endpoints: endpoints, Timeout: timeoutMs, NonBlock: true }
}

export function echoClient(port: number, opts: RpcClientOptions = {}, timeoutMs = 2000): RpcClient<EchoService> {
  return createRpcClient<EchoService>(
    zrpctestProto,
    echoServiceName,
    clientConf([`127.0.0.1:${port}`], timeoutMs),
    memoryLogger().logger,
    opts,
  )
}

/** A port that was free a moment ago (bound with port 0, then released). */
export async function freePort(): Promise<number> {
  const probe = createRpcServer({
    conf: { Name: 'probe', ListenOn: '127.0.0.1:0', Timeout: 1000, CpuThreshold: 0 },
    logger: memoryLogger().logger,
  })
  const port = await probe.start()
  await probe.stop()
  return port
}

/** Rejection of a promise, failing the test if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected the call to fail')
}
