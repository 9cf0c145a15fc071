// Load for the gRPC floor, in a process of its own (its CPU is the bench's, not measured):
//   node grpc-client.ts PORT CONNECTIONS WARMUP_S DURATION_S
// keeps CONNECTIONS unary calls in flight over one channel; prints `measuring` when the warm-up is over,
// then one JSON line:
// {"requests","durationS","answers":{"grpc OK"|"grpc <code>": n},"latencyMs":{p50,p90,p99}}.
import { createHistogram } from 'node:perf_hooks'
import { PROTO, workspaceImport } from './deps.ts'
import type { GrpcJs, ProtoLoader } from './grpc-types.ts'

const [port = '', connections = '4', warmup = '0', duration = '10'] = process.argv.slice(2)
const grpc = await workspaceImport<GrpcJs>('@grpc/grpc-js', 'common/zrpc')
const loader = await workspaceImport<ProtoLoader>('@grpc/proto-loader', 'common/zrpc')
const pkg = grpc.loadPackageDefinition(loader.loadSync(PROTO, { keepCase: true, longs: Number, defaults: true }))
const client = new pkg.bench.Bench(`127.0.0.1:${port}`, grpc.credentials.createInsecure())

function call(): Promise<number> {
  return new Promise((resolve) => client.Echo({ id: 1 }, (err) => resolve(err ? err.code : 0)))
}

async function run(seconds: number, record: boolean) {
  const hist = createHistogram()
  const answers: Record<string, number> = {}
  let requests = 0
  const start = performance.now()
  const end = start + seconds * 1000
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = process.hrtime.bigint()
      const code = await call()
      if (!record) continue
      hist.record(process.hrtime.bigint() - t0)
      requests++
      const key = code === 0 ? 'grpc OK' : `grpc ${code}`
      answers[key] = (answers[key] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: Number(connections) }, worker))
  const ms = (p: number) => hist.percentile(p) / 1e6
  return { requests, durationS: (performance.now() - start) / 1000, answers, latencyMs: { p50: ms(50), p90: ms(90), p99: ms(99) } }
}

if (Number(warmup) > 0) await run(Number(warmup), false)
// The bench samples CPU from here on.
console.log('measuring')
console.log(JSON.stringify(await run(Number(duration), true)))
client.close()
