#!/usr/bin/env bash
# Velvet benchmarks: builds Release, starts a throwaway PostgreSQL 15 (scripts/pg-test.sh, stopped on exit),
# runs fanout and transitions on SQLite and PostgreSQL, then prints a summary table. Every figure is a ratio to a
# baseline measured in the same run (see bench/README.md). Knobs: CONSUMERS, CONCURRENCY, LATENCY_MS, CLIENTS, BENCH_SECONDS, GRANT_TABLES.
set -euo pipefail
cd "$(dirname "$0")/.."

CONSUMERS=${CONSUMERS:-1000}
CONCURRENCY=${CONCURRENCY:-64}
LATENCY_MS=${LATENCY_MS:-20}
CLIENTS=${CLIENTS:-8}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}

dotnet build bench/Velvet.Bench/Velvet.Bench.csproj -c Release --nologo -v q >/dev/null
BENCH=(dotnet bench/Velvet.Bench/bin/Release/net10.0/velvet-bench.dll)

PG_PORT=$(bash scripts/pg-test.sh free-port)
PG_ROOT=$(mktemp -d /tmp/velvet-bench-pg.XXXXXX)
export PG_PORT PG_ROOT
cleanup() { bash scripts/pg-test.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM
mapfile -t CS < <(bash scripts/pg-test.sh start)
export VELVET_BENCH_PG_OWNER="${CS[0]}" VELVET_BENCH_PG_APP="${CS[1]}" VELVET_BENCH_PG_ADMIN="${CS[2]}"

LOG=$(mktemp /tmp/velvet-bench-log.XXXXXX)
run() {
  echo; echo "== velvet-bench $*"
  timeout 900 "${BENCH[@]}" "$@" | tee -a "$LOG"
}
run fanout --store sqlite --consumers "$CONSUMERS" --concurrency "$CONCURRENCY" --latency-ms "$LATENCY_MS"
run fanout --store postgres --consumers "$CONSUMERS" --concurrency "$CONCURRENCY" --latency-ms "$LATENCY_MS"
run transitions --store sqlite --clients "$CLIENTS" --seconds "$SECONDS_PER_RUN"
run transitions --store postgres --clients "$CLIENTS" --seconds "$SECONDS_PER_RUN"
run api --store postgres --clients "${API_CLIENTS:-200}" --seconds "$SECONDS_PER_RUN" --subscribers "${SUBSCRIBERS:-1000}"
run grants --tables "${GRANT_TABLES:-10000}"
run dbrotate --clients "${DB_CLIENTS:-50}" --rotations "${DB_ROTATIONS:-3}"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
printf '%-34s %-12s %14s %16s %9s %s\n' benchmark store velvet baseline ratio target
while read -r line; do
  store=$(field store "$line")
  case "$(field bench "$line")" in
    fanout)
      printf '%-34s %-12s %11s ms %13s ms %8sx %s\n' "fanout N=$CONSUMERS c=$CONCURRENCY ${LATENCY_MS}ms" "$store" \
        "$(field wall_ms "$line")" "$(field bound_ms "$line")" "$(field ratio "$line")" "<= 1.20x"
      printf '%-34s %-12s %11s ms %13s ms %8sx %s\n' "  distribute phase only" "$store" \
        "$(field distribute_ms "$line")" "$(field distribute_bound_ms "$line")" "$(field distribute_ratio "$line")" ""
      printf '%-34s %-12s %11s ms %13s ms %8sx %s\n' "  http-only harness (no engine)" "$store" \
        "$(field http_only_ms "$line")" "$(field bound_ms "$line")" "$(field http_only_ratio "$line")" "(reference)"
      printf '%-34s %-12s %11s ms %13s ms %9s %s\n' "  consumer latency per call" "$store" \
        "$(field server_ms_per_call "$line")" "$LATENCY_MS" "" "(measured in the server during the rotations; one call alone: $(field call_floor_ms "$line") ms)"
      ;;
    transitions)
      target="(none)"; [ "$store" = postgres ] && target=">= 40 %"
      printf '%-34s %-12s %12s/s %14s/s %8s%% %s\n' "transitions c=$CLIENTS ${SECONDS_PER_RUN}s" "$store" \
        "$(field transitions_per_s "$line")" "$(field baseline_per_s "$line")" "$(field ratio_pct "$line")" "$target  baseline: $(field baseline "$line" | tr _ ' ')"
      ;;
    api)
      printf '%-34s %-12s %8s ms p99 %9s ms p99 %8sx %s
' "api $(field what "$line" | tr _ ' ') c=$(field clients "$line")" "$store" \
        "$(field p99_ms "$line")" "$(field base_p99_ms "$line")" "$(field p99_ratio "$line")" "<= 2x; throughput $(field throughput_pct "$line")% (>= 25 %)"
      ;;
    grants)
      printf '%-34s %-12s %11s ms %13s ms %8sx %s\n' "grants plan, $(field tables "$line") tables" "$store" \
        "$(field plan_ms "$line")" "$(field baseline_ms "$line")" "$(field ratio "$line")" ">= 50x  (baseline / velvet; baseline: one relacl query per table)"
      ;;
    dbrotate)
      target="(baseline: the seeds' procedure)"; [ "$(field mode "$line")" = alternating ] && target="0 failed"
      printf '%-34s %-12s %8s failed %7s connections  %s\n' "dbrotate $(field mode "$line") c=$(field clients "$line") x$(field rotations "$line")" "postgres" \
        "$(field failed "$line")" "$(field attempts "$line")" "$target  ($(field classes "$line"); rotation $(field rotation_ms "$line") ms)"
      ;;
    streams)
      printf '%-34s %-12s %s\n' "streams subscribers=$(field subscribers "$line")" "postgres" \
        "$(field complete "$line") complete, transition→last subscriber median $(field delay_median_ms "$line") ms, max $(field delay_max_ms "$line") ms"
      ;;
  esac
done < <(grep '^RESULT ' "$LOG")
rm -f "$LOG"
