import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { HEALTH_PATH, OPENAPI_PATH, SECURITY_SCHEME } from '../src/index.ts'
import { operationNames } from '../src/openapi.ts'
import { testServer } from './helpers.ts'

interface Operation {
  operationId?: string
  tags?: string[]
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>
}
interface JsonSchema {
  type?: string
  required?: string[]
  properties?: Record<string, JsonSchema>
  pattern?: string
}
interface Document extends Record<string, unknown> {
  openapi: string
  info: { title: string; version: string }
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, { type: string; scheme: string }> }
  security: Record<string, string[]>[]
}

/**
 * Records every route Fastify registers, from a hook added the moment the instance exists (Fastify
 * publishes each new instance on this channel), so the list is Fastify's own, not the plugin's.
 */
function recordRoutes(): { routes: string[]; stop(): void } {
  const routes: string[] = []
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`)
    })
  }
  subscribe('fastify.initialization', onInit)
  return { routes, stop: () => unsubscribe('fastify.initialization', onInit) }
}

const Credentials = Type.Object({ mobile: Type.String({ pattern: '^1[0-9]{10}$' }), password: Type.String({ minLength: 6 }) })
const Token = Type.Object({ accessToken: Type.String(), accessExpire: Type.Integer() })

/** An api shaped like the real ones: enveloped routes, a raw GET route, two routes ending in the same word. */
function docServer() {
  const recorder = recordRoutes()
  const s = testServer({ Name: 'usercenter-api' })
  recorder.stop()
  s.app.post('/usercenter/v1/user/register', { schema: { body: Credentials, response: { 200: Token } } }, async () => ({
    accessToken: 't',
    accessExpire: 1,
  }))
  s.app.post('/usercenter/v1/user/detail', { schema: { body: Type.Object({}) } }, async () => ({}))
  s.app.get('/identity/v1/verify/token', { config: { raw: true } }, async () => ({ ok: true }))
  s.app.post('/travel/v1/homestay/list', async () => ({}))
  s.app.post('/travel/v1/homestayBussiness/list', async () => ({}))
  return { ...s, routes: recorder.routes }
}

async function documentOf(app: ReturnType<typeof docServer>['app']): Promise<Document> {
  const res = await app.inject({ method: 'GET', url: OPENAPI_PATH })
  assert.equal(res.statusCode, 200)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  return res.json() as Document
}

function operations(doc: Document): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort()
}

test('the document is valid OpenAPI 3.1, served raw (no envelope), titled after the api', async () => {
  const { app } = docServer()
  const doc = await documentOf(app)
  const result = await new Validator().validate(structuredClone(doc))
  assert.deepEqual(result.errors, undefined)
  assert.equal(result.valid, true)
  assert.equal(doc.openapi, '3.1.0')
  assert.equal(doc.info.title, 'usercenter-api')
  assert.equal(doc.code, undefined)
})

test('the document lists exactly the routes Fastify registered, less HEAD, readiness and itself', async () => {
  const { app, routes } = docServer()
  const doc = await documentOf(app)
  const expected = routes.filter((r) => !r.startsWith('HEAD ') && r !== `GET ${HEALTH_PATH}` && r !== `GET ${OPENAPI_PATH}`).sort()
  assert.deepEqual(expected, [
    'GET /identity/v1/verify/token',
    'POST /travel/v1/homestay/list',
    'POST /travel/v1/homestayBussiness/list',
    'POST /usercenter/v1/user/detail',
    'POST /usercenter/v1/user/register',
  ])
  assert.deepEqual(operations(doc), expected)
  assert.ok(routes.includes(`GET ${HEALTH_PATH}`), 'the recorder saw the framework routes too')
})

test('request and response schemas are the route schemas, the 200 answer wrapped in the envelope', async () => {
  const { app } = docServer()
  const op = (await documentOf(app)).paths['/usercenter/v1/user/register']?.post
  assert.ok(op)
  const body = op.requestBody?.content['application/json']?.schema
  assert.deepEqual(body?.required, ['mobile', 'password'])
  assert.equal(body?.properties?.mobile?.pattern, '^1[0-9]{10}$')
  const ok = op.responses['200']?.content?.['application/json']?.schema
  assert.deepEqual(ok?.required, ['code', 'msg'])
  assert.deepEqual(Object.keys(ok?.properties ?? {}), ['code', 'msg', 'data'])
  assert.deepEqual(ok?.properties?.data?.required, ['accessToken', 'accessExpire'])
  // What the document promises is what the wire carries.
  const wire = await app.inject({
    method: 'POST',
    url: '/usercenter/v1/user/register',
    payload: { mobile: '13800000000', password: 'secret' },
  })
  assert.deepEqual(Object.keys(wire.json()), ['code', 'msg', 'data'])
})

test('enveloped routes document the 400 and 503 envelopes; raw routes answer in their own format', async () => {
  const { app } = docServer()
  const doc = await documentOf(app)
  const detail = doc.paths['/usercenter/v1/user/detail']?.post
  for (const status of ['400', '503']) {
    assert.deepEqual(detail?.responses[status]?.content?.['application/json']?.schema.required, ['code', 'msg'], status)
    assert.ok((detail?.responses[status]?.description ?? '').length > 10)
  }
  const raw = doc.paths['/identity/v1/verify/token']?.get
  assert.deepEqual(Object.keys(raw?.responses ?? {}), ['200'])
})

test('operations are tagged by route group and named by handler; clashing names fall back to the path', async () => {
  const { app } = docServer()
  const doc = await documentOf(app)
  assert.deepEqual(doc.paths['/usercenter/v1/user/register']?.post?.tags, ['user'])
  assert.equal(doc.paths['/usercenter/v1/user/register']?.post?.operationId, 'register')
  assert.deepEqual(doc.paths['/travel/v1/homestayBussiness/list']?.post?.tags, ['homestayBussiness'])
  const ids = [doc.paths['/travel/v1/homestay/list']?.post?.operationId, doc.paths['/travel/v1/homestayBussiness/list']?.post?.operationId]
  assert.deepEqual(ids, ['post_travel_v1_homestay_list', 'post_travel_v1_homestayBussiness_list'])
  assert.deepEqual(operationNames('/healthz'), { tag: 'healthz', operationId: 'healthz' })
})

test('the bearer scheme is declared and optional at the api (the gateway decides per route)', async () => {
  const { app } = docServer()
  const doc = await documentOf(app)
  const scheme = doc.components.securitySchemes[SECURITY_SCHEME]
  assert.equal(scheme?.type, 'http')
  assert.equal(scheme?.scheme, 'bearer')
  assert.deepEqual(doc.security, [{}, { [SECURITY_SCHEME]: [] }])
})
