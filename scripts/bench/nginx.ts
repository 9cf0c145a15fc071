// The bench's own nginx for the floors, beside the gateway: same binary and worker count, its own conf
// and prefix under data/bench/nginx, on two spare loopback ports. /static.json is a static file;
// /auth/static.json first asks `auth_request` through a proxied subrequest to the second server, as the
// gateway asks identity-api, then serves the same file.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sparePort } from '@looklook/testkit'

export interface BenchNginx {
  port: number
  pid: number
  stop(): Promise<void>
}

/** The gateway's worker_processes, so the floor pays for the same number of workers. */
function gatewayWorkers(root: string): string {
  const conf = readFileSync(join(root, 'deploy', 'nginx', 'nginx.conf'), 'utf8')
  return /^\s*worker_processes\s+(\w+)\s*;/m.exec(conf)?.[1] ?? '1'
}

export function nginxConf(port: number, authPort: number, workers: string): string {
  return `worker_processes ${workers};
pid logs/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  default_type application/json;
  access_log off;
  keepalive_timeout 65s;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  upstream auth { server 127.0.0.1:${authPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    root html;
    location = /static.json { }
    location = /auth/static.json { auth_request /_auth; }
    location = /_auth {
      internal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Uri $request_uri;
      proxy_pass http://auth/verify;
    }
  }
  server {
    listen 127.0.0.1:${authPort};
    location = /verify { add_header x-user 0; return 200; }
  }
}
`
}

/** Starts the bench nginx (a child of the bench, stopped by stop()). */
export async function startBenchNginx(root: string): Promise<BenchNginx> {
  const prefix = join(root, 'data', 'bench', 'nginx')
  for (const d of ['logs', 'tmp', 'html/auth']) mkdirSync(join(prefix, d), { recursive: true })
  const body = '{"code":200,"msg":"OK","data":{}}'
  writeFileSync(join(prefix, 'html', 'static.json'), body)
  writeFileSync(join(prefix, 'html', 'auth', 'static.json'), body)
  const port = await sparePort()
  const authPort = await sparePort()
  const confPath = join(prefix, 'nginx.conf')
  writeFileSync(confPath, nginxConf(port, authPort, gatewayWorkers(root)))
  const child: ChildProcess = spawn('nginx', ['-p', `${prefix}/`, '-c', confPath, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/static.json`)
      await res.body?.cancel()
      if (res.status === 200) break
    } catch {}
    if (child.exitCode !== null || i > 40) {
      child.kill('SIGTERM')
      throw new Error(`the bench nginx did not start: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    port,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
