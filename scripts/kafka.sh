# shellcheck shell=bash
# Apache Kafka in KRaft combined mode (broker + controller, one node) from Maven Central jars:
# PLAINTEXT 127.0.0.1:9092, controller 9093, data under data/kafka. See deploy/kafka/pom.xml.

KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_DEPLOY="$ROOT/deploy/kafka"
KAFKA_LIB="$KAFKA_DEPLOY/lib"
KAFKA_DATA="$DATA/kafka"

kafka_java_opts() {
  printf '%s\n' -Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$KAFKA_DEPLOY/log4j2.properties"
}

kafka_install() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  local stamp="$KAFKA_LIB/.copied"
  if [[ ! -f $stamp ]] || [[ $KAFKA_DEPLOY/pom.xml -nt $stamp ]]; then
    say "fetching the Kafka broker jars from Maven Central (deploy/kafka/lib)"
    local t0
    t0=$(date +%s)
    rm -rf "$KAFKA_LIB"
    ensure_dirs
    (cd "$KAFKA_DEPLOY" && mvn -B -q dependency:copy-dependencies) >>"$LOG_DIR/kafka.log" 2>&1 ||
      fail_with_log kafka "mvn dependency:copy-dependencies failed in deploy/kafka"
    touch "$stamp"
    say "fetched the Kafka jars ($(elapsed "$t0"))"
  fi
}

kafka_up() {
  if ! running kafka; then
    kafka_install
    claim_port kafka "$KAFKA_PORT"
    claim_port kafka "$KAFKA_CONTROLLER_PORT"
    ensure_dirs
    mkdir -p "$KAFKA_DATA/log"
    sed "s|@KAFKA_LOG_DIRS@|$KAFKA_DATA/log|" "$KAFKA_DEPLOY/server.properties" >"$KAFKA_DATA/server.properties"
    local -a opts
    mapfile -t opts < <(kafka_java_opts)
    if [[ ! -f $KAFKA_DATA/log/meta.properties ]]; then
      say "formatting Kafka storage data/kafka"
      # A KRaft cluster id is 16 random bytes in URL-safe base64 without padding.
      local cluster_id
      cluster_id=$(node -e "process.stdout.write(require('node:crypto').randomBytes(16).toString('base64url'))")
      java "${opts[@]}" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format -t "$cluster_id" \
        -c "$KAFKA_DATA/server.properties" --ignore-formatted >>"$LOG_DIR/kafka.log" 2>&1 ||
        fail_with_log kafka "kafka-storage format failed"
    fi
    say "starting Kafka on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
    spawn kafka "$KAFKA_DATA" "" java "${opts[@]}" -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DATA/server.properties"
    wait_until kafka 60 port_open "$KAFKA_PORT"
  fi
  # Also on a running broker: a topic added to topics.txt since the last `up` gets created.
  # kafkajs 2.2.4 schedules a negative timeout on Node 24; the warning is noise, not a fault.
  node --disable-warning=TimeoutNegativeWarning "$ROOT/scripts/kafka-topics.ts" "127.0.0.1:$KAFKA_PORT" "$KAFKA_DEPLOY/topics.txt" 60 ||
    fail_with_log kafka "the broker does not answer admin requests"
}

kafka_down() {
  running kafka || return 0
  say "stopping Kafka"
  stop_pid kafka 30
}
