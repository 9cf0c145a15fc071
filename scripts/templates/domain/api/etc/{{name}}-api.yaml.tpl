Name: {{name}}-api
Host: 127.0.0.1
Port: ${{{NAME}}_API_PORT:-{{apiPort}}}
Timeout: 3000
Log:
  Level: ${LOG_LEVEL:-info}
Prometheus:
  Host: 127.0.0.1
  Port: {{apiMetricsPort}}
  Path: /metrics
Telemetry:
  Name: {{name}}-api
  Endpoint: ${OTEL_ENDPOINT:-}
  Sampler: 1.0
  Batcher: otlphttp
{{Name}}Rpc:
  Endpoints:
    - ${{{NAME}}_RPC_ENDPOINT:-127.0.0.1:{{rpcPort}}}
  Timeout: 2000
