{
  "name": "@looklook/{{name}}-model",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": {
    ".": "./src/index.ts"
  },
  "dependencies": {
    "@looklook/model": "workspace:*"
  }
}
