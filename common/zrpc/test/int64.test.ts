import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { CodeError, ErrCode } from '@looklook/xerr'
import { ERR_CODE_KEY, serviceDefinition } from '../src/index.ts'
import { requestInt64Check } from '../src/int64.ts'
import { createRpcServer } from '../src/server.ts'
import { zrpctestProto } from './gen/zrpctest.ts'
import { echoClient, memoryLogger, rejection, startEchoServer } from './helpers.ts'

// Strings reach protobufjs as exact 64-bit values, so this is what a Go or Java caller can send.
const TWO_53_PLUS_1 = '9007199254740993'
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER)

// Every place a 64-bit integer can sit in a request: scalar, repeated, oneof, nested, recursive, map value.
const dir = mkdtempSync(join(tmpdir(), 'zrpc-int64-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const shapesProto = join(dir, 'shapes.proto')
writeFileSync(
  shapesProto,
  `syntax = "proto3";
package int64test;
message Item {
  int64 amount = 1;
  Item child = 2;
}
message Req {
  string label = 1;
  int64 id = 2;
  repeated uint64 ids = 3;
  Item item = 4;
  repeated Item items = 5;
  map<string, sint64> counts = 6;
  map<string, Item> byName = 7;
  oneof choice {
    fixed64 n = 8;
    string s = 9;
  }
}
message NoLongs {
  string text = 1;
  Item2 inner = 2;
  message Item2 { int32 small = 1; }
}
message Resp { int64 seen = 1; }
service Shapes {
  rpc call(Req) returns (Resp);
  rpc plain(NoLongs) returns (Resp);
}
`,
)

interface RawReply {
  err: ServiceError | null
  resp?: object
}

/** Sends `req` with a plain grpc-js client (no zrpc in the way) and returns the error or the reply. */
function rawCall(port: number, proto: string | URL, serviceName: string, method: string, req: object): Promise<RawReply> {
  const def = serviceDefinition(proto, serviceName)[method]
  assert.ok(def, `${serviceName}.${method}`)
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure())
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      req,
      new Metadata(),
      { deadline: Date.now() + 5000 },
      (err, resp) => {
        client.close()
        resolve({ err, resp })
      },
    )
  })
}

function assertRefused(reply: RawReply, field: string): void {
  assert.ok(reply.err, `a request with ${field} beyond 2^53-1 was answered: ${JSON.stringify(reply.resp)}`)
  assert.equal(reply.err.code, status.INVALID_ARGUMENT, reply.err.message)
  assert.equal(reply.err.metadata.get(ERR_CODE_KEY)[0], String(ErrCode.REQUEST_PARAM_ERROR))
  assert.match(reply.err.details, new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} is beyond 9007199254740991`))
}

test('2^53+1 over the wire is refused as INVALID_ARGUMENT with xerr 100002 before the handler runs; 2^53-1 passes', async () => {
  const echo = await startEchoServer()
  try {
    const base = { text: 'x', mode: 'ok', delayMs: 0, full: false }
    const refused = await rawCall(echo.port, zrpctestProto, 'zrpctest.Echo', 'echo', { ...base, xerrCode: TWO_53_PLUS_1 })
    assertRefused(refused, 'xerrCode')
    assertRefused(await rawCall(echo.port, zrpctestProto, 'zrpctest.Echo', 'echo', { ...base, xerrCode: `-${TWO_53_PLUS_1}` }), 'xerrCode')
    assert.equal(echo.hits.count, 0, 'the handler never saw a rounded value')

    const passed = await rawCall(echo.port, zrpctestProto, 'zrpctest.Echo', 'echo', { ...base, xerrCode: MAX_SAFE })
    assert.equal(passed.err, null)
    assert.equal(echo.hits.count, 1)
  } finally {
    await echo.server.stop()
  }
})

test('a zrpc caller gets the refusal as CodeError 100002, which the apis answer as 400', async () => {
  const echo = await startEchoServer()
  const client = echoClient(echo.port)
  try {
    // 2^53+1 is already 2^53 as a JS number; the server refuses that just the same.
    const err = await rejection(client.echo({ text: 'x', mode: 'ok', delayMs: 0, xerrCode: 2 ** 53 + 1, full: false }))
    assert.ok(err instanceof CodeError)
    assert.equal(err.code, ErrCode.REQUEST_PARAM_ERROR)
    assert.equal(err.internal, false, 'a refusal of the request, not a failure of the server')
    assert.match(err.message, /xerrCode is beyond 9007199254740991/)
    assert.equal(echo.hits.count, 0)
  } finally {
    client.close()
    await echo.server.stop()
  }
})

test('64-bit fields are found wherever they sit: repeated, oneof, nested, recursive and map values', async () => {
  const { logger } = memoryLogger()
  const server = createRpcServer({ conf: { Name: 'shapes', ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 0 }, logger })
  let calls = 0
  server.addService(shapesProto, 'int64test.Shapes', {
    async call(req: object) {
      calls++
      return { seen: (req as { id: number }).id }
    },
    async plain() {
      return { seen: 0 }
    },
  })
  const port = await server.start()
  try {
    const cases: [object, string][] = [
      [{ id: TWO_53_PLUS_1 }, 'id'],
      [{ ids: ['1', MAX_SAFE, TWO_53_PLUS_1] }, 'ids[2]'],
      [{ n: TWO_53_PLUS_1 }, 'n'],
      [{ item: { amount: TWO_53_PLUS_1 } }, 'item.amount'],
      [{ item: { amount: '1', child: { child: { amount: TWO_53_PLUS_1 } } } }, 'item.child.child.amount'],
      [{ items: [{ amount: '5' }, { amount: TWO_53_PLUS_1 }] }, 'items[1].amount'],
      [{ counts: { ok: '3', big: `-${TWO_53_PLUS_1}` } }, 'counts["big"]'],
      [{ byName: { a: { amount: TWO_53_PLUS_1 } } }, 'byName["a"].amount'],
    ]
    for (const [req, field] of cases) assertRefused(await rawCall(port, shapesProto, 'int64test.Shapes', 'call', req), field)
    assert.equal(calls, 0)

    const safe = {
      id: MAX_SAFE,
      ids: [MAX_SAFE],
      n: MAX_SAFE,
      item: { amount: MAX_SAFE, child: { amount: '-9007199254740991' } },
      items: [{ amount: MAX_SAFE }],
      counts: { a: MAX_SAFE },
      byName: { a: { amount: MAX_SAFE } },
    }
    const ok = await rawCall(port, shapesProto, 'int64test.Shapes', 'call', safe)
    assert.equal(ok.err, null)
    assert.deepEqual(ok.resp, { seen: Number.MAX_SAFE_INTEGER })
  } finally {
    await server.stop()
  }
})

test('a request type without 64-bit fields gets no check at all', () => {
  const shapes = serviceDefinition(shapesProto, 'int64test.Shapes')
  assert.equal(requestInt64Check(shapesProto, shapes.plain as never), undefined)
  assert.equal(typeof requestInt64Check(shapesProto, shapes.call as never), 'function')
  const echo = serviceDefinition(zrpctestProto, 'zrpctest.Echo')
  assert.equal(requestInt64Check(zrpctestProto, echo.ping as never), undefined)
})
