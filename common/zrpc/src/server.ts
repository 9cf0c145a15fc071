import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import type { TRpcServerConf } from '@looklook/conf'
import { AdaptiveShedder } from '@looklook/core'
import { formatDuration, type Logger } from '@looklook/logx'
import { rpcServerCodeTotal, rpcServerDuration } from '@looklook/metrics'
import { CodeError } from '@looklook/xerr'
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { RpcStatusError, toServerStatus } from './errors.ts'
import { guardInt64 } from './int64.ts'
import { inboundDeadline, metadataGetter } from './propagation.ts'
import { serviceDefinition } from './proto.ts'
import type { RpcContext, RpcHandlers, RpcServiceShape } from './types.ts'

export interface RpcServerOptions {
  conf: TRpcServerConf
  logger: Logger
  /** How long `stop()` lets in-flight calls finish before cutting them off. Default 5000 ms. */
  shutdownTimeoutMs?: number
  /** Replaces the shedder built from `conf.CpuThreshold` (tests inject one with a fixed CPU reading). */
  shedder?: AdaptiveShedder
}

export interface RpcServer {
  /** Registers a service before `start()`; every method of the service needs a handler. */
  addService<S extends RpcServiceShape<S>>(proto: URL | string, serviceName: string, handlers: RpcHandlers<S>): void
  /** Binds `conf.ListenOn` and resolves with the bound port (useful with port 0). */
  start(): Promise<number>
  /** Graceful stop: refuses new calls, waits for in-flight ones up to `shutdownTimeoutMs`, then forces. */
  stop(): Promise<void>
}

type UnaryFn = (req: object, ctx: RpcContext) => Promise<object>

/** go-zero logs calls slower than this as slow calls. */
const SLOW_CALL_MS = 500

const tracer = trace.getTracer('looklook-zrpc')

function statusName(code: number): string {
  return status[code] ?? String(code)
}

/**
 * A gRPC server with go-zero's server interceptors built in: tracing (W3C context from metadata,
 * a server span named `pb.service/method`), an access log line per call, Prometheus metrics,
 * adaptive load shedding (RESOURCE_EXHAUSTED), a timeout (DEADLINE_EXCEEDED) and error mapping —
 * a `CodeError` crosses as FAILED_PRECONDITION plus its xerr code in the `x-err-code` trailer,
 * anything else is logged with its cause chain and sent as INTERNAL with a generic message.
 */
