/**
 * The Fastify server factory, go-zero's `rest.MustNewServer` with its default handler chain:
 * tracing, access log, metrics, a connection cap, load shedding, a per-route breaker, a request
 * timeout, the `{code,msg,data}` envelope and one error mapper.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TRestConf } from '@looklook/conf'
import { AdaptiveShedder, type BreakerPromise, GoogleBreaker, type ShedderPromise } from '@looklook/core'
import { formatDuration, type Logger } from '@looklook/logx'
import { httpServerCodeTotal, httpServerDuration } from '@looklook/metrics'
import { CodeError, ErrCode, fail, ok } from '@looklook/xerr'
import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { Ajv, type Options as AjvOptions } from 'ajv'
import addFormats from 'ajv-formats'
import { type FastifyInstance, type FastifyRequest, type FastifySchema, fastify, LogController, type RawServerDefault } from 'fastify'
import { userIdFrom } from './context.ts'
import { causeChain, mapError, RETRY_AFTER_SECONDS, RequestTimeoutError, UnavailableMsg } from './errors.ts'
import { installOpenApi, OPENAPI_PATH } from './openapi.ts'

/** The app every api builds its routes on: Fastify with TypeBox types. */
export type RestApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>

export interface RestOptions {
  conf: TRestConf
  logger: Logger
  /** A further readiness condition for `/healthz`, e.g. the service group's. */
  ready?: () => boolean
  /** CPU usage in millicpu for the shedder; defaults to the sampled system usage (tests inject a saturated CPU). */
  cpuUsage?: () => number
}

/** Readiness route on the api port, answered outside the envelope and the resilience chain. */
export const HEALTH_PATH = '/healthz'

// go-zero logs requests slower than this as slowcall.
const SLOW_MS = 500
// nginx's "client closed request", the status go-zero records when the caller went away.
const CLIENT_CLOSED = 499

interface RequestState {
  start: number
  /** Route pattern; undefined for unknown routes, which get neither metrics nor spans. */
  route: string | undefined
  ctx: Context
  span: Span | undefined
  counted: boolean
  shed: ShedderPromise | null
  breaker: BreakerPromise | null
  /** The answer is an rpc breaker's drop: no evidence about the dependency, so the route breaker ignores it. */
  dropped: boolean
  done: boolean
}

interface Lifecycle {
  draining: boolean
  /** The open client connections, so a drain can wait for keep-alive clients to leave. */
  sockets: Set<Socket>
}

const states = new WeakMap<FastifyRequest, RequestState>()
const lifecycles = new WeakMap<object, Lifecycle>()
const TRACER_NAME = '@looklook/rest'

