// One process image alone, as Kubernetes runs it: order-api's image with its container config mounted
// where the ConfigMap goes (CONFIG_FILE=/etc/looklook/order-api.yaml), on the host's network against the
// local stack's order-rpc, on ports nothing else uses. It must pass its readiness probe (/healthz on the
// metrics port) and answer a request the way the gateway sends it (x-user).
import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { sparePort, waitFor } from '@looklook/testkit'
import { buildApp, docker, ok, root } from './docker.ts'

const image = `looklook/order-api:ctest-${process.pid}`
const container = `looklook-ctest-order-api-${process.pid}`
const dir = mkdtempSync(join(tmpdir(), 'looklook-order-api-'))
let port = 0
let metricsPort = 0

before(
  async () => {
    await buildApp(image, 'process', 'app/order/api')
    port = await sparePort()
    metricsPort = await sparePort()
    const config = readFileSync(join(root, 'deploy/k8s/base/order-api/order-api.yaml'), 'utf8')
    const moved = config.replace(/^Port: .*$/m, `Port: ${port}`).replace(/^( {2}Port: )4004$/m, `$1${metricsPort}`)
    assert.notEqual(moved, config)
    assert.match(moved, new RegExp(`^  Port: ${metricsPort}$`, 'm'))
    writeFileSync(join(dir, 'order-api.yaml'), moved, { mode: 0o644 })
    // The process runs as the image's node user, as from a ConfigMap mount.
    chmodSync(dir, 0o755)
    ok(
      await docker([
        'run',
        '--detach',
        '--name',
        container,
        '--network',
        'host',
        '--read-only',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        '--volume',
        `${dir}:/etc/looklook:ro`,
        '--env',
        'CONFIG_FILE=/etc/looklook/order-api.yaml',
        '--env',
        'ORDER_RPC_TARGET=dns:///127.0.0.1:9004',
        '--env',
        'PAYMENT_RPC_TARGET=dns:///127.0.0.1:9005',
        image,
      ]),
      'docker run order-api',
    )
  },
  { timeout: 1_200_000 },
)

after(async () => {
  await docker(['rm', '--force', '--volumes', container])
  await docker(['image', 'rm', '--force', image])
  rmSync(dir, { recursive: true, force: true })
})

async function status(url: string, init?: RequestInit): Promise<number | undefined> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(2000) })).status
  } catch {
    return undefined
  }
}

test('the order-api image passes its readiness probe and serves an order list through the local order-rpc', async () => {
  const ready = await waitFor(async () => ((await status(`http://127.0.0.1:${metricsPort}/healthz`)) === 200 ? true : undefined), {
    timeoutMs: 60_000,
  })
  const logs = await docker(['logs', container])
  assert.ok(ready, `not ready on :${metricsPort}:\n${logs.stdout}${logs.stderr}`)
  const res = await fetch(`http://127.0.0.1:${port}/order/v1/homestayOrder/userHomestayOrderList`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': '424242' },
    body: JSON.stringify({ lastId: 0, pageSize: 5, tradeState: -99 }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json()) as { code: number; data?: { list: unknown[] } }
  assert.equal(res.status, 200, JSON.stringify(body))
  assert.equal(body.code, 200)
  assert.deepEqual(body.data?.list, [], 'a user without orders has none')
  // It really is the container that answered: its access line (written once the response is sent) shows it.
  const logged = await waitFor(
    async () => {
      const out = ok(await docker(['logs', container]), 'docker logs')
      return /\[HTTP\] 200 - POST \/order\/v1\/homestayOrder\/userHomestayOrderList/.test(out) ? out : undefined
    },
    { timeoutMs: 10_000, intervalMs: 250 },
  )
  assert.ok(logged, 'the container logged the request')
})
