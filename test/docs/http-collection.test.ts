/**
 * deploy/http, the HTTP collection (doc/api-docs.md): generated files up to date with the route
 * schemas, one request per route the live gateway documents, and every request answered by the real
 * gateway on :8888 (no 5xx, no 404, reads 200) with the token of a freshly registered user. The two
 * hand-written journeys book an order end to end, as each client would run them.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { copyHomestay, post, registerUser } from '@looklook/testkit'
import { ENV_FILE, exampleForPattern, exampleOf, HTTP_DIR } from '../../scripts/gen-http.ts'
import { apiDocsBase, getJson, type OpenApiDoc, ROOT } from './apis.ts'
import { type HttpRequestBlock, HttpSession, readHttpFile } from './http-file.ts'

const run = promisify(execFile)
const dir = join(ROOT, HTTP_DIR)
const JOURNEYS = ['journey.http', 'journey.vscode.http']
const generatedFiles = readdirSync(dir)
  .filter((f) => f.endsWith('.http') && !JOURNEYS.includes(f))
  .sort()
const env = (JSON.parse(readFileSync(join(ROOT, ENV_FILE), 'utf8')) as { local: Record<string, string> }).local

/** Every generated request, with the file it is in. */
function generatedRequests(): { file: string; block: HttpRequestBlock }[] {
  return generatedFiles.flatMap((file) => readHttpFile(join(dir, file)).requests.map((block) => ({ file, block })))
}

/** `METHOD /path` of a request line `METHOD {{gateway}}/path`. */
function routeOf(block: HttpRequestBlock): string {
  assert.match(block.url, /^\{\{gateway\}\}\//, `${block.title}: the url starts at {{gateway}}`)
  return `${block.method} ${block.url.replace('{{gateway}}', '')}`
}

const hasToken = (block: HttpRequestBlock) =>
  block.headers.some(([k, v]) => k.toLowerCase() === 'authorization' && v === 'Bearer {{token}}')

/** Routes that only read: lists, details and the caller's own profile. */
const isRead = (block: HttpRequestBlock) => /(List|Detail|^detail|^goodBoss)$/.test(block.name ?? '')

test('the generated collection is up to date with the route schemas (node scripts/gen-http.ts)', async () => {
  const out = await run(process.execPath, [join(ROOT, 'scripts/gen-http.ts'), '--check'], { cwd: ROOT }).catch(
    (err: { code: number; stderr: string }) => err,
  )
  assert.equal('code' in out ? out.code : 0, 0, 'stderr' in out ? out.stderr : '')
  assert.ok(generatedFiles.length >= 4, generatedFiles.join(', '))
  assert.ok(existsSync(join(dir, 'journey.http')) && existsSync(join(dir, 'journey.vscode.http')))
})

test('example bodies have the types and shapes their schemas ask for', () => {
  assert.equal(exampleForPattern('^1[3-9][0-9]{9}$'), '13000000000')
  assert.match(exampleForPattern('^HSO[0-9]{22}$'), /^HSO[0-9]{22}$/)
  assert.deepEqual(
    exampleOf({
      type: 'object',
      required: ['id', 'lastId', 'name', 'state', 'food', 'sn'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        lastId: { type: 'integer', minimum: 0 },
        name: { type: 'string', minLength: 10 },
        state: { type: 'integer', enum: [-99, 0] },
        food: { type: 'boolean', default: true },
        sn: { type: 'string', pattern: '^HSO[0-9]{22}$' },
        optional: { type: 'string' },
      },
    }),
    { id: 1, lastId: 0, name: 'example000', state: -99, food: true, sn: '{{orderSn}}' },
  )
})

test('one request per route the gateway documents, with the token exactly where the gateway needs one', async () => {
  // The live, merged gateway document of tools/api-docs: built from the running apis, not from this generator.
  const { status, body } = await getJson<OpenApiDoc>(`${apiDocsBase()}/openapi.json`)
  assert.equal(status, 200)
  const documented = new Map<string, boolean>()
  for (const [path, item] of Object.entries(body.paths)) {
    for (const [method, op] of Object.entries(item)) {
      documented.set(`${method.toUpperCase()} ${path}`, !(op.security ?? []).some((s) => Object.keys(s).length === 0))
    }
  }
  const requests = generatedRequests()
  assert.deepEqual(requests.map(({ block }) => routeOf(block)).sort(), [...documented.keys()].sort())
  for (const { file, block } of requests) {
    assert.equal(hasToken(block), documented.get(routeOf(block)), `${file} ${block.title}: Authorization`)
    if (block.body !== undefined) JSON.parse(block.body.replace(/\{\{\w+\}\}/g, 'x'))
  }
})

test('every generated request answers through the real gateway: never 5xx or 404, and the reads 200', async () => {
  const user = await registerUser()
  const list = await post<{ list: { id: number }[] }>('/travel/v1/homestay/homestayList', { page: 1, pageSize: 10 })
  const seeded = list.body.data?.list[0]?.id
  assert.ok(seeded, list.text)
  // A copy of it: a night is held by one order, and other tests book the seeded homestays.
  const homestayId = await copyHomestay(seeded)
  const day = 86_400
  const now = Math.floor(Date.now() / 1000)
  const order = await post<{ orderSn: string }>(
    '/order/v1/homestayOrder/createHomestayOrder',
    { homestayId, isFood: false, liveStartTime: now + day, liveEndTime: now + 3 * day, livePeopleNum: 1, remark: '' },
    { token: `Bearer ${user.accessToken}` },
  )
  assert.equal(order.status, 200, order.text)
  const session = new HttpSession({ ...env, token: user.accessToken, orderSn: order.body.data?.orderSn ?? '' })
  // Logout revokes the token the others need, so it goes last.
  const requests = generatedRequests().sort((a, b) => Number(a.block.name === 'logout') - Number(b.block.name === 'logout'))
  const reads: string[] = []
  for (const { file, block } of requests) {
    const { response } = await session.send(block)
    const what = `${file} ${block.title}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`
    assert.ok(response.status < 500 && response.status !== 404, what)
    if (isRead(block)) {
      reads.push(block.name ?? '')
      assert.equal(response.status, 200, what)
      assert.equal((response.body as { code?: number }).code, 200, what)
    }
  }
  assert.ok(reads.length >= 10, `reads: ${reads.join(', ')}`)
})

for (const journey of JOURNEYS) {
  test(`${journey}: register, log in, user detail, homestay list, book, read the order back`, async () => {
    const file = readHttpFile(join(dir, journey))
    const session = new HttpSession(env, file)
    const answers: { title: string; status: number; body: { code?: number; data?: Record<string, unknown> } }[] = []
    for (const block of file.requests) {
      const { response } = await session.send(block)
      answers.push({ title: block.title, status: response.status, body: response.body as (typeof answers)[number]['body'] })
    }
    assert.deepEqual(
      answers.map((a) => [a.status, a.body.code]),
      answers.map(() => [200, 200]),
      JSON.stringify(answers, null, 1).slice(0, 2000),
    )
    const [register, , detail, , booked, shown] = answers
    const mobile = (detail?.body.data?.userInfo as { mobile?: string } | undefined)?.mobile
    assert.match(mobile ?? '', /^1[3-9][0-9]{9}$/)
    assert.ok(register?.body.data?.accessToken)
    const sn = booked?.body.data?.orderSn
    assert.match(String(sn), /^HSO[0-9]{22}$/)
    assert.equal(shown?.body.data?.sn, sn)
    assert.equal(shown?.body.data?.tradeState, 0)
  })
}
