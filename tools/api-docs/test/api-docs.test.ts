import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createLogger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { Type } from '@sinclair/typebox'
import type { OpenAPIV3_1 } from 'openapi-types'
import { type ApiDocsConf, createApiDocs, loadApiDocsConf } from '../src/server.ts'
import { discoverApis, gatewayLocations, isPublic, isRouted } from '../src/sources.ts'
import { openApiErrors } from './validate.ts'

const silent = createLogger({ service: 'api-docs-test', level: 'silent' })

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A gateway stand-in that records what reaches it and answers 201 with a fixed body. */
async function fakeGateway() {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"code":200,"msg":"OK","data":{"via":"gateway"}}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) }
}

/** An api built on the real rest framework: one public route, one needing a token, one the gateway does not route. */
async function shopApi(): Promise<{ app: RestApp; url: string }> {
  const app = createRestServer({
    conf: { Name: 'shop-api', Host: '127.0.0.1', Port: 0, Timeout: 3000, MaxBytes: 1048576, MaxConns: 100, CpuThreshold: 0 },
    logger: silent,
  })
  const Item = Type.Object({ id: Type.Integer(), title: Type.String() })
  app.post(
    '/shop/v1/item/list',
    { schema: { body: Type.Object({ lastId: Type.Integer() }), response: { 200: Type.Object({ list: Type.Array(Item) }) } } },
    async () => ({
      list: [],
    }),
  )
  app.post('/shop/v1/item/buy', { schema: { body: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, async () => ({}))
  app.get('/internal/v1/probe/ping', { config: { raw: true } }, async () => ({ pong: true }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/openapi.json` }
}

describe('api-docs against an api and a gateway of its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'api-docs-'))
  let gateway: Awaited<ReturnType<typeof fakeGateway>>
  let shop: Awaited<ReturnType<typeof shopApi>>
  let docs: ReturnType<typeof createApiDocs>
  let base = ''

  before(async () => {
    gateway = await fakeGateway()
    shop = await shopApi()
    writeFileSync(
      join(dir, 'gateway.conf'),
      `server {
  location = /auth { internal; proxy_pass http://identity_api/identity/v1/verify/token; }
  # location /internal/ { proxy_pass http://nowhere; }   (a comment, not a route)
  location /shop/ { auth_request /auth; proxy_pass http://shop_api; }
  location /shop/v1/admin/ { return 404; }
  location / { return 404 '{"code":100001}'; }
}
`,
    )
    writeFileSync(join(dir, 'identity-api.yaml'), 'NoAuthUrls:\n  - /shop/v1/item/list\n')
    const conf: ApiDocsConf = {
      ...loadApiDocsConf(),
      Apis: [
        { Name: 'shop-api', Url: shop.url },
        // Nothing listens on port 1: an api that is down.
        { Name: 'down-api', Url: 'http://127.0.0.1:1/openapi.json' },
      ],
      Gateway: { Url: gateway.url, NginxConf: join(dir, 'gateway.conf'), AuthConf: join(dir, 'identity-api.yaml') },
    }
    docs = createApiDocs(conf, { log: silent })
    base = await docs.listen(0, '127.0.0.1')
  })

  after(async () => {
    await docs.close()
    await shop.app.close()
    await gateway.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the index lists every api with its route counts and links; an api that is down is shown as such', async () => {
    const res = await fetch(`${base}/`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
    const html = await res.text()
    assert.match(html, /<tr id="shop-api">.*2 of 3 routes through the gateway/)
    assert.match(html, /internal: <code>GET \/internal\/v1\/probe\/ping<\/code>/)
    assert.ok(html.includes('href="apis/shop-api/openapi.json"'))
    assert.ok(html.includes('href="ui/?api=shop-api"'))
    assert.ok(html.includes(`href="${shop.url}"`))
    assert.match(html, /<tr id="down-api">.*unavailable/)
  })

  test("an api's gateway view is valid OpenAPI: the gateway as server, only routed paths, token rules per route", async () => {
    const res = await fetch(`${base}/apis/shop-api/openapi.json`)
    assert.equal(res.status, 200)
    const doc = (await res.json()) as OpenAPIV3_1.Document
    assert.deepEqual(await openApiErrors(doc), [])
    assert.deepEqual(
      doc.servers?.map((s) => s.url),
      [gateway.url],
    )
    assert.deepEqual(Object.keys(doc.paths ?? {}).sort(), ['/shop/v1/item/buy', '/shop/v1/item/list'])
    assert.deepEqual(doc.paths?.['/shop/v1/item/list']?.post?.security, [{}, { jwt: [] }])
    assert.deepEqual(doc.paths?.['/shop/v1/item/buy']?.post?.security, [{ jwt: [] }])
    assert.ok(doc.paths?.['/shop/v1/item/buy']?.post?.responses?.['401'])
    assert.match(doc.info.description ?? '', /GET \/internal\/v1\/probe\/ping/)
    // The api's own document is left as it was: all three routes, the token optional.
    const own = (await (await fetch(shop.url)).json()) as OpenAPIV3_1.Document
    assert.equal(Object.keys(own.paths ?? {}).length, 3)
    assert.equal(own.paths?.['/shop/v1/item/buy']?.post?.security, undefined)
  })

  test('unknown and unavailable apis answer 404 and 502', async () => {
    assert.equal((await fetch(`${base}/apis/nope-api/openapi.json`)).status, 404)
    const down = await fetch(`${base}/apis/down-api/openapi.json`)
    assert.equal(down.status, 502)
    assert.match(((await down.json()) as { error: string }).error, /127\.0\.0\.1:1/)
  })

  test('the merged document holds every reachable route of every api and is valid OpenAPI', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as OpenAPIV3_1.Document
    assert.deepEqual(await openApiErrors(doc), [])
    assert.deepEqual(Object.keys(doc.paths ?? {}).sort(), ['/shop/v1/item/buy', '/shop/v1/item/list'])
    assert.deepEqual(doc.tags, [{ name: 'item' }])
    assert.ok(doc.components?.securitySchemes?.jwt)
  })

  test('Swagger UI loads only from this process, and its files are served', async () => {
    const html = await (await fetch(`${base}/ui/`)).text()
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '')
    assert.deepEqual(
      refs.filter((r) => /^(https?:)?\/\//.test(r)),
      [],
    )
    assert.ok(html.includes('"url":"../apis/shop-api/openapi.json"'))
    assert.ok(html.includes('validatorUrl: null'))
    for (const ref of refs) {
      const res = await fetch(new URL(ref, `${base}/ui/`))
      assert.equal(res.status, 200, ref)
      await res.arrayBuffer()
    }
    const bundle = await fetch(`${base}/swagger-ui/swagger-ui-bundle.js`)
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/)
    assert.ok((await bundle.text()).length > 100_000)
    for (const bad of ['..%2Fpackage.json', 'index.html', '.hidden.js']) {
      assert.equal((await fetch(`${base}/swagger-ui/${bad}`)).status, 404, bad)
    }
  })

  test('"Try it out" requests reach the gateway with their exact body, query and token, nothing else', async () => {
    const before = gateway.seen.length
    const body = '{"id": 7,  "note":"spacing kept"}'
    const res = await fetch(`${base}/gateway/shop/v1/item/buy?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0k', cookie: 'session=secret', 'x-user': '42' },
      body,
    })
    assert.equal(res.status, 201)
    assert.deepEqual(await res.json(), { code: 200, msg: 'OK', data: { via: 'gateway' } })
    const seen = gateway.seen[before]
    assert.ok(seen)
    assert.equal(seen.method, 'POST')
    assert.equal(seen.url, '/shop/v1/item/buy?x=1')
    assert.equal(seen.body.toString('utf8'), body)
    assert.equal(seen.headers.authorization, 'Bearer t0k')
    assert.equal(seen.headers.cookie, undefined)
    assert.equal(seen.headers['x-user'], undefined)
  })
})

test("discovery lists the registry's apis with env interpolation; a wildcard host is reached on loopback", async () => {
  const repo = mkdtempSync(join(tmpdir(), 'api-docs-repo-'))
  try {
    for (const [domain, yaml] of [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference, as the YAML files hold it
      ['beta', 'Name: beta-api\nHost: 0.0.0.0\nPort: ${BETA_API_PORT:-8102}\n'],
      ['alpha', 'Name: alpha-api\nHost: 127.0.0.2\nPort: 8101\n'],
    ] as const) {
      mkdirSync(join(repo, 'app', domain, 'api', 'etc'), { recursive: true })
      mkdirSync(join(repo, 'app', domain, 'api', 'src'), { recursive: true })
      writeFileSync(join(repo, 'app', domain, 'api', 'etc', `${domain}-api.yaml`), yaml)
      writeFileSync(join(repo, 'app', domain, 'api', 'src', 'main.ts'), '')
    }
    // A domain without an api (rpc only) is skipped.
    mkdirSync(join(repo, 'app', 'gamma', 'rpc', 'etc'), { recursive: true })
    writeFileSync(join(repo, 'app', 'gamma', 'rpc', 'etc', 'gamma-rpc.yaml'), 'Name: gamma-rpc\nListenOn: 127.0.0.1:9103\n')
    const conf = { ...loadApiDocsConf(), RepoDir: repo, Apis: [] }
    assert.deepEqual(await discoverApis(conf, { BETA_API_PORT: '9999' }), [
      { name: 'alpha-api', url: 'http://127.0.0.2:8101/openapi.json' },
      { name: 'beta-api', url: 'http://127.0.0.1:9999/openapi.json' },
    ])
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }
})

test("the project's gateway config: the four domain prefixes are proxied, anything else is not", () => {
  const conf = loadApiDocsConf()
  const locations = gatewayLocations(readFileSync(conf.Gateway.NginxConf, 'utf8'))
  const proxied = locations.filter((l) => l.proxied).map((l) => l.prefix)
  assert.deepEqual(proxied.sort(), ['/order/', '/payment/', '/travel/', '/usercenter/'])
  const rules = { locations, noAuthUrls: ['/travel/', '/usercenter/v1/user/login'] }
  assert.equal(isRouted(rules, '/usercenter/v1/user/detail'), true)
  assert.equal(isRouted(rules, '/identity/v1/verify/token'), false)
  assert.equal(isRouted(rules, '/openapi.json'), false)
  assert.equal(isPublic(rules, '/travel/v1/homestay/guessList'), true)
  assert.equal(isPublic(rules, '/usercenter/v1/user/login'), true)
  assert.equal(isPublic(rules, '/usercenter/v1/user/login2'), false)
})

test('a more specific location without proxy_pass hides its paths even under a proxied prefix', () => {
  const rules = {
    locations: gatewayLocations('location /shop/ { proxy_pass http://a; }\nlocation /shop/v1/admin/ { return 404; }'),
    noAuthUrls: [],
  }
  assert.equal(isRouted(rules, '/shop/v1/item/list'), true)
  assert.equal(isRouted(rules, '/shop/v1/admin/drop'), false)
})
