// travel-api's HorizontalPodAutoscaler on the local cluster (min 1, max 2, 70% of its 50m CPU request,
// 30 s stabilization windows in the local overlay), fed by metrics-server: a load through the gateway's
// NodePort makes it add the second pod, and once the load stops it goes back to one.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { deploymentSettled, gatewayCall, kubectl, kubeJson, ok, requireProject, startLoad, waitUntil } from './project.ts'

interface Hpa {
  spec: { minReplicas: number; maxReplicas: number }
  status: {
    currentReplicas?: number
    desiredReplicas?: number
    currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[]
  }
}

const hpa = () => kubeJson<Hpa>(['get', 'hpa', 'travel-api'])
const utilization = (h: Hpa) => h.status.currentMetrics?.[0]?.resource?.current?.averageUtilization

before(
  async () => {
    await requireProject()
    // The HPA reads the pods' CPU from metrics-server through the aggregated metrics API.
    await waitUntil(
      'metrics-server reports the pods of looklook',
      async () => (await kubectl(['top', 'pods', '--no-headers'], 30_000)).stdout.includes('travel-api'),
      180_000,
      5000,
    )
    // From the overlay's state: one replica, nothing pinned by an earlier test.
    ok(await kubectl(['patch', 'hpa', 'travel-api', '--type', 'merge', '-p', '{"spec":{"minReplicas":1,"maxReplicas":2}}']), 'patch hpa')
    await waitUntil('travel-api at 1 replica', () => deploymentSettled('travel-api', 1), 240_000)
    // The controller writes the HPA's status on its next sync (every 15 s); until then it has no replica count.
    await waitUntil('the HPA reports travel-api at 1 replica', async () => (await hpa()).status.currentReplicas === 1, 120_000)
  },
  { timeout: 600_000 },
)

after(async () => {
  ok(await kubectl(['patch', 'hpa', 'travel-api', '--type', 'merge', '-p', '{"spec":{"minReplicas":1,"maxReplicas":2}}']), 'patch hpa')
})

test("travel-api's HPA adds a pod under load and takes it away after", { timeout: 900_000 }, async (t) => {
  const start = await hpa()
  assert.deepEqual([start.spec.minReplicas, start.spec.maxReplicas], [1, 2])
  assert.equal(start.status.currentReplicas, 1)

  // Six clients of sequential catalogue requests keep travel-api well above 70% of its 50m request.
  const load = startLoad(6, () => gatewayCall('/travel/v1/homestay/homestayList', { page: 1, pageSize: 10 }), {
    maxRequests: 1_000_000,
    maxMs: 420_000,
  })
  let busiest = 0
  try {
    await waitUntil(
      'the HPA scales travel-api to 2 under load',
      async () => {
        const h = await hpa()
        busiest = Math.max(busiest, utilization(h) ?? 0)
        return h.status.desiredReplicas === 2 && (await deploymentSettled('travel-api', 2))
      },
      400_000,
      5000,
    )
  } finally {
    const counts = await load.stop()
    t.diagnostic(`${counts.requests} requests, ${counts.failures.length} failed; highest CPU seen ${busiest}% of the request`)
  }
  assert.ok(busiest > 70, `utilization ${busiest}%`)

  await waitUntil(
    'the HPA takes travel-api back to 1 once the load stopped',
    async () => (await hpa()).status.desiredReplicas === 1 && (await deploymentSettled('travel-api', 1)),
    400_000,
    5000,
  )
})
