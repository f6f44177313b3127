#!/bin/sh
# Cold and warm poll of 1000 loopback feeds, partwatch beside newsboat and reader (issue 2).
#
#   bench/poll.sh                      # -n 1000 -m 20 -l 50 -r 3 -t 16, the issue's setting
#   bench/poll.sh -n 200 -r 1          # any bench.sh option overrides the defaults
#   PARTWATCH_BENCH_DIRECT=1 bench/poll.sh   # time feeds/ alone (no store, no CLI)
#   BENCH_DIR=/path/to/shared/bench bench/poll.sh
#
# Targets: cold <= ~9 s (half of newsboat's 18.8 s), warm (all 304) < 1.5 s, peak RSS < 300 MB.
# The hook (bench/poll_hook.sh) runs `partwatch poll --json` with [poll] concurrency = 64.
# Prints the harness's Markdown table; raw JSON lines stay under /tmp/bench-results.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$ROOT/../shared/bench}"
[ -x "$BENCH_DIR/bench.sh" ] || BENCH_DIR=/work/shared/bench
export PROJECT_NAME="${PROJECT_NAME:-partwatch}"
export PROJECT_POLL_CMD="${PROJECT_POLL_CMD:-sh $ROOT/bench/poll_hook.sh}"
exec "$BENCH_DIR/bench.sh" -n 1000 -m 20 -l 50 -r 3 -t 16 "$@"
