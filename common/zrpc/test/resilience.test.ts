import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { status } from '@grpc/grpc-js'
import { CodeError } from '@looklook/xerr'
import { createRpcClient, grpcStatusOf } from '../src/index.ts'
import { type EchoReq, type EchoService, echoServiceName, zrpctestProto } from './gen/zrpctest.ts'
import { echoClient, freePort, memoryLogger, rejection, startEchoServer } from './helpers.ts'

const okReq: EchoReq = { text: 'x', mode: 'ok', delayMs: 0, xerrCode: 0, full: false }

function isBreakerDrop(err: unknown): boolean {
  return err instanceof CodeError && (err.cause as { details?: string } | undefined)?.details === 'circuit breaker is open'
}

test('the client breaker opens on a failing rpc and closes after it recovers', async () => {
  const srv = await startEchoServer()
  // A 2 s window (50 ms buckets) instead of 10 s keeps the test short; the algorithm is the same.
  const client = echoClient(srv.port, { breaker: { windowMs: 2000 } })
  try {
    srv.state.failing = true
    let dropped = 0
    let failed = 0
    for (let i = 0; i < 100; i++) {
      const err = await rejection(client.echo(okReq))
      assert.ok(err instanceof CodeError && err.code === 100001)
      if (isBreakerDrop(err)) {
        dropped++
        assert.equal(grpcStatusOf(err), status.UNAVAILABLE, 'a dropped call looks like UNAVAILABLE')
      } else {
        failed++
        assert.equal(grpcStatusOf(err), status.INTERNAL)
      }
    }
    assert.ok(dropped > 50, `dropped ${dropped} of 100`)
    assert.equal(srv.hits.count, failed, 'dropped calls never reached the server')

    // Recovery: keep calling every ~10 ms until a whole window (2 s) has passed without a drop.
    srv.state.failing = false
    const recovered = performance.now()
    let lastDrop = recovered
    let recoveryDrops = 0
    while (performance.now() - lastDrop < 2100) {
      assert.ok(performance.now() - recovered < 10_000, `still dropping 10 s after recovery (${recoveryDrops} drops)`)
      try {
        await client.echo(okReq)
      } catch (err) {
        assert.ok(isBreakerDrop(err), 'after recovery the only errors are drops')
        recoveryDrops++
        lastDrop = performance.now()
      }
      await sleep(10)
    }
    // Drops fade within about one window: failures age out and buckets with only successes cut the ratio.
    assert.ok(lastDrop - recovered < 4000, `last drop ${(lastDrop - recovered).toFixed(0)} ms after recovery`)
    // A window of only successes gives a negative drop ratio: the breaker is closed, even for a burst.
    const burst = await Promise.allSettled(Array.from({ length: 50 }, () => client.echo(okReq)))
    assert.deepEqual(
      burst.map((r) => r.status),
      Array(50).fill('fulfilled'),
      'closed: nothing dropped',
    )
  } finally {
    client.close()
    await srv.server.stop()
  }
})

test('business errors do not open the breaker', async () => {
  const srv = await startEchoServer()
  const client = echoClient(srv.port)
  try {
    for (let i = 0; i < 60; i++) {
      const err = await rejection(client.echo({ ...okReq, mode: 'code-error', xerrCode: 100002, text: 'bad mobile' }))
      assert.ok(err instanceof CodeError && err.code === 100002, 'every call reached the server and kept its code')
    }
    assert.equal(srv.hits.count, 60)
  } finally {
    client.close()
    await srv.server.stop()
  }
})

test('a client created before its server fails fast, then connects when the server appears', async () => {
  const port = await freePort()
  const client = echoClient(port)
  try {
    // go-zero NonBlock: no waiting at construction; a call while nothing listens fails with UNAVAILABLE at once.
    const start = performance.now()
    const err = await rejection(client.echo(okReq))
    const elapsed = performance.now() - start
    assert.ok(err instanceof CodeError && err.code === 100001)
    assert.equal(grpcStatusOf(err), status.UNAVAILABLE)
    assert.ok(elapsed < 1000, `failed after ${elapsed.toFixed(0)} ms, not at the 2 s deadline`)

    const srv = await startEchoServer({ port })
    try {
      const up = performance.now()
      let resp: { text: string } | undefined
      while (!resp) {
        assert.ok(performance.now() - up < 8000, 'connected within the 5 s reconnect backoff cap')
        resp = await client.echo({ ...okReq, text: 'finally' }).catch(() => undefined)
        if (!resp) await sleep(100)
      }
      assert.equal(resp.text, 'finally')
      assert.equal(srv.hits.count, 1)
    } finally {
      await srv.server.stop()
    }
  } finally {
    client.close()
  }
})

test('NonBlock: false waits for the server until the deadline instead of failing fast', async () => {
  const port = await freePort()
  const client = createRpcClient<EchoService>(
    zrpctestProto,
    echoServiceName,
    { Endpoints: [`127.0.0.1:${port}`], Timeout: 4000, NonBlock: false },
    memoryLogger().logger,
  )
  try {
    const pending = client.echo({ ...okReq, text: 'waited' })
    await sleep(300)
    const srv = await startEchoServer({ port })
    try {
      assert.equal((await pending).text, 'waited')
    } finally {
      await srv.server.stop()
    }
  } finally {
    client.close()
  }
})
