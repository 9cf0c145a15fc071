// scripts/registry.ts, the one place that knows the processes: discovery over a made-up tree, the port
// rule a new domain's processes get their ports from, and the docs' process tables.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import {
  byDomain,
  discover,
  domainNumbers,
  metricsPortTable,
  nextDomainNumber,
  portsOf,
  processTable,
  publicRoutes,
  readmeProcessTable,
} from '../../scripts/registry.ts'

const tree = mkdtempSync(join(tmpdir(), 'looklook-registry-'))
after(() => rmSync(tree, { recursive: true, force: true }))

function put(path: string, text: string): void {
  mkdirSync(dirname(join(tree, path)), { recursive: true })
  writeFileSync(join(tree, path), text)
}

function proc(path: string, yaml: string): void {
  put(`${path}/src/main.ts`, '')
  put(`${path}/etc/${yaml.match(/^Name: (\S+)/)![1]}.yaml`, yaml)
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference, as the YAML files hold it
proc('app/identity/api', 'Name: identity-api\nPort: ${IDENTITY_API_PORT:-8001}\nPrometheus:\n  Port: 4001\nNoAuthUrls:\n  - /shop/\n')
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference, as the YAML files hold it
proc('app/shop/rpc', 'Name: shop-rpc\nListenOn: ${SHOP_RPC_LISTEN:-127.0.0.1:9003}\nPrometheus:\n  Port: 4103\n  Path: /m\n')
proc('app/shop/scheduler', 'Name: shop-scheduler\nPrometheus:\n  Port: 4203\n')
proc('app/shop/mq', 'Name: shop-mq\nPrometheus:\n  Port: 4203\n')
proc('tools/sandbox', 'Name: sandbox\nPort: 8960\n')
put('app/shop/model/src/index.ts', '')

test('every process with its domain, kind, start group, folder, etc file, ports and routes', () => {
  const procs = discover({ root: tree, env: { IDENTITY_API_PORT: '18001' } })
  assert.deepEqual(
    procs.map((p) => [p.name, p.domain, p.kind, p.group, p.dir, p.etc, p.port, p.metricsPort, p.metricsPath, p.routes]),
    [
      ['sandbox', 'sandbox', 'tool', 'tools', 'tools/sandbox', 'tools/sandbox/etc/sandbox.yaml', 8960, undefined, '/metrics', undefined],
      ['shop-rpc', 'shop', 'rpc', 'rpc', 'app/shop/rpc', 'app/shop/rpc/etc/shop-rpc.yaml', 9003, 4103, '/m', undefined],
      ['shop-mq', 'shop', 'mq', 'worker', 'app/shop/mq', 'app/shop/mq/etc/shop-mq.yaml', undefined, 4203, '/metrics', undefined],
      [
        'shop-scheduler',
        'shop',
        'scheduler',
        'worker',
        'app/shop/scheduler',
        'app/shop/scheduler/etc/shop-scheduler.yaml',
        undefined,
        4203,
        '/metrics',
        undefined,
      ],
      [
        'identity-api',
        'identity',
        'api',
        'api',
        'app/identity/api',
        'app/identity/api/etc/identity-api.yaml',
        18001,
        4001,
        '/metrics',
        '/identity/',
      ],
    ],
  )
  assert.deepEqual(publicRoutes(tree), ['/shop/'])
})

test('ports follow the domain number, and a new domain takes the one after the highest in use', () => {
  const procs = discover({ root: tree })
  assert.deepEqual(
    [...domainNumbers(procs)],
    [
      ['shop', 3],
      ['identity', 1],
    ],
  )
  assert.equal(nextDomainNumber(procs), 4)
  assert.deepEqual(portsOf('api', 4), { port: 8004, metricsPort: 4004 })
  assert.deepEqual(portsOf('rpc', 4), { port: 9004, metricsPort: 4104 })
  assert.deepEqual(portsOf('mq', 4), { port: undefined, metricsPort: 4204 })
  assert.throws(() => portsOf('api', 100), /outside 1\.\.99/)
  assert.deepEqual(
    byDomain(procs).map((p) => p.name),
    ['identity-api', 'shop-rpc', 'shop-mq', 'shop-scheduler'],
  )
})

test("the repository's processes follow the rule: no two share a port, each domain has one number", () => {
  const procs = discover()
  const ports = procs.flatMap((p) => [p.port, p.metricsPort]).filter((n) => n !== undefined)
  assert.equal(new Set(ports).size, ports.length, `a port used twice: ${ports.join(' ')}`)
  const numbers = domainNumbers(procs)
  for (const p of procs.filter((q) => q.kind !== 'tool')) {
    const n = numbers.get(p.domain)
    assert.ok(n !== undefined, `${p.name} has no domain number`)
    const expected = portsOf(p.kind as 'api' | 'rpc' | 'mq' | 'scheduler', n)
    assert.equal(p.metricsPort, expected.metricsPort, `${p.name} metrics port`)
    if (p.kind === 'api' || p.kind === 'rpc') assert.equal(p.port, expected.port, `${p.name} port`)
  }
})

test('the process table gets a row per process, loses the rows of processes gone, keeps the gateway row and tool descriptions', () => {
  const doc = [
    'intro',
    '',
    '| process | folder | kind | port | metrics |',
    '| --- | --- | --- | --- | --- |',
    '| nginx-gateway | `deploy/nginx/` | nginx | 8888 | – |',
    '| gone-api | `app/gone/api/` | Fastify | 8009 | 4009 |',
    '| sandbox | `tools/sandbox/` | HTTP, tests only | 8960 | – |',
    '',
    'after',
  ].join('\n')
  const out = processTable(doc, discover({ root: tree }))
  assert.equal(
    out,
    [
      'intro',
      '',
      '| process | folder | kind | port | metrics |',
      '| --- | --- | --- | --- | --- |',
      '| nginx-gateway | `deploy/nginx/` | nginx | 8888 | – |',
      '| identity-api | `app/identity/api/` | Fastify | 8001 | 4001 |',
      '| shop-rpc | `app/shop/rpc/` | gRPC | 9003 | 4103 |',
      '| shop-mq | `app/shop/mq/` | worker | – | 4203 |',
      '| shop-scheduler | `app/shop/scheduler/` | worker | – | 4203 |',
      '| sandbox | `tools/sandbox/` | HTTP, tests only | 8960 | – |',
      '',
      'after',
    ].join('\n'),
  )
})

test("README's table: the gateway row as written, one row per domain, tools by port keeping their description; stale ports are rewritten", () => {
  const doc = [
    '| process | kind | port | metrics |',
    '| --- | --- | --- | --- |',
    '| nginx-gateway | nginx | 8888 | – |',
    '| identity-api | Fastify | 8099 | 4099 |',
    '| gone-api / gone-rpc | Fastify / gRPC | 8009 / 9009 | 4009 / 4109 |',
    '| sandbox | HTTP (tests only) | 1 | – |',
    '',
    'after',
  ].join('\n')
  assert.equal(
    readmeProcessTable(doc, discover({ root: tree })),
    [
      '| process | kind | port | metrics |',
      '| --- | --- | --- | --- |',
      '| nginx-gateway | nginx | 8888 | – |',
      '| identity-api | Fastify | 8001 | 4001 |',
      '| shop-rpc / shop-mq / shop-scheduler | gRPC / worker / worker | 9003 / – / – | 4103 / 4203 / 4203 |',
      '| sandbox | HTTP (tests only) | 8960 | – |',
      '',
      'after',
    ].join('\n'),
  )
})

test("doc/metrics.md's table: an api beside its domain's rpc, then the other processes with a metrics port, two a row", () => {
  const doc = ['| process | metrics port | | process | metrics port |', '|---|---|---|---|---|', '| identity-api | 1 | | | |', ''].join(
    '\n',
  )
  // The made-up tree has no api and rpc of one domain: add shop-api to see the pairing.
  proc('app/shop/api', 'Name: shop-api\nPort: 8003\nPrometheus:\n  Port: 4003\n')
  try {
    assert.equal(
      metricsPortTable(doc, discover({ root: tree })),
      [
        '| process | metrics port | | process | metrics port |',
        '|---|---|---|---|---|',
        '| shop-api | 4003 | | shop-rpc | 4103 |',
        '| identity-api | 4001 | | shop-mq | 4203 |',
        '| shop-scheduler | 4203 | | | |',
        '',
      ].join('\n'),
    )
  } finally {
    rmSync(join(tree, 'app/shop/api'), { recursive: true, force: true })
  }
})
