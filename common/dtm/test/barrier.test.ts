/**
 * common/dtm against the real dtm server (`./looklook up` runs it) and MariaDB: sagas over a two-account
 * transfer whose branches this test serves, so dtm's own retries, timeouts and compensations reach them.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createPool, SqlConn, type Tx } from '@looklook/model'
import { memoryLogger, waitFor } from '@looklook/testkit'
import { defineRefusals } from '@looklook/xerr'
import { createRpcClient, createRpcServer, type RpcClient, type RpcContext, type RpcServer } from '@looklook/zrpc'
import {
  asBranch,
  type BarrierOutcome,
  type BranchInfo,
  branchInfoOf,
  branchMetadata,
  DtmClient,
  grpcStep,
  rollbackReasonOf,
  withBarrier,
} from '../src/index.ts'
import { type BusiService, busiServiceName, dtmtestProto, type TransferReq } from './gen/dtmtest.ts'

const TestRefusals = defineRefusals({ BALANCE_TOO_LOW: 'the account cannot take this transfer' })
const ACCOUNTS = '`dtm_test_account`'

let db: SqlConn
let server: RpcServer
let target: string
let busi: RpcClient<BusiService>
const dtm = new DtmClient({
  Server: '127.0.0.1:36790',
  HttpServer: 'http://127.0.0.1:36789',
  Timeout: 15000,
  RetryInterval: 1,
  TimeoutToFail: 0,
})

/** Every branch call the handlers saw, with what the barrier made of it. */
const calls: { method: string; account: string; op: string; outcome?: BarrierOutcome | 'refused' }[] = []
const lostReplies = new Set<string>()

async function branch(method: string, sign: 1 | -1, req: TransferReq, ctx: RpcContext): Promise<Record<string, never>> {
  const info = branchInfoOf(ctx.metadata)
  return asBranch(async () => {
    const call: (typeof calls)[number] = { method, account: req.account, op: info.op }
    calls.push(call)
    if (req.mode === 'slow' && info.op === 'action') await sleep(Number(req.delayMs))
    try {
      call.outcome = await withBarrier(db, info, async (tx) => {
        if (req.mode === 'fail' && info.op === 'action') throw TestRefusals.BALANCE_TOO_LOW()
        await tx.exec(
          `INSERT INTO ${ACCOUNTS} (\`account\`, \`balance\`) VALUES (?, ?) ON DUPLICATE KEY UPDATE \`balance\` = \`balance\` + VALUES(\`balance\`)`,
          [req.account, sign * Number(req.amount)],
        )
      })
    } catch (err) {
      call.outcome = 'refused'
      throw err
    }
    if (req.mode === 'lost-reply' && info.op === 'action' && !lostReplies.has(info.gid)) {
      // Committed, but the answer never reaches dtm: as if the connection dropped after COMMIT.
      lostReplies.add(info.gid)
      throw new Error('connection reset after commit')
    }
    return {}
  })
}

async function balance(account: string): Promise<number> {
  const rows = await db.query<{ balance: number }>(`SELECT \`balance\` FROM ${ACCOUNTS} WHERE \`account\` = ?`, [account])
  return Number(rows[0]?.balance ?? 0)
}

function transfer(from: TransferReq, to: TransferReq) {
  return [
    grpcStep(target, dtmtestProto, busiServiceName, { action: 'transOut', compensate: 'transOutRevert' }, from),
    grpcStep(target, dtmtestProto, busiServiceName, { action: 'transIn', compensate: 'transInRevert' }, to),
  ]
}

function req(account: string, over: Partial<TransferReq> = {}): TransferReq {
  return { account, amount: 30, mode: 'ok', delayMs: 0, ...over }
}

const callsOf = (account: string) => calls.filter((c) => c.account === account)

before(async () => {
  db = new SqlConn(createPool({ DataSource: 'mysql://looklook:looklook@127.0.0.1:3306/looklook_order', PoolSize: 10 }))
  await db.exec(
    `CREATE TABLE IF NOT EXISTS ${ACCOUNTS} (\`account\` varchar(64) NOT NULL PRIMARY KEY, \`balance\` bigint NOT NULL DEFAULT 0)`,
  )
  const { logger } = memoryLogger('dtm-test')
  server = createRpcServer({
    conf: { Name: 'dtm-test', ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 900 },
    logger,
    shutdownTimeoutMs: 1000,
  })
  server.addService<BusiService>(dtmtestProto, busiServiceName, {
    transOut: (r, ctx) => branch('transOut', -1, r, ctx),
    transOutRevert: (r, ctx) => branch('transOutRevert', 1, r, ctx),
    transIn: (r, ctx) => branch('transIn', 1, r, ctx),
    transInRevert: (r, ctx) => branch('transInRevert', -1, r, ctx),
  })
  target = `127.0.0.1:${await server.start()}`
  busi = createRpcClient<BusiService>(dtmtestProto, busiServiceName, { Endpoints: [target], Timeout: 5000, NonBlock: true }, logger)
})

after(async () => {
  busi.close()
  dtm.close()
  await server.stop()
  await db.exec(`DROP TABLE IF EXISTS ${ACCOUNTS}`)
  await db.close()
})

