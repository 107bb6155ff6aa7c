#!/usr/bin/env bash
# A real Apache Kafka broker on loopback, for the tests that prove delivery.
#
#   scripts/kafka.sh start | stop | status
#
# start: installs a JDK and Maven from Debian if missing, fetches Apache Kafka
# (org.apache.kafka:kafka_2.13 and its runtime dependencies, through Maven) once into
# $NEXUS_KAFKA_CACHE, formats a fresh KRaft storage directory and starts one combined
# broker+controller (main class kafka.Kafka) on 127.0.0.1:$NEXUS_KAFKA_PORT, then waits
# until it answers a metadata request. stop: stops it (SIGTERM, then SIGKILL after 30 s)
# and removes its storage. status: says whether it runs and answers.
#
# Settings (environment):
#   NEXUS_KAFKA_VERSION  default 4.1.1
#   NEXUS_KAFKA_PORT     default 19092 (the controller listens on the next port)
#   NEXUS_KAFKA_CACHE    default ~/.cache/nexus/kafka-$NEXUS_KAFKA_VERSION (the jars)
#   NEXUS_KAFKA_RUN      default /tmp/nexus-kafka-$NEXUS_KAFKA_PORT (storage, log, pid)
#   NEXUS_KAFKA_HEAP     default 512m
set -euo pipefail

version="${NEXUS_KAFKA_VERSION:-4.1.1}"
port="${NEXUS_KAFKA_PORT:-19092}"
controller_port=$((port + 1))
cache="${NEXUS_KAFKA_CACHE:-$HOME/.cache/nexus/kafka-$version}"
run_dir="${NEXUS_KAFKA_RUN:-/tmp/nexus-kafka-$port}"
heap="${NEXUS_KAFKA_HEAP:-512m}"
pid_file="$run_dir/kafka.pid"

say() { echo "kafka.sh: $*" >&2; }

install_tools() {
  local missing=()
  command -v java >/dev/null || missing+=(default-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v kcat >/dev/null || command -v kafkacat >/dev/null || missing+=(kafkacat)
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ]; then
    say "missing ${missing[*]}: run as root or install them"
    exit 1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

fetch_kafka() {
  [ -f "$cache/complete" ] && return
  say "fetching Apache Kafka $version through Maven into $cache"
  local work
  work="$(mktemp -d)"
  cat > "$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nexus.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$version</version>
    </dependency>
    <!-- the broker logs through slf4j 1.7; this binds it to log4j2 so kafka.log says something -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.24.3</version>
    </dependency>
  </dependencies>
</project>
EOF
  mkdir -p "$cache/libs"
  (cd "$work" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$cache/libs")
  rm -rf "$work"
  touch "$cache/complete"
}

kcat_bin() { command -v kcat || command -v kafkacat; }

answers() { "$(kcat_bin)" -b "127.0.0.1:$port" -L -m 2 >/dev/null 2>&1; }

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

start() {
  if running; then
    say "already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"
    return
  fi
  install_tools
  fetch_kafka
  rm -rf "$run_dir"
  mkdir -p "$run_dir/data"
  cat > "$run_dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run_dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  cat > "$run_dir/log4j2.properties" <<EOF
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$run_dir/kafka.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
EOF
  local classpath="$cache/libs/*"
  local cluster_id
  cluster_id="$(java -cp "$classpath" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java -cp "$classpath" -Dlog4j2.configurationFile="$run_dir/log4j2.properties" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$run_dir/server.properties" \
    > "$run_dir/format.log" 2>&1 || { say "format failed:"; cat "$run_dir/format.log" >&2; exit 1; }
  nohup java "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$run_dir/log4j2.properties" -cp "$classpath" \
    kafka.Kafka "$run_dir/server.properties" > "$run_dir/stdout.log" 2>&1 &
  echo $! > "$pid_file"
  local i
  for i in $(seq 1 120); do
    if answers; then
      say "Apache Kafka $version up on 127.0.0.1:$port (pid $(cat "$pid_file"), $((i / 2)) s)"
      return
    fi
    if ! running; then
      say "broker exited while starting:"
      tail -20 "$run_dir/stdout.log" "$run_dir/kafka.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  say "broker did not answer on 127.0.0.1:$port within 60 s"
  stop
  exit 1
}

stop() {
  if running; then
    local pid
    pid="$(cat "$pid_file")"
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped (pid $pid)"
  fi
  rm -rf "$run_dir"
}

status() {
  if running && answers; then
    echo "running: pid $(cat "$pid_file"), 127.0.0.1:$port answers"
  elif running; then
    echo "started (pid $(cat "$pid_file")) but 127.0.0.1:$port does not answer"
    exit 1
  else
    echo "not running"
    exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/kafka.sh start|stop|status" >&2; exit 2 ;;
esac
