// Shared by the container tests: the engine `./looklook containers up` started (Debian's client on the
// standard socket), Compose v2 as its plugin, the locally built base images, and builds of this
// repository's Dockerfile on them. Every command has a bounded timeout.
import { execFile } from 'node:child_process'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const root = join(import.meta.dirname, '../..')
const run = promisify(execFile)

/** Debian's client: it carries BuildKit's session client, which the Dockerfile's `RUN --mount` needs. */
export const DOCKER = '/usr/bin/docker'
/** Compose v2, installed as the client's plugin by `./looklook containers up`. */
export const COMPOSE = process.env.LOOKLOOK_COMPOSE ?? join(homedir(), '.docker/cli-plugins/docker-compose')

/** The images `./looklook containers up` builds, by the variable the Compose files read them from. */
export const LOCAL_IMAGES: Record<string, string> = {
  NODE_IMAGE: 'looklook/node:24',
  MYSQL_IMAGE: 'looklook/mariadb:10.11',
  REDIS_IMAGE: 'looklook/redis:7',
  NGINX_IMAGE: 'looklook/nginx:1.22',
  PROMETHEUS_IMAGE: 'looklook/prometheus:2',
  KAFKA_IMAGE: 'looklook/kafka:4.1',
  JAEGER_IMAGE: 'looklook/jaeger:2',
  DTM_IMAGE: 'looklook/dtm:1.19',
}

export interface Result {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command; returns its exit code and output instead of throwing. */
export async function sh(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(cmd, args, {
      cwd: root,
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
      maxBuffer: 256 * 1024 * 1024,
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean }
    const code = typeof e.code === 'number' ? e.code : 1
    return { code, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}${e.killed ? '\n(timed out)' : ''}` }
  }
}

export function docker(args: string[], timeoutMs = 60_000): Promise<Result> {
  return sh(DOCKER, args, { timeoutMs, env: { DOCKER_BUILDKIT: '1' } })
}

/** Fails with the command's output when it did not exit 0. */
export function ok(r: Result, what: string): string {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`)
  return r.stdout
}

/**
 * Builds one stage of the Dockerfile on the local Node image. Repeated builds reuse the layer cache
 * and the pnpm store's cache mount, so every test file may build what it needs.
 */
export async function buildApp(tag: string, target: 'dev' | 'process', service?: string): Promise<void> {
  const args = ['build', '--progress=plain', '--target', target, '--build-arg', `NODE_IMAGE=${LOCAL_IMAGES.NODE_IMAGE}`, '--tag', tag]
  if (service) args.push('--build-arg', `SERVICE=${service}`)
  ok(await docker([...args, '.'], 900_000), `docker build --target ${target} ${service ?? ''}`)
}

/** The names of the containers, networks or volumes labelled with a Compose project. */
export async function projectObjects(project: string): Promise<string[]> {
  const filter = `label=com.docker.compose.project=${project}`
  const lists = await Promise.all([
    docker(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']),
    docker(['network', 'ls', '--filter', filter, '--format', '{{.Name}}']),
    docker(['volume', 'ls', '--filter', filter, '--format', '{{.Name}}']),
  ])
  return lists.flatMap((r) => ok(r, 'docker ls').split('\n').filter(Boolean))
}
