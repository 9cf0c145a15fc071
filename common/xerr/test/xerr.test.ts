import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodeError, defineRefusals, ErrCode, isRefusal, toCodeError } from '../src/index.ts'

test('a cause marks an internal failure unless said otherwise', () => {
  assert.equal(new CodeError(ErrCode.DB_ERROR, undefined, { cause: new Error('sql') }).internal, true)
  assert.equal(new CodeError(ErrCode.SERVER_COMMON_ERROR, 'order does not exist').internal, false)
  assert.equal(new CodeError(100001, 'refused', { cause: new Error('grpc'), internal: false }).internal, false)
  assert.equal(CodeError.param('bad mobile', new Error('detail')).internal, false)
  assert.equal(CodeError.db(new Error('down')).internal, true)
})

test('unknown errors become 100001 keeping the cause', () => {
  const cause = new Error('SELECT secret')
  const e = toCodeError(cause)
  assert.equal(e.code, ErrCode.SERVER_COMMON_ERROR)
  assert.equal(e.cause, cause)
  assert.doesNotMatch(e.message, /SELECT/)
})

const Refusals = defineRefusals({
  ORDER_NOT_FOUND: 'order does not exist',
  ORDER_TRANSITION_REFUSED: (from: string, to: string) => `an order that is ${from} cannot become ${to}`,
  ACCOUNT_LOCKED: { code: ErrCode.USER_LOGIN_LOCKED, message: (minutes: number) => `locked for ${minutes} minutes` },
})

test('a declared refusal keeps the public code and message and adds its reason', () => {
  const e = Refusals.ORDER_NOT_FOUND()
  assert.ok(e instanceof CodeError)
  assert.deepEqual([e.code, e.message, e.reason, e.refusal], [ErrCode.SERVER_COMMON_ERROR, 'order does not exist', 'ORDER_NOT_FOUND', true])
  assert.equal(e.internal, false)
  assert.equal(e.unavailable, false)
  assert.equal(Refusals.ORDER_NOT_FOUND('no such order here').message, 'no such order here')
  assert.equal(Refusals.ORDER_NOT_FOUND.reason, 'ORDER_NOT_FOUND')
  assert.equal(Refusals.ORDER_NOT_FOUND.message, 'order does not exist')
})

test('a parametrised refusal builds its message; a refusal may carry its own code', () => {
  const moved = Refusals.ORDER_TRANSITION_REFUSED('cancelled', 'paid')
  assert.deepEqual(
    [moved.code, moved.message, moved.reason],
    [100001, 'an order that is cancelled cannot become paid', 'ORDER_TRANSITION_REFUSED'],
  )
  const locked = Refusals.ACCOUNT_LOCKED(15)
  assert.deepEqual([locked.code, locked.message, locked.reason], [ErrCode.USER_LOGIN_LOCKED, 'locked for 15 minutes', 'ACCOUNT_LOCKED'])
})

test('isRefusal tells refusals by reason; other errors and outages are none', () => {
  const e = Refusals.ORDER_NOT_FOUND()
  assert.equal(isRefusal(e), true)
  assert.equal(isRefusal(e, 'ORDER_NOT_FOUND'), true)
  assert.equal(isRefusal(e, 'ORDER_TRANSITION_REFUSED'), false)
  assert.equal(isRefusal(new CodeError(100001, 'order does not exist')), false)
  assert.equal(isRefusal(CodeError.param('bad id')), false)
  assert.equal(isRefusal(new Error('ORDER_NOT_FOUND')), false)
  assert.equal(isRefusal(undefined), false)
  const outage = new CodeError(100001, undefined, { unavailable: true, reason: 'ORDER_NOT_FOUND' })
  assert.equal(outage.reason, undefined)
  assert.equal(outage.refusal, false)
})

test('a reason must be an UPPER_SNAKE_CASE name', () => {
  assert.throws(() => defineRefusals({ orderNotFound: 'order does not exist' }), /UPPER_SNAKE_CASE/)
  assert.throws(() => defineRefusals({ 'ORDER NOT FOUND': 'order does not exist' }), /UPPER_SNAKE_CASE/)
})