export function createRpcServer(opts: RpcServerOptions): RpcServer {
  const { conf, logger } = opts
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 5000
  // Channelz keeps per-call counters and trace events for an admin service this project does not run.
  const server = new Server({ 'grpc.enable_channelz': 0 })
  // go-zero turns shedding off with CpuThreshold 0.
  const shedder = opts.shedder ?? (conf.CpuThreshold > 0 ? new AdaptiveShedder({ cpuThreshold: conf.CpuThreshold }) : undefined)
  let started = false

  function unaryHandler(fullMethod: string, fn: UnaryFn) {
    const spanName = fullMethod.slice(1)
    const [service = '', method = ''] = spanName.split('/')
    const methodLogger = logger.child({ method: fullMethod })

    return (call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>): void => {
      const start = performance.now()
      const peer = call.getPeer()
      const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter)
      const span = tracer.startSpan(
        spanName,
        {
          kind: SpanKind.SERVER,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'network.peer.address': peer },
        },
        parent,
      )
      void context.with(trace.setSpan(parent, span), async () => {
        let code: status = status.OK
        let xerrCode: number | undefined
        let reason: string | undefined
        try {
          const resp = await invoke(fn, call, methodLogger, peer)
          callback(null, resp)
        } catch (err) {
          const s = toServerStatus(err)
          code = s.code
          if (err instanceof CodeError) {
            xerrCode = err.code
            reason = err.reason
          }
          report(err, methodLogger, peer)
          span.setStatus({ code: SpanStatusCode.ERROR, message: s.details })
          if (!(err instanceof CodeError) && !(err instanceof RpcStatusError))
            span.recordException(err instanceof Error ? err : String(err))
          callback(s)
        } finally {
          const ms = performance.now() - start
          rpcServerDuration.observe({ method: fullMethod }, ms)
          // go-zero labels codes with their number (strconv.Itoa(int(status.Code(err)))).
          rpcServerCodeTotal.inc({ method: fullMethod, code: String(code) })
          span.setAttribute('rpc.grpc.status_code', code)
          span.end()
          const slow = ms > SLOW_CALL_MS
          if (slow || methodLogger.isLevelEnabled('debug')) {
            const line = {
              duration: formatDuration(ms),
              peer,
              code: statusName(code),
              ...(xerrCode ? { xerrCode } : {}),
              ...(reason ? { reason } : {}),
            }
            if (slow) methodLogger.warn(line, `[RPC] slowcall - ${peer} - ${fullMethod}`)
            else methodLogger.debug(line, `${peer} - ${fullMethod}`)
          }
        }
      })
    }
  }

  async function invoke(fn: UnaryFn, call: ServerUnaryCall<object, object>, methodLogger: Logger, peer: string): Promise<object> {
    const admitted = shedder?.allow()
    if (shedder && !admitted) throw new RpcStatusError(status.RESOURCE_EXHAUSTED, 'service overloaded')

    const clientDeadline = call.getDeadline()
    const clientMs = clientDeadline instanceof Date ? clientDeadline.getTime() : clientDeadline
    const deadline = Math.min(Date.now() + conf.Timeout, clientMs)
    const controller = new AbortController()
    // The errors are made only when the call is cut off: capturing a stack on every call costs more
    // than the rest of this function.
    let cutOff: RpcStatusError | undefined
    let rejectCutOff!: (err: RpcStatusError) => void
    const aborted = new Promise<never>((_resolve, reject) => {
      rejectCutOff = reject
    })
    const cut = (code: status, message: string) => {
      cutOff = new RpcStatusError(code, message)
      controller.abort(cutOff)
      rejectCutOff(cutOff)
    }
    const timer = setTimeout(() => cut(status.DEADLINE_EXCEEDED, 'deadline exceeded'), Math.max(0, deadline - Date.now()))
    const onCancel = () => cut(status.CANCELLED, 'call cancelled by the client')
    call.once('cancelled', onCancel)
    const ctx: RpcContext = {
      logger: methodLogger,
      metadata: call.metadata,
      deadline: new Date(deadline),
      signal: controller.signal,
      peer,
    }
    try {
      // The handler keeps running after a timeout (it can watch ctx.signal); the caller gets its answer now.
      const resp = await inboundDeadline.run(deadline, () => Promise.race([fn(call.request, ctx), aborted]))
      admitted?.pass()
      return resp
    } catch (err) {
      // go-zero's shedder learns nothing from timed-out calls: they prove no capacity.
      if (err === cutOff && cutOff?.code === status.DEADLINE_EXCEEDED) admitted?.fail()
      else admitted?.pass()
      throw err
    } finally {
      clearTimeout(timer)
      call.off('cancelled', onCancel)
    }
  }

  function report(err: unknown, methodLogger: Logger, peer: string): void {
    if (err instanceof RpcStatusError) {
      methodLogger.warn({ peer, code: statusName(err.code) }, err.message)
    } else if (err instanceof CodeError) {
      // A business error is normal flow (the access line notes its code); one wrapping an internal cause
      // (DB, downstream rpc) is logged in full, since its detail never leaves the process.
      if (err.internal) methodLogger.error({ err, peer, xerrCode: err.code }, `business error with cause: ${err.message}`)
    } else {
      methodLogger.error({ err, peer }, 'rpc handler failed')
    }
  }

  return {
    addService(proto, serviceName, handlers) {
      if (started) throw new Error(`addService(${serviceName}) after start()`)
      const def = serviceDefinition(proto, serviceName)
      const provided = handlers as Record<string, unknown>
      const impl: UntypedServiceImplementation = {}
      for (const [name, method] of Object.entries(def)) {
        const fn = provided[name]
        if (typeof fn !== 'function') throw new Error(`${serviceName}: no handler for method ${name}`)
        impl[name] = unaryHandler(method.path, guardInt64(proto, method, fn as UnaryFn))
      }
      const extra = Object.keys(provided).filter((name) => !(name in def))
      if (extra.length > 0) throw new Error(`${serviceName}: handlers for unknown methods: ${extra.join(', ')}`)
      server.addService(def, impl)
    },

    start() {
      started = true
      return new Promise<number>((resolve, reject) => {
        server.bindAsync(conf.ListenOn, ServerCredentials.createInsecure(), (err, port) => {
          if (err) reject(new Error(`rpc server cannot listen on ${conf.ListenOn}: ${err.message}`, { cause: err }))
          else {
            logger.info({ listenOn: conf.ListenOn, port }, `rpc server ${conf.Name} listening`)
            resolve(port)
          }
        })
      })
    },

    stop() {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          logger.warn({ timeoutMs: shutdownTimeoutMs }, 'rpc server: in-flight calls still running, forcing shutdown')
          server.forceShutdown()
          resolve()
        }, shutdownTimeoutMs)
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      })
    },
  }
}
