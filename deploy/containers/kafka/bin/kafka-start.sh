#!/bin/bash
# The official image's start-up: every KAFKA_<NAME> variable (but the JVM ones) becomes the property
# <name> (lower case, '_' → '.', '__' → '_', '___' → '-'), the storage is formatted once with CLUSTER_ID,
# then the broker runs in the foreground.
set -euo pipefail
props=/tmp/server.properties
: >"$props"
log_dirs=/var/lib/kafka/data
while IFS='=' read -r name value; do
  case $name in
  KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JMX_OPTS | KAFKA_GC_LOG_OPTS | KAFKA_VERSION) continue ;;
  KAFKA_*) ;;
  *) continue ;;
  esac
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  [[ $key == log.dirs ]] && log_dirs=$value
  printf '%s=%s\n' "$key" "$value" >>"$props"
done < <(env)
grep -q '^log.dirs=' "$props" || printf 'log.dirs=%s\n' "$log_dirs" >>"$props"
if [[ ! -f $log_dirs/meta.properties ]]; then
  kafka-run-class.sh kafka.tools.StorageTool format --cluster-id "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" \
    --config "$props" --ignore-formatted
fi
exec kafka-run-class.sh kafka.Kafka "$props"
