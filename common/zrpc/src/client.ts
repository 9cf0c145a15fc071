import { type ChannelOptions, Client, credentials, experimental, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import type { TRpcClientConf } from '@looklook/conf'
import { GoogleBreaker, type GoogleBreakerOptions } from '@looklook/core'
import { formatDuration, type Logger } from '@looklook/logx'
import { rpcClientCodeTotal, rpcClientDuration } from '@looklook/metrics'
import { CodeError, ErrCode } from '@looklook/xerr'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { BUSINESS_ERROR_STATUS, fromServiceError, isBreakerFailure, unavailable } from './errors.ts'
import { inboundDeadline, metadataSetter } from './propagation.ts'
import { serviceDefinition } from './proto.ts'
import type { RpcCallOptions, RpcClient, RpcServiceShape } from './types.ts'

export interface RpcClientOptions {
  /** Options of the per-method breakers (tests shorten the window). */
  breaker?: Omit<GoogleBreakerOptions, 'now' | 'random'>
}

const DEFAULT_TIMEOUT_MS = 2000
const SLOW_CALL_MS = 500
const DIRECT_SCHEME = 'direct'

const tracer = trace.getTracer('looklook-zrpc')

/**
 * Resolves `direct:///host1:port,host2:port` to those endpoints as written, like go-zero's direct
 * resolver: hostnames are looked up when each subchannel connects. grpc-js's own `ipv4:`/`ipv6:`
 * schemes take IP literals only, and `dns:` takes a single name.
 */
class DirectResolver implements experimental.Resolver {
  readonly #listener: experimental.ResolverListener
  readonly #result: experimental.StatusOr<experimental.Endpoint[]>
  #reported = false

  constructor(target: experimental.GrpcUri, listener: experimental.ResolverListener) {
    this.#listener = listener
    const endpoints: experimental.Endpoint[] = []
    for (const part of target.path.split(',')) {
      const hp = experimental.splitHostPort(part.trim())
      if (!hp || hp.port === undefined) {
        this.#result = experimental.statusOrFromError({ code: status.UNAVAILABLE, details: `bad endpoint "${part}" (want host:port)` })
        return
      }
      endpoints.push({ addresses: [{ host: hp.host, port: hp.port }] })
    }
    this.#result = experimental.statusOrFromValue(endpoints)
  }

  updateResolution(): void {
    // A static list: report it once per (re)start, asynchronously as the Resolver contract requires.
    if (this.#reported) return
    this.#reported = true
    process.nextTick(() => this.#listener(this.#result, {}, null, ''))
  }

  destroy(): void {
    this.#reported = false
  }

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return target.path.split(',')[0]?.trim() ?? ''
  }
}

let directRegistered = false

/** The grpc target of a client conf: `Target` as given, one endpoint as is, several through the direct resolver. */
export function targetOf(conf: TRpcClientConf): string {
  if (conf.Target) return conf.Target
  const endpoints = conf.Endpoints ?? []
  if (endpoints.length === 0) throw new Error('rpc client conf needs Endpoints or Target')
  if (endpoints.length === 1) return endpoints[0]!
  if (!directRegistered) {
    experimental.registerResolver(DIRECT_SCHEME, DirectResolver)
    directRegistered = true
  }
  return `${DIRECT_SCHEME}:///${endpoints.join(',')}`
}

const CHANNEL_OPTIONS: ChannelOptions = {
  // Spread calls over every resolved address (Endpoints list, or all A records of a k8s headless service).
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  // grpc's reconnect backoff grows to 120 s; a client started before its server, or cut off by a
  // restart, would then notice the server minutes late. Capped at 1 s, a server that is back is
  // reached within a second (one connect attempt per second to a dead address costs next to nothing).
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 1000,
  // Channelz keeps per-call counters and trace events for an admin service this project does not run.
  'grpc.enable_channelz': 0,
  'grpc.keepalive_time_ms': 20_000,
  'grpc.keepalive_timeout_ms': 5000,
}

interface MethodDef {
  path: string
  requestSerialize: (value: object) => Buffer
  responseDeserialize: (value: Buffer) => object
}

/**
 * A typed gRPC client, go-zero zrpc style. Construction never blocks: with `NonBlock` (the
 * default, as in go-zero) a call while the server is unreachable fails fast with UNAVAILABLE
 * (mapped to `CodeError(100001)`), and the channel keeps reconnecting in the background, so calls
 * succeed once the server appears. With `NonBlock: false` each call instead waits for the
 * connection until its deadline (gRPC wait-for-ready).
 *
 * Every call has a deadline (`Timeout`, default 2000 ms, never later than the deadline of the
 * server call it is made from), carries W3C trace context in its metadata under a client span,
 * is measured (`rpc_client_requests_*`) and passes a Google SRE breaker kept per method. Errors are
 * always `CodeError`s: a business error keeps its xerr code and message; anything else becomes
 * 100001 with the gRPC error as `cause` (see `grpcStatusOf`). A call dropped by the breaker fails
 * with 100001 whose cause is an UNAVAILABLE error "circuit breaker is open".
 */
export function createRpcClient<S extends RpcServiceShape<S>>(
  proto: URL | string,
  serviceName: string,
  conf: TRpcClientConf,
  logger: Logger,
  opts: RpcClientOptions = {},
): RpcClient<S> {
  const def = serviceDefinition(proto, serviceName)
  const target = targetOf(conf)
  const client = new Client(target, credentials.createInsecure(), CHANNEL_OPTIONS)
  const timeoutMs = conf.Timeout ?? DEFAULT_TIMEOUT_MS
  const waitForReady = conf.NonBlock === false
  const log = logger.child({ rpc: serviceName, target })

  function call(m: MethodDef, req: object, callOpts: RpcCallOptions, metadata: Metadata): Promise<object> {
    const deadline = Math.min(Date.now() + (callOpts.timeoutMs ?? timeoutMs), inboundDeadline.getStore() ?? Number.POSITIVE_INFINITY)
    return new Promise<object>((resolve, reject) => {
      // grpc-js captures the caller's stack on every call (an Error made up front, used only to extend
      // a failed call's stack trace). Failures become CodeErrors here and never show that trace, and
      // capturing it was one of the largest single costs of a call: it is made without frames.
      const stackTraceLimit = Error.stackTraceLimit
      Error.stackTraceLimit = 0
      try {
        client.makeUnaryRequest(
          m.path,
          m.requestSerialize,
          m.responseDeserialize,
          req,
          metadata,
          { deadline },
          (err: ServiceError | null, resp?: object) => {
            if (err) reject(err)
            else resolve(resp ?? {})
          },
        )
      } finally {
        Error.stackTraceLimit = stackTraceLimit
      }
    })
  }

  function method(m: MethodDef) {
    const spanName = m.path.slice(1)
    const [service = '', methodName = ''] = spanName.split('/')
    const breaker = new GoogleBreaker(opts.breaker)

    return async (req: object, callOpts: RpcCallOptions = {}): Promise<object> => {
      const start = performance.now()
      const span = tracer.startSpan(spanName, {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': methodName },
      })
      const ctx = trace.setSpan(context.active(), span)
      // Wait-for-ready is a per-call flag that grpc-js carries on the metadata.
      const metadata = new Metadata(waitForReady ? { waitForReady: true } : undefined)
      if (callOpts.metadata) for (const [k, v] of Object.entries(callOpts.metadata)) metadata.set(k, v)
      propagation.inject(ctx, metadata, metadataSetter)

      let code: number = status.OK
      try {
        const promise = breaker.allow()
        if (!promise) {
          code = status.UNAVAILABLE
          throw new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: unavailable('circuit breaker is open'), dropped: true })
        }
        try {
          const resp = await context.with(ctx, () => call(m, req, callOpts, metadata))
          promise.accept()
          return resp
        } catch (err) {
          const grpcCode = (err as Partial<ServiceError>).code
          code = typeof grpcCode === 'number' ? grpcCode : status.UNKNOWN
          if (isBreakerFailure(code)) promise.reject()
          else promise.accept()
          throw fromServiceError(err)
        }
      } catch (err) {
        const mapped = err as CodeError
        span.setStatus({ code: SpanStatusCode.ERROR, message: mapped.message })
        // Business errors are the caller's to handle; only failures of the call itself are logged here.
        if (code !== BUSINESS_ERROR_STATUS)
          log.error({ method: m.path, err: mapped, duration: formatDuration(performance.now() - start) }, `fail - ${m.path}`)
        throw err
      } finally {
        const ms = performance.now() - start
        rpcClientDuration.observe({ method: m.path }, ms)
        rpcClientCodeTotal.inc({ method: m.path, code: String(code) })
        span.setAttribute('rpc.grpc.status_code', code)
        span.end()
        if (ms > SLOW_CALL_MS) log.warn({ method: m.path, duration: formatDuration(ms) }, `[RPC] slowcall - ${m.path}`)
      }
    }
  }

  const out: Record<string, unknown> = {
    close: () => client.close(),
  }
  for (const [name, m] of Object.entries(def)) {
    if (name === 'close') throw new Error(`${serviceName}: a method named "close" would shadow RpcClient.close()`)
    out[name] = method(m as MethodDef)
  }
  return out as RpcClient<S>
}
