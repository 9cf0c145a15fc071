import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { CodeError, defineRefusals, ErrCode, isRefusal } from '@looklook/xerr'
import {
  createRpcServer,
  ERR_CODE_KEY,
  ERR_REASON_KEY,
  fromServiceError,
  grpcStatusOf,
  type RpcClient,
  type RpcServer,
  toServerStatus,
} from '../src/index.ts'
import { type EchoReq, type EchoResp, type EchoService, echoServiceName, zrpctestProto } from './gen/zrpctest.ts'
import { echoClient, memoryLogger, rejection } from './helpers.ts'

const Refusals = defineRefusals({
  ORDER_NOT_FOUND: 'order does not exist',
  ORDER_TRANSITION_REFUSED: (from: string, to: string) => `an order that is ${from} cannot become ${to}`,
  USER_LOGIN_LOCKED: { code: ErrCode.USER_LOGIN_LOCKED, message: 'password login is locked' },
})

const connRefused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' })

// What the handler throws, by the request's mode.
const failures: Record<string, () => unknown> = {
  refusal: () => Refusals.ORDER_NOT_FOUND(),
  parametrised: () => Refusals.ORDER_TRANSITION_REFUSED('cancelled', 'paid'),
  'own-code': () => Refusals.USER_LOGIN_LOCKED(),
  unnamed: () => CodeError.common('the record changed meanwhile'),
  outage: () => CodeError.db(connRefused()),
  'refusal-over-outage': () => new CodeError(100001, 'order does not exist', { cause: connRefused(), reason: 'ORDER_NOT_FOUND' }),
  plain: () => new Error('SELECT secret FROM user'),
}

let server: RpcServer
let lines: () => Record<string, unknown>[]
let client: RpcClient<EchoService>

before(async () => {
  const log = memoryLogger()
  lines = log.lines
  server = createRpcServer({
    conf: { Name: 'errors-rpc', ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 900 },
    logger: log.logger,
    shutdownTimeoutMs: 2000,
  })
  server.addService<EchoService>(zrpctestProto, echoServiceName, {
    async echo(req: EchoReq): Promise<EchoResp> {
      throw (failures[req.mode] ?? (() => new Error(`unknown mode ${req.mode}`)))()
    },
    async ping() {
      return {}
    },
  })
  client = echoClient(await server.start())
})

after(async () => {
  client.close()
  await server.stop()
})

async function failed(mode: string): Promise<CodeError> {
  const err = await rejection(client.echo({ text: '', mode, delayMs: 0, xerrCode: 0, full: false }))
  assert.ok(err instanceof CodeError, String(err))
  return err
}

function trailer(err: CodeError, key: string): unknown {
  return (err.cause as ServiceError).metadata.get(key)[0]
}

test('a refusal raised in a handler arrives with its code, message and reason', async () => {
  const err = await failed('refusal')
  assert.deepEqual([err.code, err.message, err.reason, err.refusal], [100001, 'order does not exist', 'ORDER_NOT_FOUND', true])
  assert.equal(isRefusal(err, 'ORDER_NOT_FOUND'), true)
  assert.equal(err.unavailable, false)
  assert.equal(err.internal, false)
  assert.equal(grpcStatusOf(err), status.FAILED_PRECONDITION)
  assert.equal(trailer(err, ERR_REASON_KEY), 'ORDER_NOT_FOUND')

  const moved = await failed('parametrised')
  assert.deepEqual(
    [moved.code, moved.message, moved.reason],
    [100001, 'an order that is cancelled cannot become paid', 'ORDER_TRANSITION_REFUSED'],
  )

  const locked = await failed('own-code')
  assert.deepEqual(
    [locked.code, locked.message, locked.reason],
    [ErrCode.USER_LOGIN_LOCKED, 'password login is locked', 'USER_LOGIN_LOCKED'],
  )
})

