// The bare grpc-js floor: one unary method, no interceptors. Prints its port on stdout; stops on SIGTERM.
import { PROTO, workspaceImport } from './deps.ts'
import type { GrpcJs, ProtoLoader } from './grpc-types.ts'

const grpc = await workspaceImport<GrpcJs>('@grpc/grpc-js', 'common/zrpc')
const loader = await workspaceImport<ProtoLoader>('@grpc/proto-loader', 'common/zrpc')
const pkg = grpc.loadPackageDefinition(loader.loadSync(PROTO, { keepCase: true, longs: Number, defaults: true }))
const server = new grpc.Server()
server.addService(pkg.bench.Bench.service, {
  Echo: (call: { request: { id: number } }, cb: (err: null, resp: unknown) => void) =>
    cb(null, { id: call.request.id, title: 'bench homestay', info: 'x'.repeat(200), price: 19900 }),
})
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err: Error | null, port: number) => {
  if (err) throw err
  console.log(port)
})
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)))
