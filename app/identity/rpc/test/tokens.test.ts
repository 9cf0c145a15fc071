/**
 * identity-rpc on port 0 against the real Redis: a token is never written for a caller that has
 * given up or is about to, and a caller can take back only its own token.
 */
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, test } from 'node:test'
import { memoryLogger } from '@looklook/testkit'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import { createIdentityClient, type IdentityClient } from '../src/client.ts'
import { loadIdentityRpcConf } from '../src/config.ts'
import { generateToken, TOKEN_WRITE_MARGIN_MS } from '../src/handlers/tokens.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'
import { tokenKey } from '../src/token-store.ts'

const { logger } = memoryLogger('identity-rpc-test')
let svc: ServiceContext
let client: IdentityClient
let stop: () => Promise<void>

before(async () => {
  const conf = loadIdentityRpcConf()
  conf.ListenOn = '127.0.0.1:0'
  svc = createServiceContext(conf, logger)
  const server = createServer(svc, logger)
  const port = await server.start()
  client = createIdentityClient({ Endpoints: [`127.0.0.1:${port}`], Timeout: 2000, NonBlock: true }, logger)
  stop = async () => {
    client.close()
    await server.stop()
    await svc.close()
  }
})

after(() => stop())

const newUserId = () => randomInt(1_000_000_000, 2 ** 47)

async function rejection(p: Promise<unknown>): Promise<CodeError> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof CodeError, String(err))
    return err
  }
  assert.fail('expected the call to fail')
}

test('a call whose deadline leaves no time for the answer fails and keeps the current token', async () => {
  const userId = newUserId()
  const { accessToken } = await client.generateToken({ userId })
  const err = await rejection(client.generateToken({ userId }, { timeoutMs: TOKEN_WRITE_MARGIN_MS - 100 }))
  assert.equal(err.unavailable, true, 'an outage for the caller (503), not a business refusal')
  assert.equal(await svc.redis.get(tokenKey(userId)), accessToken, 'the token its client holds still works')
})

test('a caller that gave up while the token was written gets no token left behind', async () => {
  const userId = newUserId()
  const { accessToken: current } = await client.generateToken({ userId })
  const controller = new AbortController()
  // The caller gives up the moment the write lands.
  const redis = new Proxy(svc.redis, {
    get(target, prop) {
      if (prop !== 'set') {
        const value: unknown = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return async (...args: Parameters<typeof target.set>) => {
        const res = await target.set(...args)
        controller.abort()
        return res
      }
    },
  })
  const ctx = { logger, deadline: new Date(Date.now() + 2000), signal: controller.signal } as RpcContext
  await rejection(generateToken({ ...svc, redis }, { userId }, ctx))
  const stored = await svc.redis.get(tokenKey(userId))
  assert.notEqual(stored, current, 'the write did revoke the older token')
  assert.equal(stored, null, 'and the token no client received was taken back')
})

test('clearToken with a token clears only that token; without one it clears any', async () => {
  const userId = newUserId()
  const { accessToken: first } = await client.generateToken({ userId })
  const { accessToken: second } = await client.generateToken({ userId })
  assert.deepEqual(await client.clearToken({ userId, token: first }), { ok: true })
  assert.equal(await svc.redis.get(tokenKey(userId)), second, "a stale login's take-back leaves the newer login alone")
  assert.deepEqual(await client.validateToken({ userId, token: second }), { userId, ok: true })
  await client.clearToken({ userId, token: second })
  assert.equal(await svc.redis.get(tokenKey(userId)), null)
  await client.generateToken({ userId })
  await client.clearToken({ userId, token: '' })
  assert.equal(await svc.redis.get(tokenKey(userId)), null, 'logout clears whatever token there is')
})

test('concurrent generateToken calls: the token left is one a caller received', async () => {
  const userId = newUserId()
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.generateToken({ userId })))
  const received = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.accessToken] : []))
  const stored = await svc.redis.get(tokenKey(userId))
  assert.ok(stored !== null && received.includes(stored))
  assert.equal((await svc.redis.ttl(tokenKey(userId))) > 0, true, 'the key carries the token TTL')
})
