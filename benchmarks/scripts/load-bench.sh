#!/usr/bin/env bash
# The reference pool measured with the neutral C load generator (../shared/tools/stratum_load.c), as issue 7
# asks: each scenario runs RUNS times against a freshly started pool (a fresh --data folder each run), and a
# table of medians is printed at the end (benchmarks/scripts/summarize_load.py).
#
#   benchmarks/scripts/load-bench.sh                  # the full measurement: about 15 minutes
#   SMOKE=1 benchmarks/scripts/load-bench.sh          # every scenario once, short and small: about 2 minutes
#   SCENARIOS="reject accepted" RUNS=5 benchmarks/scripts/load-bench.sh
#
# Scenarios (names for SCENARIOS):
#   reject            CONNS connections, 1 share in flight each, share difficulty 1 (every share rejected)
#   accepted          the same at a tiny share difficulty (every share accepted, durably, SQLite ledger),
#                     then LedgerCheck: every acknowledged share must be in the ledger
#   latency-reject    a fixed RATE shares/s over CONNS connections, difficulty 1
#   latency-accepted  a fixed RATE shares/s, tiny difficulty, SQLite ledger, then LedgerCheck
#   idle-N            N idle connections (one scenario per IDLE_CONNS entry); the chain mines a block every
#                     MINE_EVERY, so every session gets a clean job: fan-out first -> last connection, RSS growth
#                     per connection (the generator's --pid) and live heap per session (jcmd GC.class_histogram)
#
# Settings (environment): RUNS DURATION WARMUP CONNS RATE IN_FLIGHT_RATE IDLE_CONNS IDLE_DURATION MINE_EVERY TINY
# STRATUM_PORT API_PORT POOL_JAVA_OPTS OUT SKIP_BUILD SCENARIOS; SMOKE=1 changes the defaults to short ones.
# Every process is bounded in time: the generator by its own phases, the pool by an explicit stop.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$ROOT/.." && pwd)/shared}

if [[ "${SMOKE:-0}" == 1 ]]; then
  RUNS=${RUNS:-1}; DURATION=${DURATION:-5}; WARMUP=${WARMUP:-2}; CONNS=${CONNS:-200}; RATE=${RATE:-2000}
  IDLE_CONNS=${IDLE_CONNS:-"1000 2000"}; IDLE_DURATION=${IDLE_DURATION:-12}; MINE_EVERY=${MINE_EVERY:-2s}
fi
RUNS=${RUNS:-3}
DURATION=${DURATION:-20}              # seconds of submitting (or holding) per run
WARMUP=${WARMUP:-10}                  # seconds of the same load before each measured submit run (0: none)
CONNS=${CONNS:-1000}
RATE=${RATE:-10000}                   # shares/s of the fixed-rate (latency) scenarios
IN_FLIGHT_RATE=${IN_FLIGHT_RATE:-4}   # most outstanding shares per connection at the fixed rate
IDLE_CONNS=${IDLE_CONNS:-"10000 18000"}
IDLE_DURATION=${IDLE_DURATION:-30}
MINE_EVERY=${MINE_EVERY:-5s}
TINY=${TINY:-1e-10}                   # below 2^-32 (2.3e-10): nearly every random share meets it
STRATUM_PORT=${STRATUM_PORT:-13333}
API_PORT=${API_PORT:-18080}
# A fixed, pre-touched heap: RSS growth per connection is then what connections cost outside the heap, and
# the heap's part is measured on its own (live heap per session).
POOL_JAVA_OPTS=${POOL_JAVA_OPTS:-"-Xms1g -Xmx1g -XX:+AlwaysPreTouch"}
OUT=${OUT:-$ROOT/benchmarks/target/load-bench/$(date -u +%Y%m%dT%H%M%SZ)}
DEFAULT_SCENARIOS="reject accepted latency-reject latency-accepted"
for n in $IDLE_CONNS; do DEFAULT_SCENARIOS+=" idle-$n"; done
SCENARIOS=${SCENARIOS:-$DEFAULT_SCENARIOS}

