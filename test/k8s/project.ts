// Shared by the tests of the project on the local cluster (`./looklook k8s up` brings the cluster up and
// applies deploy/k8s/overlays/local): kubectl and the cluster's ctr with bounded timeouts, the NodePort
// addresses, the workloads' state, and a bounded load of sequential requests through the gateway.
import { join } from 'node:path'
import { ok, type Result, root, sh } from '../containers/docker.ts'

export { ok, type Result, root, sh }

/** The kubectl `./looklook k8s up` writes (it carries the admin kubeconfig). */
export const KUBECTL = process.env.KUBECTL ?? join(root, 'data/k8s/bin/kubectl')
/** The cluster's own containerd (scripts/k8s.sh), where the images are imported. */
export const CONTAINERD_SOCK = process.env.K8S_CONTAINERD_SOCK ?? join(root, 'data/k8s/run/containerd.sock')
export const NAMESPACE = 'looklook'
/** The gateway's and the WeChat sandbox's NodePorts, bound to loopback. */
export const GATEWAY = 'http://127.0.0.1:30888'
export const SANDBOX = 'http://127.0.0.1:30960'

/** kubectl in the project's namespace. */
export function kubectl(args: string[], timeoutMs = 60_000): Promise<Result> {
  return sh(KUBECTL, ['--namespace', NAMESPACE, ...args], { timeoutMs })
}

export async function kubeJson<T>(args: string[]): Promise<T> {
  return JSON.parse(ok(await kubectl([...args, '-o', 'json']), `kubectl ${args.join(' ')}`)) as T
}

/** ctr on the cluster's containerd, in the namespace the kubelet's images live in. */
export function ctr(args: string[], timeoutMs = 120_000): Promise<Result> {
  return sh('ctr', ['--address', CONTAINERD_SOCK, '--namespace', 'k8s.io', ...args], { timeoutMs })
}

export interface Condition {
  type: string
  status: string
}

export interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { kind: string }[] }
  spec: { containers: { image: string }[] }
  status: { phase: string; podIP?: string; conditions?: Condition[]; containerStatuses?: { ready: boolean; restartCount: number }[] }
}

export interface Workload {
  kind: string
  metadata: { name: string; generation: number }
  spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } }
  status: {
    observedGeneration?: number
    replicas?: number
    readyReplicas?: number
    updatedReplicas?: number
    availableReplicas?: number
    succeeded?: number
    currentRevision?: string
    updateRevision?: string
    conditions?: Condition[]
  }
}

export const condition = (conditions: Condition[] | undefined, type: string) => conditions?.find((c) => c.type === type)?.status

export function podReady(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp === undefined && condition(pod.status.conditions, 'Ready') === 'True'
}

/** The pods a Deployment's name label selects. */
export async function podsOf(name: string): Promise<Pod[]> {
  return (await kubeJson<{ items: Pod[] }>(['get', 'pods', '--selector', `app.kubernetes.io/name=${name}`])).items
}

/**
 * Whether a Deployment rolled out: every replica on the current template and available, no pod of an
 * older one left; with `image`, the pods run it.
 */
export async function deploymentSettled(name: string, replicas: number, image?: string): Promise<boolean> {
  const dep = await kubeJson<Workload>(['get', 'deployment', name])
  const s = dep.status
  if ((s.observedGeneration ?? 0) < dep.metadata.generation) return false
  if (dep.spec.replicas !== replicas || s.replicas !== replicas || s.updatedReplicas !== replicas || s.availableReplicas !== replicas)
    return false
  const pods = await podsOf(name)
  const ready = pods.filter(podReady)
  return (
    pods.length === replicas &&
    ready.length === replicas &&
    (image === undefined || ready.every((p) => p.spec.containers[0]?.image === image))
  )
}

export async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs: number, intervalMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await fn().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Fails with what to run when the cluster or the project on it is not there. */
export async function requireProject(): Promise<void> {
  const nodes = await sh(KUBECTL, ['get', 'nodes', '--no-headers'], { timeoutMs: 20_000 })
  if (nodes.code !== 0 || !/\sReady\s/.test(nodes.stdout))
    throw new Error(`no Ready node (run ./looklook k8s up first): ${nodes.stderr}${nodes.stdout}`)
  const gw = await fetch(`${GATEWAY}/healthz`, { signal: AbortSignal.timeout(5000) }).catch((err: Error) => err)
  if (gw instanceof Error || gw.status !== 200)
    throw new Error(`the gateway does not answer on ${GATEWAY}/healthz (run ./looklook k8s up first)`)
}

export interface Load {
  /** Stops the clients after their current request and gives the counts. */
  stop(): Promise<{ requests: number; failures: string[] }>
}

/**
 * `clients` loops of sequential requests through the gateway, each `send()` a success or a failure with
 * its reason; bounded by `maxRequests` per client and `maxMs` in all, so a stuck test stops by itself.
 */
export function startLoad(clients: number, send: () => Promise<string | undefined>, opts: { maxRequests: number; maxMs: number }): Load {
  let stopping = false
  let requests = 0
  const failures: string[] = []
  const deadline = Date.now() + opts.maxMs
  const loops = Array.from({ length: clients }, async () => {
    for (let i = 0; i < opts.maxRequests && !stopping && Date.now() < deadline; i++) {
      requests++
      const failure = await send().catch((err: Error) => `${err.name}: ${err.message}${causeOf(err)}`)
      if (failure !== undefined) failures.push(`${new Date().toISOString()} ${failure}`)
    }
  })
  return {
    async stop() {
      stopping = true
      await Promise.all(loops)
      return { requests, failures }
    },
  }
}

/** What a network error of fetch wraps ("fetch failed" alone does not say whether it was a reset, a refusal …). */
function causeOf(err: Error): string {
  const cause = err.cause as { code?: string; message?: string } | undefined
  return cause ? ` (${cause.code ?? cause.message ?? String(cause)})` : ''
}

/** One request through the gateway; undefined when it answered 200 with code 200, else why not. */
export async function gatewayCall(path: string, body: unknown, token?: string): Promise<string | undefined> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = token
  const res = await fetch(`${GATEWAY}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  if (res.status !== 200) return `${path}: HTTP ${res.status} ${text.slice(0, 200)}`
  const code = (JSON.parse(text) as { code?: number }).code
  return code === 200 ? undefined : `${path}: code ${code} ${text.slice(0, 200)}`
}
