// The local cluster on the host (scripts/k8s.sh): what a pod can reach and what the host exposes. Pods
// live on the bridge with a route to the Services only, CoreDNS forwards nothing, and NodePorts answer on
// loopback alone.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { before, test } from 'node:test'
import { GATEWAY, kubectl, ok, requireProject } from './project.ts'

before(requireProject, { timeout: 60_000 })

/** Runs a Node.js script in a pod of order-api (its image has node) and parses the JSON it prints. */
async function inPod<T>(script: string): Promise<T> {
  const out = ok(await kubectl(['exec', 'deployment/order-api', '--', 'node', '-e', script], 60_000), 'kubectl exec')
  return JSON.parse(out.trim().split('\n').at(-1) ?? 'null') as T
}

/** How a TCP connect from inside a pod ends within 3 s: `connected`, an errno code, or `timeout`. */
const probe = `
const net = require('node:net')
const dns = require('node:dns').promises
const tcp = (host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 3000 })
  s.on('connect', () => { s.destroy(); resolve('connected') })
  s.on('timeout', () => { s.destroy(); resolve('timeout') })
  s.on('error', (e) => resolve(e.code))
})
const name = (n) => dns.lookup(n).then((a) => a.address, (e) => e.code)
Promise.all([tcp('192.0.2.1', 80), tcp('8.8.8.8', 53), tcp('kubernetes.default.svc.cluster.local', 443),
  name('example.com'), name('kubernetes.default.svc.cluster.local')])
  .then(([offMachine, publicDns, api, outsideName, apiName]) =>
    console.log(JSON.stringify({ offMachine, publicDns, api, outsideName, apiName })))
`

test('pods reach no address off the machine and resolve only cluster names', async () => {
  const seen = await inPod<Record<string, string>>(probe)
  // The API Service is reachable and named: the pod's network works, so the refusals below are the confinement.
  assert.equal(seen.api, 'connected', JSON.stringify(seen))
  assert.equal(seen.apiName, '10.96.0.1', JSON.stringify(seen))
  // No route at all (the host itself reaches 8.8.8.8 here): the connect fails at once, nothing is sent.
  assert.equal(seen.offMachine, 'ENETUNREACH', JSON.stringify(seen))
  assert.equal(seen.publicDns, 'ENETUNREACH', JSON.stringify(seen))
  assert.ok(['ENOTFOUND', 'EAI_AGAIN', 'ESERVFAIL', 'EREFUSED'].includes(seen.outsideName ?? ''), JSON.stringify(seen))
})

/** Whether a TCP connect from the host to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 3000 })
    s.on('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.on('timeout', () => {
      s.destroy()
      resolve(false)
    })
    s.on('error', () => resolve(false))
  })
}

test("the gateway's NodePort answers on loopback and on none of the host's other addresses", async () => {
  const res = await fetch(`${GATEWAY}/healthz`, { signal: AbortSignal.timeout(5000) })
  assert.equal(res.status, 200)
  const others = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a?.address ?? '')
  // The bridge's own address is one of them, so the list is never empty.
  assert.ok(others.includes('10.244.0.1'), others.join(', '))
  for (const address of others) assert.equal(await accepts(address, 30888), false, `NodePort 30888 on ${address}`)
})