/** Builds the server without listening: `server.ts` of each api, and tests through `app.inject`. */
export function createRestServer(opts: RestOptions): RestApp {
  const { conf, logger } = opts
  const app: RestApp = fastify({
    loggerInstance: logger,
    // One access line per request is written below, in go-zero's shape.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: conf.MaxBytes,
    // Errors raised before routing (a malformed percent-encoding in the URL) get the envelope too.
    // The reply here is typed with unresolved route generics, hence the structural cast.
    frameworkErrors: (err, _request, reply) => answer(reply as Replier, 400, fail(ErrCode.REQUEST_PARAM_ERROR, err.message)),
    // Requests Node's HTTP parser refuses (an unknown method, a malformed line, oversized headers)
    // never reach Fastify; they get the envelope too, instead of Node's `{"error":"Bad Request"}`.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>()
  const life: Lifecycle = { draining: false, sockets: new Set() }
  lifecycles.set(app, life)
  app.server.on('connection', (socket: Socket) => {
    life.sockets.add(socket)
    socket.once('close', () => life.sockets.delete(socket))
  })

  // Declared up front so every request object has the same shape.
  app.decorateRequest('userId', 0)
  app.decorateRequest('rawBody', undefined)
  installValidation(app)
  installJsonParser(app)
  installOpenApi(app, { title: conf.Name, hidden: [HEALTH_PATH, OPENAPI_PATH] })

  const shedder =
    conf.CpuThreshold > 0
      ? new AdaptiveShedder({ cpuThreshold: conf.CpuThreshold, ...(opts.cpuUsage ? { cpuUsage: opts.cpuUsage } : {}) })
      : undefined
  const breakers = new Map<string, GoogleBreaker>()
  let active = 0

  app.addHook('onRoute', (route) => {
    if (route.url === HEALTH_PATH) return
    const raw = route.config?.raw === true
    if (!raw) route.schema = withEnvelopeSchemas(route.schema)
    const handler = route.handler
    route.handler = async function envelopeHandler(this: FastifyInstance, request, reply) {
      const ctx = states.get(request)?.ctx ?? context.active()
      // The span stays active for the whole handler, so rpc calls and logs made inside carry its trace.
      const result: unknown = await withTimeout(
        context.with(ctx, () => handler.call(this, request, reply)),
        conf.Timeout,
      )
      if (reply.sent || result === reply) return reply
      return raw ? result : ok(result)
    }
  })

  app.addHook('onRequest', async (request, reply) => {
    request.userId = userIdFrom(request.headers['x-user'])
    const pattern = request.routeOptions.url
    if (pattern === HEALTH_PATH) return
    const route = pattern === undefined || request.is404 ? undefined : pattern
    const state: RequestState = {
      start: performance.now(),
      route,
      ctx: ROOT_CONTEXT,
      span: undefined,
      counted: false,
      shed: null,
      breaker: null,
      dropped: false,
      done: false,
    }
    states.set(request, state)
    reply.raw.once('close', () => {
      // Without 'finish' the client went away before the answer; onResponse will not run.
      if (!reply.raw.writableFinished) finishRequest(request, CLIENT_CLOSED)
    })
    if (route === undefined) return

    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    // Looked up per request: a tracer taken at import time stays bound to a provider replaced later (tests re-init tracing).
    state.span = trace.getTracer(TRACER_NAME).startSpan(
      route,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0] ?? '' },
      },
      parent,
    )
    state.ctx = trace.setSpan(parent, state.span)

    if (active >= conf.MaxConns) return unavailable(reply, UnavailableMsg.maxConns)
    active++
    state.counted = true
    if (shedder) {
      state.shed = shedder.allow()
      if (!state.shed) return unavailable(reply, UnavailableMsg.shedding)
    }
    const key = `${request.method} ${route}`
    let breaker = breakers.get(key)
    if (!breaker) {
      breaker = new GoogleBreaker()
      breakers.set(key, breaker)
    }
    state.breaker = breaker.allow()
    if (!state.breaker) return unavailable(reply, UnavailableMsg.breaker)
  })

  app.addHook('preValidation', (request, _reply, done) => {
    // A POST without a body reads as `{}` (go-zero does the same), so a missing required field is a clear 100002.
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {}
    done()
  })

  app.addHook('onSend', (_request, reply, _payload, done) => {
    // Fastify's close() waits for every open connection; a keep-alive socket that just finished its
    // request would otherwise idle until the keep-alive timeout and stall the drain.
    if (life.draining) reply.header('connection', 'close')
    done()
  })

  app.addHook('onResponse', (request, reply, done) => {
    finishRequest(request, reply.statusCode)
    done()
  })

  function finishRequest(request: FastifyRequest, status: number): void {
    const state = states.get(request)
    if (!state || state.done) return
    state.done = true
    const ms = performance.now() - state.start
    if (state.counted) active--
    // go-zero: only a 503 tells the shedder the request failed; any 5xx counts against the breaker.
    if (status === 503) state.shed?.fail()
    else state.shed?.pass()
    if (state.dropped) {
      // Left unsettled: the rpc client's breaker already counted this outage, and counting its drops
      // here too would keep the route breaker open long after the dependency is back.
    } else if (status >= 500) state.breaker?.reject()
    else state.breaker?.accept()

    if (state.route !== undefined) {
      const labels = { path: state.route, method: request.method, code: String(status) }
      httpServerDuration.observe(labels, ms)
      httpServerCodeTotal.inc(labels)
    }
    if (state.span) {
      state.span.setAttribute('http.response.status_code', status)
      if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR })
      state.span.end()
    }
    context.with(state.ctx, () => accessLog(request, status, ms))
  }

  app.setErrorHandler((err, request, reply) => {
    const mapped = mapError(err, conf.MaxBytes)
    const state = states.get(request)
    context.with(state?.ctx ?? context.active(), () => {
      if (mapped.log === 'error') request.log.error({ err, causes: causeChain(err), code: mapped.body.code }, 'request failed')
      // The reason of a refusal is for operators only: the envelope stays go-zero's {code,msg}.
      else if (mapped.log === 'info') {
        const reason = err instanceof CodeError ? err.reason : undefined
        request.log.info({ code: mapped.body.code, msg: mapped.body.msg, ...(reason ? { reason } : {}) }, 'request rejected')
      }
    })
    if (mapped.log === 'error' && err instanceof Error) state?.span?.recordException(err)
    if (state && mapped.dropped) state.dropped = true
    if (mapped.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    return reply.code(mapped.status).send(mapped.body)
  })

  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '').slice(0, 200)
    return reply.code(404).send(fail(ErrCode.REQUEST_PARAM_ERROR, `route not found: ${request.method} ${path}`))
  })

  app.get(HEALTH_PATH, { config: { raw: true } }, async (_request, reply) => {
    const ready = !life.draining && (opts.ready?.() ?? true)
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'draining' })
  })

  // Generated on the first request (after ready, when every route is known) and cached by the plugin.
  app.get(OPENAPI_PATH, { config: { raw: true } }, async () => app.swagger())

  return app
}