test('the access line of a refused call names its reason', async () => {
  const before = lines().length
  await failed('refusal')
  await failed('outage')
  const access = lines()
    .slice(before)
    .filter((l) => l.content === `${String(l.peer)} - /zrpctest.Echo/echo`)
  assert.deepEqual(
    access.map((l) => [l.code, l.xerrCode, l.reason]),
    [
      ['FAILED_PRECONDITION', 100001, 'ORDER_NOT_FOUND'],
      ['UNAVAILABLE', ErrCode.DB_ERROR, undefined],
    ],
  )
})

test('a CodeError declared without a reason arrives without one', async () => {
  const err = await failed('unnamed')
  assert.deepEqual([err.code, err.message, err.reason, err.refusal], [100001, 'the record changed meanwhile', undefined, false])
  assert.equal(trailer(err, ERR_REASON_KEY), undefined)
})

test('an outage has no reason, even when a refusal was thrown over it', async () => {
  for (const mode of ['outage', 'refusal-over-outage']) {
    const err = await failed(mode)
    assert.equal(grpcStatusOf(err), status.UNAVAILABLE, mode)
    assert.equal(err.unavailable, true, mode)
    assert.equal(err.reason, undefined, mode)
    assert.equal(isRefusal(err), false, mode)
    assert.equal(trailer(err, ERR_REASON_KEY), undefined, mode)
  }
})

test('a non-CodeError is INTERNAL, 100001 and without a reason', async () => {
  const err = await failed('plain')
  assert.equal(grpcStatusOf(err), status.INTERNAL)
  assert.equal(err.code, ErrCode.SERVER_COMMON_ERROR)
  assert.doesNotMatch(err.message, /SELECT/)
  assert.equal(err.reason, undefined)
  assert.equal(trailer(err, ERR_REASON_KEY), undefined)
})

test('the server status carries the reason trailer only for a refusal', () => {
  const refused = toServerStatus(Refusals.ORDER_NOT_FOUND())
  assert.equal(refused.code, status.FAILED_PRECONDITION)
  assert.deepEqual([refused.metadata.get(ERR_CODE_KEY), refused.metadata.get(ERR_REASON_KEY)], [['100001'], ['ORDER_NOT_FOUND']])
  assert.deepEqual(toServerStatus(CodeError.param('bad id')).metadata.get(ERR_REASON_KEY), [])
  assert.deepEqual(toServerStatus(new Error('boom')).metadata.get(ERR_REASON_KEY), [])
})

test('a reason trailer is read only beside a code on a refusal status, and only when it is a reason name', () => {
  const serviceError = (code: status, trailers: Record<string, string>): ServiceError => {
    const metadata = new Metadata()
    for (const [k, v] of Object.entries(trailers)) metadata.set(k, v)
    return Object.assign(new Error(`${code}`), { code, details: 'order does not exist', metadata })
  }
  const ok = fromServiceError(serviceError(status.FAILED_PRECONDITION, { [ERR_CODE_KEY]: '100001', [ERR_REASON_KEY]: 'ORDER_NOT_FOUND' }))
  assert.equal(ok.reason, 'ORDER_NOT_FOUND')
  const onOutage = fromServiceError(serviceError(status.UNAVAILABLE, { [ERR_CODE_KEY]: '100001', [ERR_REASON_KEY]: 'ORDER_NOT_FOUND' }))
  assert.deepEqual([onOutage.unavailable, onOutage.reason], [true, undefined])
  const withoutCode = fromServiceError(serviceError(status.FAILED_PRECONDITION, { [ERR_REASON_KEY]: 'ORDER_NOT_FOUND' }))
  assert.equal(withoutCode.reason, undefined)
  const malformed = fromServiceError(
    serviceError(status.FAILED_PRECONDITION, { [ERR_CODE_KEY]: '100001', [ERR_REASON_KEY]: 'order not found' }),
  )
  assert.deepEqual([malformed.code, malformed.reason], [100001, undefined])
})
