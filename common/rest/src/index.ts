/**
 * The HTTP server framework of every api (go-zero `rest`): Fastify with TypeBox schemas, the
 * `{code,msg,data}` envelope, error mapping, identity from the gateway, resilience, access log,
 * metrics, tracing and the OpenAPI document. Routes return data; logic functions get {@link ctxOf} instead of Fastify types.
 */
export { ctxOf, type RequestCtx, userIdFrom } from './context.ts'
export { type CauseLink, causeChain, type MappedError, mapError, RequestTimeoutError, UnavailableMsg } from './errors.ts'
export { DRAIN_GRACE_MS, drain, restService, startRest } from './lifecycle.ts'
export { fenToYuan } from './money.ts'
export { OPENAPI_PATH, SECURITY_SCHEME } from './openapi.ts'
export { connectionsClosed, createRestServer, HEALTH_PATH, isDraining, markDraining, type RestApp, type RestOptions } from './server.ts'
