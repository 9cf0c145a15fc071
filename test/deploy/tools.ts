// Shared by the deploy tests: the validators scripts/validate-deploy.sh installs (kustomize, kubeconform,
// compose-check, promtool, the Kubernetes JSON schemas) and small helpers to run them.
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse, parseAllDocuments } from 'yaml'

export const root = join(import.meta.dirname, '../..')
const run = promisify(execFile)

export interface Tools {
  kustomize: string
  kubeconform: string
  composeCheck: string
  promtool: string
  schemas: string
  k8sVersions: string[]
}

/** Installs what is missing (a fresh machine builds kustomize: minutes) and returns the paths. */
export function installTools(): Tools {
  const out = execFileSync(join(root, 'scripts/validate-deploy.sh'), ['tools'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const vars = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
  return {
    kustomize: vars.KUSTOMIZE!,
    kubeconform: vars.KUBECONFORM!,
    composeCheck: vars.COMPOSE_CHECK!,
    promtool: vars.PROMTOOL!,
    schemas: vars.K8S_SCHEMAS!,
    k8sVersions: vars.K8S_VERSIONS!.split(' '),
  }
}

export interface Result {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command and returns its exit code and output instead of throwing on failure. */
export async function exec(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<Result> {
  try {
    const child = run(cmd, args, { cwd: opts.cwd ?? root, maxBuffer: 64 * 1024 * 1024 })
    if (opts.input !== undefined) {
      child.child.stdin?.end(opts.input)
    }
    const { stdout, stderr } = await child
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

export interface Probe {
  httpGet?: { path: string; port: string | number }
}

export interface Container {
  name: string
  image: string
  ports?: { name: string; containerPort: number }[]
  env?: { name: string; value?: string }[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  startupProbe?: Probe
  readinessProbe?: Probe
  livenessProbe?: Probe
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  volumeMounts?: { name: string; mountPath: string }[]
}

/** A Kubernetes object as far as these tests read it (kubeconform checks the rest against the schemas). */
export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  spec?: {
    replicas?: number
    template?: {
      spec: {
        containers: Container[]
        imagePullSecrets?: { name: string }[]
        volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[]
      }
    }
    type?: string
    clusterIP?: string
    selector?: Record<string, string>
    ports?: { name: string; port: number }[]
    scaleTargetRef?: { kind: string; name: string }
    minReplicas?: number
    maxReplicas?: number
  }
  data?: Record<string, string>
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null)
}

export function readYaml(path: string): unknown {
  // merge: Compose files share settings through YAML merge keys (<<: *anchor).
  return parse(readFileSync(join(root, path), 'utf8'), { merge: true })
}

/** KEY=value lines (comments and blank lines skipped). */
export function readEnvFile(path: string): Map<string, string> {
  const env = new Map<string, string>()
  for (const line of readFileSync(join(root, path), 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) env.set(m[1]!, m[2]!)
  }
  return env
}
