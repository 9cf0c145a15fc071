Name: {{name}}-rpc
ListenOn: ${{{NAME}}_RPC_LISTEN:-127.0.0.1:{{rpcPort}}}
Timeout: 2000
Log:
  Level: ${LOG_LEVEL:-info}
Prometheus:
  Host: 127.0.0.1
  Port: {{rpcMetricsPort}}
  Path: /metrics
Telemetry:
  Name: {{name}}-rpc
  Endpoint: ${OTEL_ENDPOINT:-}
  Sampler: 1.0
  Batcher: otlphttp
DB:
  DataSource: ${{{NAME}}_DB:-mysql://looklook:looklook@127.0.0.1:3306/{{db}}}
Cache:
  Host: ${REDIS_HOST:-127.0.0.1:6379}
  Pass: ${REDIS_PASS:-}
