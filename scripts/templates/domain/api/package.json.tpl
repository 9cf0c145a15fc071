{
  "name": "@looklook/{{name}}-api",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "dependencies": {
    "@looklook/conf": "workspace:*",
    "@looklook/logx": "workspace:*",
    "@looklook/rest": "workspace:*",
    "@looklook/service": "workspace:*",
    "@looklook/{{name}}-rpc": "workspace:*",
    "@looklook/xerr": "workspace:*",
    "@sinclair/typebox": "0.34.52"
  },
  "devDependencies": {
    "@looklook/testkit": "workspace:*"
  }
}
