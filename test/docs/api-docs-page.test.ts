/**
 * The one page that lists every api (tools/api-docs on :8970, started by `./looklook up`), and its
 * gateway views checked against the real gateway: what they call public passes without a token,
 * what they say needs one is refused without it.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GATEWAY } from '@looklook/testkit'
import { openApiErrors } from '../../tools/api-docs/test/validate.ts'
import { apiDocsBase, apiProcesses, getJson, type OpenApiDoc, operationsOf } from './apis.ts'

const base = apiDocsBase()
const apis = apiProcesses()

test('the page answers and links every api to its document and its Swagger UI view', async () => {
  const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })
  assert.equal(res.status, 200)
  const html = await res.text()
  for (const api of apis) {
    assert.ok(html.includes(`href="apis/${api.name}/openapi.json"`), `${api.name}: no document link`)
    assert.ok(html.includes(`href="ui/?api=${api.name}"`), `${api.name}: no view link`)
    assert.ok(html.includes(`href="${api.base}/openapi.json"`), `${api.name}: no link to the api's own document`)
  }
  assert.doesNotMatch(html, /unavailable/)
})

test("each api's gateway view is valid and keeps exactly its routes the gateway proxies", async () => {
  for (const api of apis) {
    const { status, body } = await getJson<OpenApiDoc>(`${base}/apis/${api.name}/openapi.json`)
    assert.equal(status, 200, api.name)
    assert.deepEqual(await openApiErrors(body), [], api.name)
    assert.deepEqual(
      body.servers?.map((s) => s.url),
      [GATEWAY],
      api.name,
    )
    const own = (await getJson<OpenApiDoc>(`${api.base}/openapi.json`)).body
    const routed = operationsOf(own).filter((op) => /^\w+ \/(usercenter|travel|order|payment)\//.test(op))
    assert.deepEqual(operationsOf(body), routed, api.name)
  }
})

test('the merged document is valid and the token rules it states are the ones the gateway enforces', async () => {
  const { body } = await getJson<OpenApiDoc>(`${base}/openapi.json`)
  assert.deepEqual(await openApiErrors(body), [])
  const ops = Object.entries(body.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })))
  assert.ok(ops.length >= 18, `${ops.length} operations`)
  for (const { path, method, op } of ops) {
    const isPublic = op.security?.some((s) => Object.keys(s).length === 0) ?? false
    // No token: a route that needs one stops at the gateway. An empty body at worst fails validation (400) in the api.
    const res = await fetch(`${GATEWAY}${path}`, {
      method: method.toUpperCase(),
      headers: { 'content-type': 'application/json' },
      body: method === 'get' ? undefined : '{}',
      signal: AbortSignal.timeout(10_000),
    })
    const text = await res.text()
    // The gateway's refusal is its 401 envelope with 100003; an api may answer 401 in its own form (WeChat's callback does).
    const refused = res.status === 401 && text.includes('"code":100003')
    assert.equal(
      refused,
      !isPublic,
      `${path} is documented as ${isPublic ? 'public' : 'needing a token'}: ${res.status} ${text.slice(0, 100)}`,
    )
  }
})

test('Swagger UI offers every document and loads its files from the page itself', async () => {
  const html = await (await fetch(`${base}/ui/`, { signal: AbortSignal.timeout(10_000) })).text()
  for (const api of apis) assert.ok(html.includes(`"url":"../apis/${api.name}/openapi.json"`), api.name)
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '')
  assert.ok(refs.length >= 3)
  for (const ref of refs) {
    assert.doesNotMatch(ref, /^(https?:)?\/\//, 'nothing outside the machine')
    const res = await fetch(new URL(ref, `${base}/ui/`), { signal: AbortSignal.timeout(10_000) })
    assert.equal(res.status, 200, ref)
    await res.arrayBuffer()
  }
})
