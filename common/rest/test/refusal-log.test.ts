import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodeError, defineRefusals } from '@looklook/xerr'
import { testServer } from './helpers.ts'

const Refusals = defineRefusals({ ORDER_NOT_FOUND: 'order does not exist' })

test('a refusal answers the plain envelope; its reason reaches only the "request rejected" line', async () => {
  const { app, logs } = testServer()
  app.get('/refused', async () => {
    throw Refusals.ORDER_NOT_FOUND()
  })
  app.get('/unnamed', async () => {
    throw CodeError.common('the record changed meanwhile')
  })
  const res = await app.inject({ method: 'GET', url: '/refused' })
  assert.equal(res.statusCode, 400)
  assert.deepEqual(res.json(), { code: 100001, msg: 'order does not exist' })
  const rejected = logs.filter((l) => l.content === 'request rejected')
  assert.deepEqual(
    rejected.map((l) => [l.code, l.msg, l.reason]),
    [[100001, 'order does not exist', 'ORDER_NOT_FOUND']],
  )

  const unnamed = await app.inject({ method: 'GET', url: '/unnamed' })
  assert.deepEqual(unnamed.json(), { code: 100001, msg: 'the record changed meanwhile' })
  const last = logs.filter((l) => l.content === 'request rejected').at(-1)
  assert.equal(last?.msg, 'the record changed meanwhile')
  assert.equal('reason' in (last ?? {}), false)
  await app.close()
})
