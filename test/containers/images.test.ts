// The Dockerfile built for real without a registry, on the Node image `./looklook containers up` makes:
// the dev image (every dependency, any process) and the process images of order-api and order-rpc (one
// process, production dependencies, non-root, root-owned files).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { buildApp, docker, LOCAL_IMAGES, ok } from './docker.ts'

const TAG = `ctest-${process.pid}`
const images = { dev: `looklook/dev:${TAG}`, orderApi: `looklook/order-api:${TAG}`, orderRpc: `looklook/order-rpc:${TAG}` }

before(
  async () => {
    await buildApp(images.dev, 'dev')
    await buildApp(images.orderApi, 'process', 'app/order/api')
    await buildApp(images.orderRpc, 'process', 'app/order/rpc')
  },
  { timeout: 1_800_000 },
)

after(async () => {
  await docker(['image', 'rm', '--force', ...Object.values(images)])
})

async function inspect(image: string): Promise<{ User: string; WorkingDir: string; Cmd: string[]; Labels: Record<string, string> | null }> {
  return JSON.parse(ok(await docker(['image', 'inspect', '--format', '{{json .Config}}', image]), `inspect ${image}`))
}

/** Runs a command in a throw-away container of the image, read-only and without network. */
async function inImage(image: string, ...cmd: string[]) {
  return docker(['run', '--rm', '--read-only', '--network', 'none', '--entrypoint', cmd[0]!, image, ...cmd.slice(1)])
}

test('every base image carries the recipe it was built from', async () => {
  for (const image of ['looklook/debian:bookworm', ...Object.values(LOCAL_IMAGES)]) {
    const config = await inspect(image)
    assert.match(config.Labels?.['org.looklook.recipe'] ?? '', /^[0-9a-f]{16}$/, image)
  }
})

test('the process images run one process from its folder as the node user, on Node 24', async () => {
  for (const [image, dir] of [
    [images.orderApi, 'app/order/api'],
    [images.orderRpc, 'app/order/rpc'],
  ] as const) {
    const config = await inspect(image)
    assert.equal(config.User, 'node')
    assert.equal(config.WorkingDir, `/app/${dir}`)
    assert.deepEqual(config.Cmd, ['node', 'src/main.ts'])
    const version = await inImage(image, 'node', '--version')
    assert.match(ok(version, 'node --version'), /^v24\./)
    // The apps' V8 flags, as scripts/apps.sh gives them to the local processes.
    const options = await inImage(image, 'node', '-p', 'process.env.NODE_OPTIONS')
    assert.equal(ok(options, 'NODE_OPTIONS').trim(), '--max-semi-space-size=4')
    const arenas = await inImage(image, 'node', '-p', 'process.env.MALLOC_ARENA_MAX')
    assert.equal(ok(arenas, 'MALLOC_ARENA_MAX').trim(), '1')
    const id = await inImage(image, 'id', '-u')
    assert.equal(ok(id, 'id -u').trim(), '1000')
    // The files are root's: the process cannot change its own code.
    const write = await inImage(image, 'sh', '-c', 'touch /app/x 2>&1 || echo refused')
    assert.match(write.stdout, /refused/)
  }
})

test('a process image holds its own production dependencies only; the dev image holds every one', async () => {
  const load = (pkg: string) => `import(${JSON.stringify(pkg)}).then(() => console.log('loaded'))`
  const api = await inImage(images.orderApi, 'node', '-e', load('@sinclair/typebox'))
  assert.equal(api.stdout.trim(), 'loaded', api.stderr)
  const rpc = await inImage(images.orderRpc, 'node', '-e', load('@looklook/xerr'))
  assert.equal(rpc.stdout.trim(), 'loaded', rpc.stderr)
  // Neither the workspace's development tools nor another process's dependencies.
  const absent = 'test -e /app/node_modules/typescript || test -e /app/tools/wechat-sandbox/node_modules || echo absent'
  assert.equal((await inImage(images.orderApi, 'sh', '-c', absent)).stdout.trim(), 'absent')
  const present = 'test -e /app/node_modules/typescript && test -e /app/tools/wechat-sandbox/node_modules && echo present'
  const dev = await inImage(images.dev, 'sh', '-c', present)
  assert.equal(dev.stdout.trim(), 'present', dev.stderr)
})
