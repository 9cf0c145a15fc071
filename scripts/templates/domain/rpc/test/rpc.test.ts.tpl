/**
 * {{name}}-rpc over a real gRPC connection (server on port 0), on MariaDB and Redis: an item goes in
 * through createItem and comes back through getItem, read via the model's row cache.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { createLogger } from '@looklook/logx'
import { isRefusal } from '@looklook/xerr'
import type { RpcServer } from '@looklook/zrpc'
import { create{{Name}}Client, type {{Name}}Client } from '../src/client.ts'
import { load{{Name}}RpcConf } from '../src/config.ts'
import { {{Name}}Refusals } from '../src/contract.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

const logger = createLogger({ service: '{{name}}-rpc-test', level: 'error' })
const created: number[] = []
let svc: ServiceContext
let server: RpcServer
let client: {{Name}}Client

before(async () => {
  svc = createServiceContext({ ...load{{Name}}RpcConf(), ListenOn: '127.0.0.1:0' }, logger)
  server = createServer(svc, logger)
  const port = await server.start()
  client = create{{Name}}Client({ Endpoints: [`127.0.0.1:${port}`], Timeout: 2000, NonBlock: true }, logger)
})

after(async () => {
  client.close()
  for (const id of created) await svc.itemModel.delete(id)
  await server.stop()
  await svc.close()
})

test('an item created is read back by id, through the row cache', async () => {
  const title = `item ${randomUUID().slice(0, 8)}`
  const { id } = await client.createItem({ userId: 7, title })
  created.push(id)
  assert.ok(id > 0)
  assert.deepEqual((await client.getItem({ id })).item, { id, userId: 7, title })
  assert.ok(await svc.itemModel.findOne(id), 'the row is cached after the read')
})

test('an id no item has is refused by reason', async () => {
  await assert.rejects(client.getItem({ id: Number.MAX_SAFE_INTEGER }), (err) => isRefusal(err, {{Name}}Refusals.ITEM_NOT_FOUND.reason))
})
