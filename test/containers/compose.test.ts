// docker-compose-env.yml and docker-compose.yml on a real engine, with the images built on this machine
// in place of the official ones (the files' *_IMAGE variables): the infrastructure, the gateway and every
// process come up, and a guest books and pays through the gateway and the WeChat sandbox. An override
// file keeps the run off the local stack: no port of the files is published, the gateway and the sandbox
// only on free loopback ports, and the network has a name of its own. Everything is removed at the end.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { post, request, waitFor } from '@looklook/testkit'
import { parse } from 'yaml'
import { bookAndPay } from './booking.ts'
import { buildApp, COMPOSE, docker, LOCAL_IMAGES, ok, projectObjects, root, sh } from './docker.ts'

const id = `ctest${process.pid}`
const projects = { env: `looklook-${id}-env`, app: `looklook-${id}-app` }
const network = `looklook_${id}`
const dir = mkdtempSync(join(tmpdir(), 'looklook-compose-'))
const images = {
  ...LOCAL_IMAGES,
  LOOKLOOK_DEV_IMAGE: `looklook/dev:${id}`,
  BULL_BOARD_IMAGE: `looklook/bull-board:${id}`,
}
let gateway = ''
let sandbox = ''

// The hot-reload test edits a real source file of usercenter-api, since `develop.watch` copies from the
// checkout's folders: a module main.ts imports, so the appended line runs at start (main.ts itself awaits
// the process's whole life at its end). The line carries this tag, and every way out removes tagged lines:
// the test's finally, the file's after hook, the process's exit and signals, and the start of the next run,
// should one have been killed. Only the tagged line goes, so an edit someone else makes meanwhile stays.
const reloadSource = join(root, 'app/usercenter/api/src/config.ts')
const PROBE_TAG = '// looklook containers test: hot-reload probe, removed at its end'

function removeProbe(): void {
  const text = readFileSync(reloadSource, 'utf8')
  const kept = text
    .split('\n')
    .filter((line) => !line.endsWith(PROBE_TAG))
    .join('\n')
  if (kept !== text) writeFileSync(reloadSource, kept)
}
removeProbe()
process.on('exit', removeProbe)
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    removeProbe()
    process.kill(process.pid, signal)
  })

interface ComposeFile {
  services: Record<string, { profiles?: string[] }>
}

const envFile = parse(readFileSync(join(root, 'docker-compose-env.yml'), 'utf8')) as ComposeFile

/** Resets every service's published ports; `publish` gives some a loopback port Docker picks. */
function override(file: string, publish: Record<string, number>, external: boolean): string {
  const compose = parse(readFileSync(join(root, file), 'utf8')) as ComposeFile
  const lines = ['services:']
  for (const [name, svc] of Object.entries(compose.services)) {
    if (svc.profiles) continue
    const port = publish[name]
    lines.push(`  ${name}:`, port === undefined ? '    ports: !reset []' : `    ports: !override ["127.0.0.1::${port}"]`)
  }
  lines.push('networks:', '  looklook_net:', `    name: ${network}`)
  if (external) lines.push('    external: true')
  const out = join(dir, `override-${file}`)
  writeFileSync(out, `${lines.join('\n')}\n`)
  return out
}

const files = {
  env: ['-f', 'docker-compose-env.yml', '-f', override('docker-compose-env.yml', {}, false)],
  app: ['-f', 'docker-compose.yml', '-f', override('docker-compose.yml', { 'nginx-gateway': 8888, 'wechat-sandbox': 8960 }, true)],
}

function composeArgs(project: keyof typeof projects, args: string[]): string[] {
  return ['--project-name', projects[project], '--project-directory', root, ...files[project], ...args]
}

function compose(project: keyof typeof projects, args: string[], timeoutMs = 120_000) {
  return sh(COMPOSE, composeArgs(project, args), { timeoutMs, env: images })
}

async function published(service: string, port: number): Promise<string> {
  const out = ok(await compose('app', ['port', service, String(port)]), `compose port ${service}`).trim()
  assert.match(out, /^127\.0\.0\.1:\d+$/)
  return `http://${out}`
}