test('a saga whose branches succeed moves the amount once; dtm shows it succeeded', async () => {
  const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`]
  const gid = await dtm.newGid()
  assert.deepEqual(await dtm.submitSaga(gid, transfer(req(a), req(b))), { status: 'succeed' })
  assert.equal(await balance(a), -30)
  assert.equal(await balance(b), 30)
  const q = await dtm.query(gid)
  assert.equal(q.status, 'succeed')
  assert.deepEqual(
    callsOf(a)
      .concat(callsOf(b))
      .map((c) => `${c.method}:${c.outcome}`),
    ['transOut:applied', 'transIn:applied'],
  )
})

test('a refused action rolls the saga back: its own compensation is a null one, the done branch is undone', async () => {
  const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`]
  const gid = await dtm.newGid()
  const outcome = await dtm.submitSaga(gid, transfer(req(a), req(b, { mode: 'fail' })))
  assert.equal(outcome.status, 'failed')
  assert.equal(outcome.status === 'failed' && rollbackReasonOf(outcome.rollbackReason), 'BALANCE_TOO_LOW')
  assert.equal(await balance(a), 0)
  assert.equal(await balance(b), 0)
  assert.deepEqual(
    callsOf(b).map((c) => `${c.method}:${c.outcome}`),
    ['transIn:refused', 'transInRevert:null-compensation'],
  )
  assert.deepEqual(
    callsOf(a).map((c) => `${c.method}:${c.outcome}`),
    ['transOut:applied', 'transOutRevert:applied'],
  )
  assert.equal((await dtm.query(gid)).status, 'failed')

  // dtm repeats a call whose answer it did not get: a repeated compensation and a repeated action change nothing.
  const info: BranchInfo = { gid, transType: 'saga', branchId: '01', op: 'compensate' }
  await busi.transOutRevert(req(a), { metadata: branchMetadata(info) })
  await busi.transOut(req(a), { metadata: branchMetadata({ ...info, op: 'action' }) })
  assert.equal(await balance(a), 0)
  assert.deepEqual(
    callsOf(a)
      .slice(2)
      .map((c) => `${c.method}:${c.outcome}`),
    ['transOutRevert:skipped', 'transOut:skipped'],
  )
})

test('an action whose answer is lost is retried by dtm and applied once', async () => {
  const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`]
  const gid = await dtm.newGid()
  const outcome = await dtm.submitSaga(gid, transfer(req(a), req(b, { mode: 'lost-reply' })))
  // dtm answers before its retry: the saga is still running, and finishes on its own.
  assert.notEqual(outcome.status, 'failed')
  assert.ok(await waitFor(async () => (await dtm.query(gid)).status === 'succeed' || undefined, { timeoutMs: 20000, intervalMs: 200 }))
  assert.equal(await balance(b), 30)
  assert.equal(await balance(a), -30)
  const seen = callsOf(b).map((c) => `${c.method}:${c.outcome}`)
  assert.equal(seen[0], 'transIn:applied')
  assert.ok(seen.length >= 2 && seen.slice(1).every((s) => s === 'transIn:skipped'), seen.join(', '))
})

test('a compensation that arrives before its hanging action blocks it: the late action changes nothing', async () => {
  const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`]
  const gid = await dtm.newGid()
  // The action outlives the rpc's 2 s deadline; with TimeoutToFail 1 dtm gives up on it and compensates.
  const outcome = await dtm.submitSaga(gid, transfer(req(a), req(b, { mode: 'slow', delayMs: 4000 })), { timeoutToFail: 1 })
  assert.notEqual(outcome.status, 'succeed')
  assert.ok(await waitFor(async () => (await dtm.query(gid)).status === 'failed' || undefined, { timeoutMs: 20000, intervalMs: 200 }))
  assert.ok(await waitFor(async () => callsOf(b).find((c) => c.method === 'transIn' && c.outcome), { timeoutMs: 10000, intervalMs: 100 }))
  const seen = callsOf(b).map((c) => `${c.method}:${c.outcome}`)
  assert.ok(seen.includes('transInRevert:null-compensation'), seen.join(', '))
  assert.ok(seen.includes('transIn:skipped'), seen.join(', '))
  assert.ok(!seen.includes('transIn:applied'), seen.join(', '))
  assert.equal(await balance(b), 0)
  assert.equal(await balance(a), 0)
})

test("two branches deadlocked on each other's rows both apply: the victim runs again, barrier rows included", async () => {
  const [x, y] = [`x-${randomUUID()}`, `y-${randomUUID()}`]
  await db.exec(`INSERT INTO ${ACCOUNTS} (\`account\`, \`balance\`) VALUES (?, 0), (?, 0)`, [x, y])
  const runs = { first: 0, second: 0 }
  // Each transaction locks one row, waits until the other holds its own, then asks for the other's:
  // MySQL rolls one of them back as the deadlock victim (1213), and only a new run of it can apply.
  const both = Promise.withResolvers<void>()
  let holding = 0
  const add = (tx: Tx, account: string) => tx.exec(`UPDATE ${ACCOUNTS} SET \`balance\` = \`balance\` + 1 WHERE \`account\` = ?`, [account])
  const crossing = (name: 'first' | 'second', mine: string, theirs: string) => async (tx: Tx) => {
    runs[name]++
    await add(tx, mine)
    if (runs[name] === 1 && ++holding === 2) both.resolve()
    if (runs[name] === 1) await both.promise
    await add(tx, theirs)
  }
  const info = (branchId: string): BranchInfo => ({ gid: `deadlock-${randomUUID()}`, transType: 'saga', branchId, op: 'action' })
  const outcomes = await Promise.all([
    withBarrier(db, info('01'), crossing('first', x, y)),
    withBarrier(db, info('02'), crossing('second', y, x)),
  ])
  assert.deepEqual(outcomes, ['applied', 'applied'])
  assert.equal(runs.first + runs.second, 3, JSON.stringify(runs))
  assert.equal(await balance(x), 2)
  assert.equal(await balance(y), 2)
})

test('a call without dtm metadata is refused as a bad request', async () => {
  await assert.rejects(busi.transIn(req(`c-${randomUUID()}`)), (err: Error & { code?: number }) => err.code === 100002)
})
