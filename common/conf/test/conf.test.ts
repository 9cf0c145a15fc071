import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ConfigError, extend, interpolate, loadConfig, parseConfig, RedisConf, RestConf, RpcClientConf } from '../src/index.ts'

const ApiConf = extend(RestConf, { Redis: RedisConf, UsercenterRpc: RpcClientConf })

const good = `
Name: usercenter-api
Port: 8002
Redis:
  Host: 127.0.0.1:6379
UsercenterRpc:
  Endpoints: [127.0.0.1:9002]
`

test('defaults fill what the file leaves out', () => {
  const c = parseConfig(ApiConf, good)
  assert.equal(c.Host, '127.0.0.1')
  assert.equal(c.Timeout, 3000)
  assert.equal(c.MaxBytes, 1048576)
  assert.equal(c.Redis.Pass, '')
  assert.equal(c.UsercenterRpc.Timeout, 2000)
})

test('validation names the bad key', () => {
  const bad = good.replace('Port: 8002', 'Port: eighty').replace('Host: 127.0.0.1:6379', 'Host: ""')
  assert.throws(
    () => parseConfig(ApiConf, bad, 'etc/usercenter-api.yaml'),
    (err: Error) => {
      assert.ok(err instanceof ConfigError)
      assert.match(err.message, /etc\/usercenter-api\.yaml/)
      assert.match(err.message, /\/Port/)
      assert.match(err.message, /\/Redis\/Host/)
      return true
    },
  )
})

test('a missing required key is named', () => {
  assert.throws(() => parseConfig(ApiConf, good.replace('Name: usercenter-api\n', '')), /\/Name/)
})

test('${ENV} and ${ENV:-default} interpolation, numbers converted', () => {
  const env = { API_PORT: '8123', REDIS_HOST: 'redis:6379' }
  const text = good
    .replace('Port: 8002', 'Port: ${API_PORT}')
    .replace('Host: 127.0.0.1:6379', 'Host: ${REDIS_HOST:-127.0.0.1:6379}\n  Pass: ${REDIS_PASS:-}')
  const c = parseConfig(ApiConf, text, 'x', env)
  assert.equal(c.Port, 8123)
  assert.equal(c.Redis.Host, 'redis:6379')
  assert.equal(c.Redis.Pass, '', 'an empty default means the schema default')
})

test('an unset variable without default is an error naming it', () => {
  assert.throws(() => interpolate('Port: ${NOPE_NOT_SET_ANYWHERE}', {}), /NOPE_NOT_SET_ANYWHERE/)
})

test('invalid YAML and a missing file are ConfigErrors', () => {
  assert.throws(() => parseConfig(ApiConf, 'Name: [unclosed'), ConfigError)
  assert.throws(() => loadConfig(ApiConf, '/nonexistent/etc/x.yaml'), /cannot read config file/)
})

test('loadConfig reads a file and CONFIG_FILE overrides the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conf-'))
  const a = join(dir, 'a.yaml')
  const b = join(dir, 'b.yaml')
  writeFileSync(a, good)
  writeFileSync(b, good.replace('Port: 8002', 'Port: 9999'))
  assert.equal(loadConfig(ApiConf, a).Port, 8002)
  process.env.CONFIG_FILE = b
  try {
    assert.equal(loadConfig(ApiConf, a).Port, 9999)
  } finally {
    delete process.env.CONFIG_FILE
  }
})
