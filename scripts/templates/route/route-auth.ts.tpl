app.post('{{path}}', { schema: { body: {{Route}}Req, response: { 200: {{Route}}Resp } } }, (request) =>
  {{route}}(svc, ctxOf(request), request.body),
)
