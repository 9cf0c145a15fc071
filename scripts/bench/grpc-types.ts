// The few grpc-js and proto-loader shapes the bench fixtures use (loaded at run time from common/zrpc).
export interface BenchClient {
  Echo(req: { id: number }, cb: (err: { code: number } | null) => void): void
  close(): void
}

export interface GrpcJs {
  loadPackageDefinition(def: unknown): {
    bench: { Bench: { service: unknown } & (new (addr: string, creds: unknown) => BenchClient) }
  }
  Server: new () => {
    addService(service: unknown, impl: Record<string, unknown>): void
    bindAsync(addr: string, creds: unknown, cb: (err: Error | null, port: number) => void): void
    tryShutdown(cb: () => void): void
  }
  ServerCredentials: { createInsecure(): unknown }
  credentials: { createInsecure(): unknown }
  status: Record<string, number>
}

export interface ProtoLoader {
  loadSync(file: string, opts: Record<string, unknown>): unknown
}
