// The project on the local cluster, as `./looklook k8s up` leaves it (deploy/k8s/overlays/local): every
// workload ready with its probes passing, each rpc's headless Service resolving to exactly its ready pods,
// and the two journeys through the gateway's NodePort: a mobile user signs up, logs in and reads the
// profile; a mini-program guest books a night and pays in the in-cluster WeChat sandbox, whose payment
// notice reaches payment-api through the in-cluster gateway, until the order is paid.
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { post, uniqueMobile } from '@looklook/testkit'
import { discover } from '../../scripts/gen-deploy.ts'
import { bookAndPay } from '../containers/booking.ts'
import { condition, GATEWAY, kubectl, kubeJson, ok, type Pod, podReady, requireProject, SANDBOX, type Workload } from './project.ts'

const processes = discover()

before(requireProject, { timeout: 60_000 })

describe('the project on the local cluster', () => {
  test('every Deployment is Available with all its pods Ready, every StatefulSet ready, every Job complete', async () => {
    const { items } = await kubeJson<{ items: Workload[] }>(['get', 'deployments,statefulsets,jobs'])
    const names = (kind: string) =>
      items
        .filter((w) => w.kind === kind)
        .map((w) => w.metadata.name)
        .sort()
    assert.deepEqual(names('Deployment'), [...processes.map((p) => p.name), 'dtm', 'nginx-gateway', 'wechat-sandbox'].sort())
    assert.deepEqual(names('StatefulSet'), ['kafka', 'mariadb', 'redis'])
    assert.deepEqual(names('Job'), ['kafka-topics', 'mysql-schema'])
    for (const w of items) {
      const what = `${w.kind}/${w.metadata.name}`
      if (w.kind === 'Job') {
        assert.equal(condition(w.status.conditions, 'Complete'), 'True', what)
        continue
      }
      const want = w.spec.replicas ?? 1
      assert.ok(want >= 1, what)
      assert.equal(w.status.readyReplicas, want, `${what}: ready replicas`)
      assert.equal(w.status.updatedReplicas, want, `${what}: updated replicas`)
      if (w.kind === 'Deployment') assert.equal(condition(w.status.conditions, 'Available'), 'True', `${what} Available`)
    }
    const pods = (await kubeJson<{ items: Pod[] }>(['get', 'pods'])).items
    for (const pod of pods) {
      if (pod.metadata.ownerReferences?.some((o) => o.kind === 'Job')) {
        assert.equal(pod.status.phase, 'Succeeded', pod.metadata.name)
        continue
      }
      if (pod.metadata.deletionTimestamp) continue
      assert.ok(podReady(pod), `${pod.metadata.name} is Ready (${JSON.stringify(pod.status.conditions)})`)
      assert.ok(
        pod.status.containerStatuses?.every((c) => c.ready),
        pod.metadata.name,
      )
    }
  })

  test("each rpc's headless Service lists exactly its ready pods, and resolves to them in the cluster's DNS", async () => {
    const rpcs = processes.filter((p) => p.kind === 'rpc')
    assert.ok(rpcs.length >= 5)
    const slices = await kubeJson<{
      items: {
        metadata: { labels: Record<string, string> }
        endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[]
      }[]
    }>(['get', 'endpointslices'])
    const pods = (await kubeJson<{ items: Pod[] }>(['get', 'pods'])).items
    for (const rpc of rpcs) {
      const svc = await kubeJson<{ spec: { clusterIP: string } }>(['get', 'service', rpc.name])
      assert.equal(svc.spec.clusterIP, 'None', `${rpc.name} is headless`)
      const ready = pods
        .filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === rpc.name && podReady(p))
        .map((p) => p.status.podIP!)
        .sort()
      assert.ok(ready.length >= 1, `${rpc.name} has a ready pod`)
      const listed = slices.items
        .filter((s) => s.metadata.labels['kubernetes.io/service-name'] === rpc.name)
        .flatMap((s) => s.endpoints ?? [])
        .filter((e) => e.conditions?.ready !== false)
        .flatMap((e) => e.addresses)
        .sort()
      assert.deepEqual(listed, ready, `${rpc.name}: endpoints`)
    }
    // What an rpc client's dns:/// target sees: from an api pod, the rpc's name gives its pods' addresses.
    const script = `const dns = require('node:dns').promises
      Promise.all(process.argv.slice(1).map((n) => dns.resolve4(n + '.looklook.svc.cluster.local').then((a) => n + '=' + a.sort().join(','))))
        .then((lines) => console.log(lines.join('\\n')))`
    const out = ok(
      await kubectl(['exec', 'deployment/order-api', '--', 'node', '-e', script, ...rpcs.map((r) => r.name)], 60_000),
      'resolving the rpcs in order-api',
    )
    for (const rpc of rpcs) {
      const ready = pods
        .filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === rpc.name && podReady(p))
        .map((p) => p.status.podIP!)
        .sort()
      assert.match(out, new RegExp(`^${rpc.name}=${ready.join(',').replaceAll('.', '\\.')}$`, 'm'), out)
    }
  })

  test('a mobile user registers, logs in and reads the profile through the NodePort 30888', async () => {
    const mobile = uniqueMobile()
    const password = 'k8s-secret-1'
    const reg = await post<{ accessToken: string }>('/usercenter/v1/user/register', { mobile, password }, { baseUrl: GATEWAY })
    assert.equal(reg.status, 200, reg.text)
    assert.equal(reg.body.code, 200, reg.text)
    const login = await post<{ accessToken: string }>('/usercenter/v1/user/login', { mobile, password }, { baseUrl: GATEWAY })
    assert.equal(login.body.code, 200, login.text)
    const token = login.body.data?.accessToken ?? ''
    assert.ok(token)
    const detail = await post<{ userInfo: { mobile: string } }>('/usercenter/v1/user/detail', {}, { baseUrl: GATEWAY, token })
    assert.equal(detail.body.code, 200, detail.text)
    assert.equal(detail.body.data?.userInfo.mobile, mobile)
    // Without a token the gateway's verifier refuses the profile.
    const anonymous = await post('/usercenter/v1/user/detail', {}, { baseUrl: GATEWAY })
    assert.equal(anonymous.status, 401, anonymous.text)
  })

  test('a mini-program guest books a night and pays in the sandbox; the notice through the in-cluster gateway makes the order paid', async () => {
    // The cluster's database outlives test runs: a night far ahead, different for each run.
    await bookAndPay(GATEWAY, SANDBOX, { nickName: `k8s-${Date.now()}`, remark: 'k8s journey', firstDay: 30 + randomInt(300) })
  })
})
