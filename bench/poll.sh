#!/bin/sh
# Cold and warm poll of 1000 loopback feeds, partwatch beside newsboat and reader (issue 2).
#
#   bench/poll.sh                      # -n 1000 -m 20 -l 50 -r 3 -t 16, the issue's setting
#   bench/poll.sh -n 200 -r 1          # any bench.sh option overrides the defaults
#   PARTWATCH_BENCH_DIRECT=1 bench/poll.sh   # time feeds/ alone (no store, no CLI)
#   BENCH_DIR=/path/to/shared/bench bench/poll.sh
#
# Targets: cold <= ~9 s (half of newsboat's 18.8 s), warm (all 304) < 1.5 s, peak RSS < 300 MB.
# Measured 2026-12-01 19:55 UTC, `bench/poll.sh -r 1 -p 18631`, idle machine (load 1.6 falling):
# partwatch cold 14.74 s (fetch+parse+store 5.87 s, stories 8.07 s, desk 0.29 s, search index
# 2.02 s beside stories), warm 1.34/1.31 s (1000 304s), peak RSS 247/62 MB; newsboat cold 16.63 s,
# warm2 21.96 s; reader cold 16.25 s, warm 3.80 s. Cold is not yet half of newsboat's: the
# stories step (features ~8 CPU s, placement ~5 on 20,000 word-salad articles) is what is left.
# Earlier the same day, `bench/poll.sh -r 1 -p 18612`, load average 4-5 on the 2 cores: partwatch
# cold 30.4 s (fetch+parse+store 10.5 s, stories 19.2 s, desk 0.3 s), warm 1.30/1.24 s (1000 304s,
# 1.0 s CPU), peak RSS 224/62 MB; newsboat cold 26.7 s, warm2 25.7 s; reader cold 17.7 s, warm 4.0 s.
# The hook (bench/poll_hook.sh) runs `partwatch poll --json` with [poll] concurrency = 64.
# Search indexing (migration 7, store/search_index.py), measured 2026-12-01 at load 5-10, cold
# 1000 x 20 through the hook, base ca5aae4 vs the batch index, 5 alternating runs each: median
# fetch_and_store 10.2 -> 8.3 s, main-process CPU of fetch+store (after_poll stubbed) 5.8-6.6 ->
# 4.2-4.3 s including the batch index, which then takes 2.4-2.6 s wall beside `stories` (~1.2 s alone).
# Prints the harness's Markdown table; raw JSON lines stay under /tmp/bench-results.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$ROOT/../shared/bench}"
[ -x "$BENCH_DIR/bench.sh" ] || BENCH_DIR=/work/shared/bench
export PROJECT_NAME="${PROJECT_NAME:-partwatch}"
export PROJECT_POLL_CMD="${PROJECT_POLL_CMD:-sh $ROOT/bench/poll_hook.sh}"
exec "$BENCH_DIR/bench.sh" -n 1000 -m 20 -l 50 -r 3 -t 16 "$@"
