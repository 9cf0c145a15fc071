// scripts/apps.ts, which tells ./looklook what to start: discovery over a made-up tree, start order,
// ${ENV} resolution, and the readiness wait.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)
const script = join(import.meta.dirname, '../../scripts/apps.ts')
const tree = mkdtempSync(join(tmpdir(), 'looklook-apps-'))
const servers: Server[] = []

after(async () => {
  rmSync(tree, { recursive: true, force: true })
  for (const s of servers) await new Promise((resolve) => s.close(resolve))
})

function put(path: string, text: string): void {
  mkdirSync(dirname(join(tree, path)), { recursive: true })
  writeFileSync(join(tree, path), text)
}

async function apps(env: Record<string, string> = {}): Promise<string[][]> {
  const { stdout } = await run(process.execPath, [script, 'list'], { env: { ...process.env, ...env, LOOKLOOK_APPS_ROOT: tree } })
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'))
}

test('discovers processes by src/main.ts + etc/*.yaml and orders tools, rpc, workers, apis', async () => {
  put('app/identity/api/src/main.ts', '')
  put(
    'app/identity/api/etc/identity-api.yaml',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference, as the YAML files hold it
    'Name: identity-api\nHost: 127.0.0.1\nPort: ${IDENTITY_API_PORT:-8001}\nPrometheus:\n  Port: 4001\n',
  )
  put('app/identity/rpc/src/main.ts', '')
  put(
    'app/identity/rpc/etc/identity-rpc.yaml',
    'Name: identity-rpc\nListenOn: 0.0.0.0:9001\nPrometheus:\n  Host: 127.0.0.1\n  Port: 4101\n',
  )
  put('app/mqueue/scheduler/src/main.ts', '')
  put('app/mqueue/scheduler/etc/mqueue-scheduler.yaml', 'Name: mqueue-scheduler\nPrometheus:\n  Port: 4206\n')
  put('tools/wechat-sandbox/src/main.ts', '')
  put('tools/wechat-sandbox/etc/wechat-sandbox.yaml', 'Name: wechat-sandbox\nPort: 8960\n')
  // Not processes: a model package, an api without config, a directory inside node_modules.
  put('app/order/model/src/index.ts', '')
  put('app/order/api/src/main.ts', '')
  put('app/order/node_modules/x/src/main.ts', '')

  const list = await apps({ IDENTITY_API_PORT: '18001' })
  assert.deepEqual(
    list.map(([name, group, dir, probe, host, port, servicePort]) => [
      name,
      group,
      dir?.slice(tree.length + 1),
      probe,
      host,
      port,
      servicePort,
    ]),
    [
      ['wechat-sandbox', 'tools', 'tools/wechat-sandbox', 'tcp', '127.0.0.1', '8960', '8960'],
      ['identity-rpc', 'rpc', 'app/identity/rpc', 'http', '127.0.0.1', '4101', '9001'],
      ['mqueue-scheduler', 'worker', 'app/mqueue/scheduler', 'http', '127.0.0.1', '4206', '4206'],
      ['identity-api', 'api', 'app/identity/api', 'http', '127.0.0.1', '4001', '18001'],
    ],
  )
})

test('a yaml that names an unset variable without default is reported, not guessed', async () => {
  put('app/broken/api/src/main.ts', '')
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference, as the YAML files hold it
  put('app/broken/api/etc/broken-api.yaml', 'Name: broken-api\nPort: ${LOOKLOOK_UNSET_PORT_FOR_TEST}\n')
  await assert.rejects(apps(), (err: Error & { stderr?: string }) => {
    assert.match(err.stderr ?? '', /LOOKLOOK_UNSET_PORT_FOR_TEST/)
    return true
  })
  rmSync(join(tree, 'app/broken'), { recursive: true })
})

test('wait returns once every probe answers and names a process that is gone', async () => {
  const health = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? 200 : 404
    res.end()
  })
  servers.push(health)
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve))
  const port = (health.address() as AddressInfo).port
  const alive = process.pid

  const ok = await run(process.execPath, [script, 'wait', '5', `a,${alive},http,127.0.0.1,${port}`, `b,${alive},tcp,127.0.0.1,${port}`])
  assert.equal(ok.stdout, '')

  // A pid that cannot exist stands for a process that died during start-up; its port never opens.
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port
      s.close(() => resolve(p))
    })
  })
  // The live one is still waited for and is not reported; only the dead one is.
  const specs = [`dead-app,4194304,tcp,127.0.0.1,${closed}`, `live-app,${alive},http,127.0.0.1,${port}`]
  await assert.rejects(run(process.execPath, [script, 'wait', '5', ...specs]), (err: Error & { code?: number; stdout?: string }) => {
    assert.equal(err.code, 2)
    assert.equal(err.stdout, 'dead-app\texited during start-up\n')
    return true
  })
})
