/**
 * Every running api serves a valid OpenAPI document of exactly the routes it registers, on its own
 * port, and the gateway does not publish it (doc/api-docs.md).
 */
import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { GATEWAY } from '@looklook/testkit'
import { createLogger } from '../../common/logx/src/index.ts'
import { openApiErrors } from '../../tools/api-docs/test/validate.ts'
import { apiProcesses, getJson, type OpenApiDoc, operationsOf } from './apis.ts'

interface RouteHookHost {
  addHook(name: 'onRoute', hook: (route: { method: string | string[]; url: string }) => void): unknown
}
interface BuiltApp {
  ready(): Promise<unknown>
  close(): Promise<unknown>
}

/**
 * The routes an api registers, from Fastify itself: each api's own `createServer` is run in this
 * process while a hook added on Fastify's `fastify.initialization` channel records every route.
 * Route declarations only keep the service context for their handlers, so a context holding just the
 * config is enough, and nothing connects anywhere.
 */
async function registeredRoutes(dir: string): Promise<string[]> {
  const load = async (file: string) => (await import(pathToFileURL(join(dir, 'src', file)).href)) as Record<string, unknown>
  const configModule = await load('config.ts')
  const loadConf = Object.entries(configModule).find(([name, value]) => /^load\w*Conf$/.test(name) && typeof value === 'function')?.[1] as
    | (() => unknown)
    | undefined
  assert.ok(loadConf, `${dir}/src/config.ts exports no load…Conf()`)
  const { createServer } = (await load('server.ts')) as { createServer: (svc: { config: unknown }, logger: unknown) => BuiltApp }
  const routes: string[] = []
  const onInit = (message: unknown) => {
    ;(message as { fastify: RouteHookHost }).fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`)
    })
  }
  subscribe('fastify.initialization', onInit)
  let app: BuiltApp
  try {
    app = createServer({ config: loadConf() }, createLogger({ service: 'docs-test', level: 'silent' }))
  } finally {
    unsubscribe('fastify.initialization', onInit)
  }
  await app.ready()
  await app.close()
  // HEAD twins of GET routes, readiness and the document itself are not part of the api.
  return routes.filter((r) => !r.startsWith('HEAD ') && r !== 'GET /healthz' && r !== 'GET /openapi.json').sort()
}

const apis = apiProcesses()

test('the apps have apis to document', () => {
  assert.ok(apis.length >= 5, apis.map((a) => a.name).join(', '))
})

for (const api of apis) {
  describe(api.name, () => {
    test('serves a valid OpenAPI 3.1 document titled after it on its own port', async () => {
      const { status, body } = await getJson<OpenApiDoc>(`${api.base}/openapi.json`)
      assert.equal(status, 200)
      assert.deepEqual(await openApiErrors(body), [])
      assert.equal(body.openapi, '3.1.0')
      assert.equal(body.info.title, api.name)
    })

    test('documents exactly the routes it registers', async () => {
      const { body } = await getJson<OpenApiDoc>(`${api.base}/openapi.json`)
      const routes = await registeredRoutes(api.dir)
      assert.ok(routes.length > 0)
      assert.deepEqual(operationsOf(body), routes)
    })
  })
}

test("register's request schema: mobile and password required, the answer a token triple in the envelope", async () => {
  const usercenter = apis.find((a) => a.name === 'usercenter-api')
  assert.ok(usercenter)
  const { body } = await getJson<OpenApiDoc>(`${usercenter.base}/openapi.json`)
  const op = body.paths['/usercenter/v1/user/register']?.post
  const request = op?.requestBody?.content['application/json']?.schema
  assert.deepEqual([...(request?.required ?? [])].sort(), ['mobile', 'password'])
  const ok = op?.responses['200'] as { content: Record<string, { schema: { properties: { data: { required: string[] } } } }> }
  assert.deepEqual([...ok.content['application/json']!.schema.properties.data.required].sort(), [
    'accessExpire',
    'accessToken',
    'refreshAfter',
  ])
  assert.deepEqual(op?.tags, ['user'])
  assert.equal(op?.operationId, 'register')
})

test('the gateway does not publish the documents', async () => {
  // nginx's own 404, a 401 (not a public route) and the api's "route not found": never the document.
  for (const path of ['/openapi.json', '/usercenter/openapi.json', '/travel/openapi.json', '/travel/v1/openapi.json']) {
    const res = await fetch(`${GATEWAY}${path}`, { signal: AbortSignal.timeout(10_000) })
    const text = await res.text()
    assert.ok([401, 404].includes(res.status), `${path}: ${res.status} ${text.slice(0, 100)}`)
    assert.doesNotMatch(text, /"paths"/)
  }
})
