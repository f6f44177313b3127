#!/bin/sh
# PROJECT_POLL_CMD hook for ../shared/bench (see its README): polls FEEDS_FILE with the real CLI.
#
# The cold run writes DATA_DIR/config.toml (every URL of FEEDS_FILE as a [[feeds]] entry,
# [poll] concurrency = $CONCURRENCY, default 64) and polls into DATA_DIR/partwatch.db; warm
# runs reuse both and pass --force, because the harness polls again at once, well inside
# min_interval. The entry count is read from the store with the system python's sqlite3
# (a second `partwatch` start-up would be timed as part of the poll).
# Set PARTWATCH_BENCH_DIRECT=1 to time the engine alone (bench/poll_hook.py: feeds/ only).
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PARTWATCH_PYTHON:-$ROOT/.venv/bin/python}"
if [ "${PARTWATCH_BENCH_DIRECT:-0}" = 1 ]; then
    exec "$PY" "$ROOT/bench/poll_hook.py"
fi
CFG="$DATA_DIR/config.toml"
DB="$DATA_DIR/partwatch.db"
if [ ! -f "$CFG" ]; then
    {
        printf '[poll]\nconcurrency = %s\ntimeout = 30\n\n' "${CONCURRENCY:-64}"
        grep -v '^#' "$FEEDS_FILE" | grep . | sed 's/.*/[[feeds]]\nurl = "&"\n/'
    } > "$CFG"
fi
FORCE=""
[ -f "$DB" ] && FORCE="--force"
status=0
"$PY" -m partwatch --config "$CFG" --db "$DB" poll --json $FORCE > "$DATA_DIR/poll-${PHASE:-run}.json" || status=$?
if [ "$status" -gt 1 ]; then
    echo "partwatch poll exited $status" >&2
    exit "$status"
fi
python3 -c 'import json, sqlite3, sys
s = json.load(open(sys.argv[2]))
print("ok=%s not_modified=%s failed=%s new=%s" % (s["ok"], s["not_modified"], s["failed"], s["new_articles"]))
print("entries=%d" % sqlite3.connect(sys.argv[1]).execute("select count(*) from articles").fetchone()[0])' \
    "$DB" "$DATA_DIR/poll-${PHASE:-run}.json"