POOL_JAR=$ROOT/pool-examples/target/reference-pool.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
GEN=$ROOT/benchmarks/target/stratum_load
JAVA=${JAVA:-java}
JCMD=${JCMD:-$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd}

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in gcc python3 curl "$JAVA"; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
[[ -x "$JCMD" ]] || die "jcmd not found next to $JAVA (set JCMD)"
[[ -f "$SHARED/tools/stratum_load.c" ]] || die "no $SHARED/tools/stratum_load.c (set SHARED to the shared folder)"
for s in $SCENARIOS; do
  case "$s" in
    reject|accepted|latency-reject|latency-accepted) ;;
    idle-*) [[ "${s#idle-}" =~ ^[0-9]+$ && "${s#idle-}" -ge 1 && "${s#idle-}" -le 18000 ]] \
              || die "scenario $s: expected idle-N with N from 1 to 18000 (the open-file limit is 20,000)" ;;
    *) die "unknown scenario '$s': expected reject, accepted, latency-reject, latency-accepted or idle-N" ;;
  esac
done

# Both the pool and the generator inherit this; 18,000 connections need 18,000 descriptors on each side.
ulimit -n 20000 || die "cannot raise the open-file limit to 20000 (ulimit -Hn is $(ulimit -Hn))"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building reference-pool.jar and benchmarks.jar"
  (cd "$ROOT" && ./mvnw -B -q -pl pool-examples,benchmarks -am package -DskipTests)
fi
[[ -f "$POOL_JAR" && -f "$BENCH_JAR" ]] || die "missing $POOL_JAR or $BENCH_JAR (run without SKIP_BUILD=1)"
mkdir -p "$(dirname "$GEN")"
gcc -O2 -Wall -o "$GEN" "$SHARED/tools/stratum_load.c" -lm

mkdir -p "$OUT"
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "java=$("$JAVA" -version 2>&1 | head -1)"
  echo "pool_java_opts=$POOL_JAVA_OPTS"
  echo "runs=$RUNS duration=$DURATION warmup=$WARMUP conns=$CONNS rate=$RATE in_flight_rate=$IN_FLIGHT_RATE"
  echo "idle_conns=$IDLE_CONNS idle_duration=$IDLE_DURATION mine_every=$MINE_EVERY tiny=$TINY"
} > "$OUT/machine.txt"
log "results in $OUT"

POOL_PID=
stop_pool() {
  [[ -n "$POOL_PID" ]] || return 0
  if kill -0 "$POOL_PID" 2>/dev/null; then
    kill -TERM "$POOL_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$POOL_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$POOL_PID" 2>/dev/null; then
      log "the pool did not stop within 60 s; killing it"
      kill -KILL "$POOL_PID" 2>/dev/null || true
    fi
  fi
  wait "$POOL_PID" 2>/dev/null || true
  POOL_PID=
}
trap stop_pool EXIT

# start_pool DIR DIFFICULTY [EXTRA FLAGS...]: the benchmark profile of the reference pool, started in the
# background; returns once it serves its HTTP API.
start_pool() {
  local dir=$1 difficulty=$2; shift 2
  local -a cmd=("$JAVA" $POOL_JAVA_OPTS -jar "$POOL_JAR" demo --miners 0 --share-difficulty "$difficulty"
    --ledger sqlite --stratum-port "$STRATUM_PORT" --api-port "$API_PORT" --data "$dir/data"
    --status-interval 0 --no-guard --block-interval 24h "$@")
  echo "${cmd[*]}" > "$dir/pool.cmd"
  "${cmd[@]}" > "$dir/pool.log" 2>&1 &
  POOL_PID=$!
  for _ in $(seq 1 600); do
    grep -q "HTTP API:" "$dir/pool.log" 2>/dev/null && return 0
    kill -0 "$POOL_PID" 2>/dev/null || die "the pool exited at start: $(tail -5 "$dir/pool.log")"
    sleep 0.1
  done
  die "the pool did not start within 60 s: $(tail -5 "$dir/pool.log")"
}

# live_heap_bytes: a full collection, then the total of the pool's live objects.
live_heap_bytes() {
  timeout 120 "$JCMD" "$POOL_PID" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { print $3 }'
}

sessions_authorized() {
  curl -s --max-time 5 "http://127.0.0.1:$API_PORT/metrics" \
    | awk '$1 == "poolkit_sessions_authorized" { printf "%d\n", $2 }'
}

