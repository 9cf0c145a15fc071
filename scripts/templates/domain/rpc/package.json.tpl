{
  "name": "@looklook/{{name}}-rpc",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": {
    "./client": "./src/client.ts",
    "./contract": "./src/contract.ts",
    "./gen": "./gen/{{name}}.ts"
  },
  "dependencies": {
    "@looklook/conf": "workspace:*",
    "@looklook/logx": "workspace:*",
    "@looklook/model": "workspace:*",
    "@looklook/service": "workspace:*",
    "@looklook/{{name}}-model": "workspace:*",
    "@looklook/xerr": "workspace:*",
    "@looklook/zrpc": "workspace:*"
  }
}
