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
    "@looklook/xerr": "workspace:*"
  },
  "devDependencies": {
    "@looklook/testkit": "workspace:*"
  }
}