async function logsOnFailure<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const logs = await Promise.all([compose('env', ['logs', '--tail', '40']), compose('app', ['logs', '--tail', '40'])])
    throw new Error(`${what}: ${(err as Error).message}\n${logs.map((l) => l.stdout + l.stderr).join('\n')}`)
  }
}

before(
  async () => {
    await buildApp(images.LOOKLOOK_DEV_IMAGE, 'dev')
    await buildApp(images.BULL_BOARD_IMAGE, 'process', 'tools/bull-board')
    await logsOnFailure('the infrastructure', async () => {
      // The long-running services until healthy (or running), then the one-shot topic creation to its end.
      const core = Object.entries(envFile.services)
        .filter(([name, svc]) => svc.profiles === undefined && name !== 'kafka-topics')
        .map(([name]) => name)
      ok(await compose('env', ['up', '--detach', '--wait', '--wait-timeout', '400', ...core], 480_000), 'compose up docker-compose-env.yml')
      ok(await compose('env', ['up', '--detach', 'kafka-topics'], 120_000), 'compose up kafka-topics')
      ok(await compose('env', ['wait', 'kafka-topics'], 180_000), 'kafka-topics')
    })
    await logsOnFailure('the application', async () => {
      ok(await compose('app', ['up', '--detach', '--no-build'], 300_000), 'compose up docker-compose.yml')
      gateway = await published('nginx-gateway', 8888)
      sandbox = await published('wechat-sandbox', 8960)
      // Fourteen processes start at once; the gateway answers once the apis it routes to do.
      const list = await waitFor(
        async () => {
          const res = await post('/travel/v1/homestay/homestayList', { page: 1, pageSize: 5 }, { baseUrl: gateway }).catch(() => undefined)
          return res?.status === 200 ? res : undefined
        },
        { timeoutMs: 300_000, intervalMs: 1000 },
      )
      assert.ok(list, 'the gateway answers a homestay list')
      const keys = await waitFor(
        async () => {
          const res = await request('/sandbox/keys', undefined, { baseUrl: sandbox, method: 'GET' }).catch(() => undefined)
          return res?.status === 200 ? res : undefined
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      )
      assert.ok(keys, 'the WeChat sandbox answers')
    })
  },
  { timeout: 2_400_000 },
)

after(
  async () => {
    removeProbe()
    // One container at a time: Docker 20.10 (Debian's) can deadlock its network controller when many
    // containers of one network exit at once (moby/moby#42545, fixed after 20.10.24).
    await sh(COMPOSE, composeArgs('app', ['stop', '--timeout', '10']), {
      timeoutMs: 300_000,
      env: { ...images, COMPOSE_PARALLEL_LIMIT: '1' },
    })
    await compose('app', ['down', '--volumes', '--remove-orphans', '--timeout', '10'], 180_000)
    await compose('env', ['down', '--volumes', '--remove-orphans', '--timeout', '10'], 180_000)
    await docker(['image', 'rm', '--force', images.LOOKLOOK_DEV_IMAGE, images.BULL_BOARD_IMAGE])
    rmSync(dir, { recursive: true, force: true })
    const left = [...(await projectObjects(projects.env)), ...(await projectObjects(projects.app))]
    const net = await docker(['network', 'ls', '--filter', `name=^${network}$`, '--format', '{{.Name}}'])
    assert.deepEqual([...left, ...net.stdout.split('\n').filter(Boolean)], [], 'down -v leaves nothing behind')
  },
  { timeout: 600_000 },
)

describe('the Compose files on the locally built images', () => {
  test('every service of both files runs on a local image, and only the gateway and the sandbox are published', async () => {
    const running = ok(await docker(['ps', '--filter', `network=${network}`, '--format', '{{.Image}} {{.Ports}}']), 'docker ps')
    const lines = running.trim().split('\n')
    assert.ok(lines.length >= 20, running)
    for (const line of lines) {
      const [image = '', ...ports] = line.split(' ')
      assert.ok(Object.values(images).includes(image), `${image} is one of the local images`)
      for (const port of ports
        .join(' ')
        .split(', ')
        .filter((p) => p.includes('->')))
        assert.match(port, /^127\.0\.0\.1:\d+->(8888|8960)\/tcp$/)
    }
  })

  test('a guest signs up in the mini-program, books a homestay and pays with WeChat through the gateway', async () => {
    await bookAndPay(gateway, sandbox, { nickName: `compose-${id}`, remark: 'compose', firstDay: 3 })
  })

  test('compose watch copies a source edit into usercenter-api and restarts it on it within seconds, and again on the restored file', async (t) => {
    const logsSince = async (since: string) => {
      const r = await compose('app', ['logs', '--no-log-prefix', '--since', since, 'usercenter-api'], 30_000)
      return ok(r, 'compose logs usercenter-api')
    }
    // usercenter-api's own answer (through usercenter-rpc) to a wrong password, not the gateway's 502.
    const refusedLogin = async () => {
      const res = await post('/usercenter/v1/user/login', { mobile: '13900000000', password: `not-${id}` }, { baseUrl: gateway }).catch(
        () => undefined,
      )
      return res?.status === 400 && /mobile or password/.test(res.text) ? res : undefined
    }
    const inContainer = async () =>
      ok(await compose('app', ['exec', '-T', 'usercenter-api', 'cat', 'src/config.ts'], 30_000), 'compose exec cat')
    // `watch --no-up` only watches: the services run already, and nothing is built.
    const watch = spawn(COMPOSE, composeArgs('app', ['watch', '--no-up', 'usercenter-api']), {
      cwd: root,
      env: { ...process.env, ...images },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    watch.stdout.on('data', (d: Buffer) => {
      output += d.toString()
    })
    watch.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    const exited = new Promise<void>((resolve) => watch.on('close', () => resolve()))
    const guard = setTimeout(() => watch.kill('SIGKILL'), 240_000)
    const marker = `hot reload ${id} ${Date.now()}`
    let restored = false
    let sinceRestore = ''
    try {
      const enabled = await waitFor(async () => output.includes('Watch enabled'), { timeoutMs: 60_000, intervalMs: 200 })
      assert.ok(enabled, `compose watch did not start:\n${output}`)

      const since = new Date().toISOString()
      const t0 = Date.now()
      appendFileSync(reloadSource, `console.log(${JSON.stringify(marker)}) ${PROBE_TAG}\n`)
      // The new code ran: its line is in the container's log, before the restarted process's start lines.
      const restarted = await waitFor(
        async () => {
          const logs = await logsSince(since)
          const at = logs.indexOf(marker)
          return at >= 0 && logs.indexOf('all services started', at) > at ? logs : undefined
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      )
      const seconds = (Date.now() - t0) / 1000
      assert.ok(restarted, `usercenter-api did not restart with the edit within 30 s:\n${output}\n${await logsSince(since)}`)
      assert.match(output, /Syncing service "usercenter-api" after/)
      t.diagnostic(`usercenter-api restarted with the edit ${seconds.toFixed(1)} s after it was saved`)
      assert.ok(seconds < 20, `restarted after ${seconds} s`)
      const served = await refusedLogin()
      assert.ok(served, 'usercenter-api answers through the gateway after the restart')
    } finally {
      sinceRestore = new Date().toISOString()
      removeProbe()
      // Watching stops once the restored file is in the container and the process restarted on it, so the
      // container runs the checkout's code again.
      restored = await waitFor(
        async () =>
          !(await inContainer().catch(() => marker)).includes(marker) && (await logsSince(sinceRestore)).includes('all services started'),
        { timeoutMs: 60_000, intervalMs: 250 },
      )
      watch.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      watch.kill('SIGKILL')
      clearTimeout(guard)
    }
    const ps = await compose('app', ['ps', '--all', 'usercenter-api'], 30_000)
    assert.ok(restored, `usercenter-api did not restart on the restored file:\n${output}\n${ps.stdout}\n${await logsSince(sinceRestore)}`)
    const back = await waitFor(refusedLogin, { timeoutMs: 30_000, intervalMs: 500 })
    assert.ok(back, 'usercenter-api serves through the gateway on the restored code')
  })
})
