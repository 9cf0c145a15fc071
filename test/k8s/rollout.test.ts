// Zero-downtime changes on the local cluster, under a bounded load of sequential requests through the
// gateway's NodePort: travel-api at two replicas rolled to a new image through scripts/k8s-deploy.sh (the
// Jenkinsfile's deploy stage), and a usercenter-api pod of two deleted and replaced. No request may fail:
// readiness probes keep new pods out until they serve, maxUnavailable 0 keeps the old ones until then, and
// a stopping pod's preStop pause and the apps' drain (Connection: close to keep-alive clients) let the
// gateway move its connections. Both Deployments get their image and replica count back at the end.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { post, uniqueMobile } from '@looklook/testkit'
import {
  ctr,
  deploymentSettled,
  GATEWAY,
  gatewayCall,
  KUBECTL,
  kubectl,
  ok,
  podReady,
  podsOf,
  requireProject,
  root,
  sh,
  startLoad,
  waitUntil,
} from './project.ts'

const LOCAL_IMAGE = 'looklook/travel-api:local'
const ROLLOUT_IMAGE = `looklook/travel-api:rollout-${process.pid}`
const CLIENTS = 3

/** Pins a Deployment's replica count: its HPA may not go below it, and the Deployment is scaled to it. */
async function pin(name: string, replicas: number): Promise<void> {
  ok(
    await kubectl(['patch', 'hpa', name, '--type', 'merge', '-p', JSON.stringify({ spec: { minReplicas: replicas } })]),
    `patch hpa ${name}`,
  )
  ok(await kubectl(['scale', `deployment/${name}`, `--replicas=${replicas}`]), `scale ${name}`)
}

function deploy(image: string) {
  return sh(`${root}/scripts/k8s-deploy.sh`, ['local', 'travel-api', image], { timeoutMs: 420_000, env: { KUBECTL } })
}

before(requireProject, { timeout: 60_000 })

after(
  async () => {
    // Back to what the overlay says: the local image, one replica, the HPA from 1.
    const current = await kubectl(['get', 'deployment', 'travel-api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])
    if (current.stdout !== LOCAL_IMAGE) ok(await deploy(LOCAL_IMAGE), 'k8s-deploy.sh travel-api back to the local image')
    for (const name of ['travel-api', 'usercenter-api']) await pin(name, 1)
    for (const name of ['travel-api', 'usercenter-api'])
      await waitUntil(`${name} back to 1 replica`, () => deploymentSettled(name, 1), 180_000)
    await ctr(['images', 'rm', `docker.io/${ROLLOUT_IMAGE}`])
  },
  { timeout: 900_000 },
)

describe('rolling changes under load', () => {
  test('travel-api at 2 replicas rolls to a new image through scripts/k8s-deploy.sh with no failed request', async (t) => {
    let counts = { requests: 0, failures: ['the load did not run'] }
    await pin('travel-api', 2)
    await waitUntil('travel-api at 2 ready replicas', () => deploymentSettled('travel-api', 2, LOCAL_IMAGE), 300_000)
    // The same image under a new tag in the cluster's containerd: a new template, so a real rollout.
    ok(await ctr(['images', 'tag', '--force', `docker.io/${LOCAL_IMAGE}`, `docker.io/${ROLLOUT_IMAGE}`]), 'ctr images tag')

    const load = startLoad(CLIENTS, () => gatewayCall('/travel/v1/homestay/homestayList', { page: 1, pageSize: 5 }), {
      maxRequests: 20_000,
      maxMs: 480_000,
    })
    let rolled: Awaited<ReturnType<typeof deploy>> | undefined
    try {
      rolled = await deploy(ROLLOUT_IMAGE)
      // The new pods serve a little while before the load stops.
      await new Promise((r) => setTimeout(r, 3000))
    } finally {
      counts = await load.stop()
    }
    assert.ok(rolled)
    ok(rolled, 'scripts/k8s-deploy.sh local travel-api')
    assert.match(rolled.stdout, /travel-api runs looklook\/travel-api:rollout-/)
    t.diagnostic(`${counts.requests} requests through ${GATEWAY} during the rollout, ${counts.failures.length} failed`)
    assert.deepEqual(counts.failures, [])
    assert.ok(counts.requests >= CLIENTS * 10, `only ${counts.requests} requests`)
    const pods = (await podsOf('travel-api')).filter(podReady)
    assert.ok(pods.length >= 1)
    for (const pod of pods) assert.equal(pod.spec.containers[0]?.image, ROLLOUT_IMAGE, pod.metadata.name)
  })

  test('a deleted usercenter-api pod of 2 is replaced while every request keeps succeeding', async (t) => {
    let counts = { requests: 0, failures: ['the load did not run'] }
    await pin('usercenter-api', 2)
    await waitUntil('usercenter-api at 2 ready replicas', () => deploymentSettled('usercenter-api', 2), 300_000)
    const mobile = uniqueMobile()
    const reg = await post<{ accessToken: string }>(
      '/usercenter/v1/user/register',
      { mobile, password: 'k8s-rollout-1' },
      { baseUrl: GATEWAY },
    )
    const token = reg.body.data?.accessToken ?? ''
    assert.ok(token, reg.text)
    const before = (await podsOf('usercenter-api')).filter(podReady).map((p) => p.metadata.name)
    assert.equal(before.length, 2)

    // The profile: the gateway's verifier (identity-api), then usercenter-api and usercenter-rpc.
    const load = startLoad(CLIENTS, () => gatewayCall('/usercenter/v1/user/detail', {}, token), {
      maxRequests: 20_000,
      maxMs: 300_000,
    })
    let replaced = false
    try {
      await new Promise((r) => setTimeout(r, 2000))
      ok(await kubectl(['delete', 'pod', before[0]!, '--wait=false']), `delete pod ${before[0]}`)
      await waitUntil(
        'a new usercenter-api pod ready in place of the deleted one',
        async () => {
          const pods = await podsOf('usercenter-api')
          const ready = pods.filter(podReady).map((p) => p.metadata.name)
          return !pods.some((p) => p.metadata.name === before[0]) && ready.length === 2
        },
        240_000,
      )
      replaced = true
      await new Promise((r) => setTimeout(r, 3000))
    } finally {
      counts = await load.stop()
    }
    assert.ok(replaced)
    t.diagnostic(`${counts.requests} requests through ${GATEWAY} while a pod was replaced, ${counts.failures.length} failed`)
    assert.deepEqual(counts.failures, [])
    assert.ok(counts.requests >= CLIENTS * 10, `only ${counts.requests} requests`)
  })
})
