/** The two HTML pages: the index of every api, and Swagger UI over their documents. Assets come from this process only. */

/** What the index shows about one api. */
export interface ApiEntry {
  name: string
  /** The document as the api serves it on its own port. */
  sourceUrl: string
  /** Why its document could not be had; undefined when it was. */
  error?: string
  total: number
  routed: number
  internal: string[]
}

/** Where Swagger UI's files are served (from the swagger-ui-dist package). */
export const ASSETS = '/swagger-ui'
/** Same-origin path that forwards "Try it out" requests to the gateway. */
export const PROXY = '/gateway'

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c] ?? c)

/** JSON for an inline script: `<` escaped so no value can close the script element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

const style = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}
.down{color:#b00}.muted{color:#777;font-size:.9em}code{background:#f4f4f4;padding:0 .2em}`

export function indexPage(entries: readonly ApiEntry[], gatewayUrl: string): string {
  const rows = entries.map((e) => {
    const status = e.error
      ? `<span class="down">unavailable</span><br><span class="muted">${esc(e.error)}</span>`
      : `${e.routed} of ${e.total} routes through the gateway${
          e.internal.length > 0
            ? `<br><span class="muted">internal: ${e.internal.map((o) => `<code>${esc(o)}</code>`).join(', ')}</span>`
            : ''
        }`
    const name = encodeURIComponent(e.name)
    const links = e.error ? '' : `<a href="ui/?api=${name}">view</a> · <a href="apis/${name}/openapi.json">openapi.json</a> (gateway view)`
    return `<tr id="${esc(e.name)}"><td><strong>${esc(e.name)}</strong></td><td>${status}</td><td>${links}<br><span class="muted">as served: <a href="${esc(e.sourceUrl)}">${esc(e.sourceUrl)}</a></span></td></tr>`
  })
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>looklook API docs</title><style>${style}</style></head>
<body>
<h1>looklook API docs</h1>
<p>Each api generates its OpenAPI 3.1 document from its route schemas and serves it on its own port only.
Here every document is shown as the gateway at <code>${esc(gatewayUrl)}</code> exposes it: which routes it proxies, and which need a token.
<a href="ui/">Browse them all in Swagger UI</a>, or take <a href="openapi.json">one document for the whole gateway</a>.</p>
<table><thead><tr><th>api</th><th>routes</th><th>documents</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`
}

export function uiPage(urls: readonly { name: string; url: string }[], gatewayUrl: string): string {
  const config = { urls, gateway: gatewayUrl.replace(/\/$/, ''), proxy: PROXY }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>looklook API docs · Swagger UI</title>
<link rel="stylesheet" href="..${ASSETS}/swagger-ui.css"><link rel="icon" href="..${ASSETS}/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="..${ASSETS}/swagger-ui-bundle.js"></script>
<script src="..${ASSETS}/swagger-ui-standalone-preset.js"></script>
<script>
const config = ${scriptJson(config)}
const primary = new URLSearchParams(location.search).get('api')
window.ui = SwaggerUIBundle({
  urls: config.urls,
  'urls.primaryName': primary || config.urls[0]?.name,
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  // The default sends every document to an online validator; nothing leaves this machine.
  validatorUrl: null,
  // The browser cannot call the gateway from this origin (nginx sends no CORS headers): go through this process.
  requestInterceptor: (req) => {
    if (req.url.startsWith(config.gateway + '/')) req.url = location.origin + config.proxy + req.url.slice(config.gateway.length)
    return req
  },
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
})
</script>
</body></html>
`
}