/** Whether the server still accepts work (false once draining began). */
export function isDraining(app: RestApp): boolean {
  return lifecycles.get(app)?.draining ?? false
}

/**
 * Resolves when every client connection of the server has closed, or after `ms`, whichever comes first:
 * true when none is left open.
 */
export function connectionsClosed(app: RestApp, ms: number): Promise<boolean> {
  const sockets = lifecycles.get(app)?.sockets ?? new Set<Socket>()
  if (sockets.size === 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    const onClose = () => {
      if (sockets.size === 0) done()
    }
    for (const s of sockets) s.once('close', onClose)
    function done() {
      clearTimeout(timer)
      for (const s of sockets) s.off('close', onClose)
      resolve(sockets.size === 0)
    }
  })
}

/** Marks the server not ready for `/healthz`; {@link drain} does this first. */
export function markDraining(app: RestApp): void {
  const life = lifecycles.get(app)
  if (life) life.draining = true
}

interface Replier {
  code(status: number): { send(body: unknown): unknown }
  header(name: string, value: string): unknown
}

function answer(reply: Replier, status: number, body: unknown): unknown {
  return reply.code(status).send(body)
}

/** The framework's own 503s (connection cap, shedder, breaker), with a hint when to retry. */
function unavailable(reply: Replier, msg: string): unknown {
  reply.header('retry-after', String(RETRY_AFTER_SECONDS))
  return answer(reply, 503, fail(ErrCode.SERVER_COMMON_ERROR, msg))
}

const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
}

function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const [status, reason] = CLIENT_ERROR_STATUS[err.code ?? ''] ?? [400, 'Bad Request']
  // A socket reset by the peer has nobody left to answer.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const body = JSON.stringify(fail(ErrCode.REQUEST_PARAM_ERROR, status === 400 ? 'malformed HTTP request' : reason.toLowerCase()))
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/** Writes go-zero's access line: `[HTTP] 200 - POST /path - 1.2.3.4 - UA`, with its duration. */
function accessLog(request: FastifyRequest, status: number, ms: number): void {
  const forwarded = request.headers['x-forwarded-for']
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  const addr = first || request.socket.remoteAddress || '-'
  const ua = request.headers['user-agent'] ?? '-'
  const content = `[HTTP] ${status} - ${request.method} ${request.url} - ${addr} - ${ua}`
  const fields = { duration: formatDuration(ms) }
  if (status >= 500) request.log.error(fields, content)
  else if (ms > SLOW_MS) request.log.warn(fields, `${content} - slowcall(${formatDuration(ms)})`)
  else request.log.info(fields, content)
}

function withTimeout<T>(work: T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RequestTimeoutError(ms)), ms)
  })
  // The handler keeps running after a timeout (JS cannot cancel it); its late result is ignored.
  return Promise.race([Promise.resolve(work), timeout]).finally(() => clearTimeout(timer))
}

/** Wraps 2xx response schemas in the envelope, so serialization and the OpenAPI document match the wire. */
function withEnvelopeSchemas(schema: FastifySchema | undefined): FastifySchema | undefined {
  const response = schema?.response as Record<string, unknown> | undefined
  if (!schema || !response) return schema
  const wrapped: Record<string, unknown> = { ...response }
  for (const key of ['200', '2xx']) {
    const data = response[key]
    if (data === undefined) continue
    wrapped[key] = {
      type: 'object',
      properties: { code: { type: 'integer' }, msg: { type: 'string' }, data },
      required: ['code', 'msg'],
    }
  }
  return { ...schema, response: wrapped }
}

function installValidation(app: RestApp): void {
  const shared: AjvOptions = { useDefaults: true, allErrors: false }
  // JSON bodies carry real types: "1" where a number belongs is a 100002, not something to coerce.
  // Unknown body fields are dropped, whatever the schema says about additionalProperties.
  const bodyAjv = new Ajv({ ...shared, coerceTypes: false, removeAdditional: 'all' })
  // Query strings, params and headers only ever hold strings, so coercion is how they become numbers;
  // stripping there would delete the request's other headers.
  const textAjv = new Ajv({ ...shared, coerceTypes: 'array', removeAdditional: true })
  addFormats.default(bodyAjv)
  addFormats.default(textAjv)
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema))
}

function installJsonParser(app: RestApp): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (request.routeOptions.config.raw) request.rawBody = text
    if (text.trim() === '') {
      done(null, {})
      return
    }
    parseJson(request, text, done)
  })
}