# run_generator DIR ARGS...: the C generator against the pool, its report in DIR/gen.txt and DIR/gen.json.
run_generator() {
  local dir=$1; shift
  local -a cmd=("$GEN" -H 127.0.0.1 -p "$STRATUM_PORT" --pid "$POOL_PID" --json "$dir/gen.json" "$@")
  echo "${cmd[*]}" > "$dir/gen.cmd"
  "${cmd[@]}" > "$dir/gen.txt" 2> "$dir/gen.err"
}

ledger_check() {
  local dir=$1 status=0
  local -a jsons=()
  [[ -f "$dir/warm-up.json" ]] && jsons+=(--generator-json "$dir/warm-up.json")
  "$JAVA" -cp "$BENCH_JAR" io.poolkit.benchmarks.load.LedgerCheck --ledger "$dir/data/ledger.db" \
    "${jsons[@]}" --generator-json "$dir/gen.json" > "$dir/ledger-check.txt" 2>&1 || status=$?
  echo "$status" > "$dir/ledger-check.status"
  log "  $(head -1 "$dir/ledger-check.txt") (exit $status)"
}

run_submit() { # DIR DIFFICULTY GENERATOR-ARGS...
  local dir=$1 difficulty=$2; shift 2
  start_pool "$dir" "$difficulty"
  if [[ "$WARMUP" -gt 0 ]]; then
    # The same load first, not counted: a fresh JVM compiles its hot paths in its first seconds.
    "$GEN" -H 127.0.0.1 -p "$STRATUM_PORT" --json "$dir/warm-up.json" -d "$WARMUP" "$@" > "$dir/warm-up.txt" \
      2>&1 || die "the warm-up run failed: $(tail -3 "$dir/warm-up.txt")"
  fi
  run_generator "$dir" -d "$DURATION" "$@"
  stop_pool
}

run_idle() { # DIR N
  local dir=$1 n=$2 heap_before heap_connected sessions gc_start gc_end gen_pid gen_status=0
  start_pool "$dir" 1 --mine-every "$MINE_EVERY"
  heap_before=$(live_heap_bytes)
  run_generator "$dir" -m idle -n "$n" -d "$IDLE_DURATION" --settle 10 &
  gen_pid=$!
  # Once every connection is authorised (or 150 s have passed), the pool's live heap again.
  for _ in $(seq 1 1500); do
    sessions=$(sessions_authorized || true)
    [[ -n "$sessions" && "$sessions" -ge "$n" ]] && break
    kill -0 "$gen_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 2 # the last handshakes' garbage, and the generator's first jobs
  sessions=$(sessions_authorized || echo 0)
  gc_start=$(date +%s.%N)
  heap_connected=$(live_heap_bytes)
  gc_end=$(date +%s.%N)
  wait "$gen_pid" || gen_status=$?
  stop_pool
  cat > "$dir/extra.json" <<EOF
{"heap_before_bytes": ${heap_before:-null}, "heap_connected_bytes": ${heap_connected:-null},
 "sessions_at_heap_sample": ${sessions:-0}, "gc_windows": [[$gc_start, $gc_end]], "generator_status": $gen_status}
EOF
}

for scenario in $SCENARIOS; do
  log "scenario $scenario: $RUNS run(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for run in $(seq 1 "$RUNS"); do
    dir="$OUT/$scenario/run$run"
    mkdir -p "$dir"
    echo "$(cut -d' ' -f1-3 /proc/loadavg)" > "$dir/loadavg.before"
    case "$scenario" in
      reject)           run_submit "$dir" 1 -n "$CONNS" -i 1 ;;
      accepted)         run_submit "$dir" "$TINY" -n "$CONNS" -i 1; ledger_check "$dir" ;;
      latency-reject)   run_submit "$dir" 1 -n "$CONNS" -i "$IN_FLIGHT_RATE" -r "$RATE" ;;
      latency-accepted) run_submit "$dir" "$TINY" -n "$CONNS" -i "$IN_FLIGHT_RATE" -r "$RATE"; ledger_check "$dir" ;;
      idle-*)           run_idle "$dir" "${scenario#idle-}" ;;
    esac
    echo "$(cut -d' ' -f1-3 /proc/loadavg)" > "$dir/loadavg.after"
    log "  run $run: $(grep -E '^responses|^ready at run start' "$dir/gen.txt" | head -1 | tr -s ' ')"
  done
done

python3 "$HERE/summarize_load.py" "$OUT" | tee "$OUT/summary.md"
