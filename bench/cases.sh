#!/usr/bin/env bash
# cases.sh - reads and the sweep on a store of many cases (CASES, default 10 million, made
# once by `grassroots demo --scale city --cases N` into bench/out/cases.db):
#   - a filtered, paginated case list (a random district, community or grid, a random
#     status, 50 a page), p50/p99 over HTTP at 8 connections;
#   - the figures of a random node of any level for the last year, p50/p99;
#   - the deadline sweep as of now (catching up on a fresh store), again a moment later
#     (what the server's sweep does every minute), and as of a day later (many cases due).
#
#   bench/cases.sh [--fresh]     (DUR=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/grassroots
OUT=bench/out
mkdir -p "$OUT"
PORT=${PORT:-18084}
DUR=${DUR:-10}
CASES=${CASES:-10000000}
DB="$OUT/cases.db"
say() { printf '%s: %s\n' "$1" "$2"; }

if [ "${1:-}" = "--fresh" ] || [ ! -f "$DB" ]; then
  rm -f "$DB"*
  start=$(date +%s.%N)
  $BIN demo --db "$DB" --scale city --cases "$CASES" > /dev/null
  end=$(date +%s.%N)
  say "demo --scale city --cases $CASES seconds" "$(echo "$end - $start" | bc)"
  say "cases.db size MiB" "$(( $(stat -c %s "$DB") / 1048576 ))"
fi
say "cases stored" "$(sqlite3 "$DB" "SELECT count(*) FROM cases")"
say "cases open" "$(sqlite3 "$DB" "SELECT count(*) FROM cases WHERE status NOT IN ('closed', 'rejected', 'merged')")"

# Open the store once (a sweep as of 2000 finds nothing due), so that a migration the
# binary brings is not timed as a sweep below.
$BIN sweep --db "$DB" --now 2000-01-01T00:00:00Z > /dev/null

# The sweep, in process (the CLI), before the server changes anything (SWEEP=0 skips it).
if [ "${SWEEP:-1}" = 1 ]; then
cp "$DB" "$OUT/sweep.db"
rm -f "$OUT"/sweep.db-*
start=$(date +%s.%N)
$BIN sweep --db "$OUT/sweep.db" > "$OUT/sweep-now.txt"
end=$(date +%s.%N)
say "sweep as of now seconds" "$(echo "$end - $start" | bc)"
say "sweep as of now" "$(tail -1 "$OUT/sweep-now.txt")"
start=$(date +%s.%N)
$BIN sweep --db "$OUT/sweep.db" > "$OUT/sweep-again.txt"
end=$(date +%s.%N)
say "sweep again a moment later (the steady state, every minute) seconds" "$(echo "$end - $start" | bc)"
say "sweep again" "$(tail -1 "$OUT/sweep-again.txt")"
later=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
start=$(date +%s.%N)
$BIN sweep --db "$OUT/sweep.db" --now "$later" > "$OUT/sweep-later.txt"
end=$(date +%s.%N)
say "sweep a day later seconds" "$(echo "$end - $start" | bc)"
say "sweep a day later" "$(tail -1 "$OUT/sweep-later.txt")"
rm -f "$OUT"/sweep.db*
fi

$BIN serve --db "$DB" --listen 127.0.0.1:$PORT --threads 2 --quiet > "$OUT/serve-cases.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
for i in $(seq 100); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.5; done
curl -sS -f -c "$OUT/cjc" -X POST http://127.0.0.1:$PORT/api/v1/session \
  -d '{"login":"admin","password":"admin-pass-2026"}' > "$OUT/login-cases.json"
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$OUT/login-cases.json")
token=$(curl -sS -f -b "$OUT/cjc" -H "X-CSRF-Token: $csrf" -X POST \
  http://127.0.0.1:$PORT/api/v1/tokens -d '{"name":"bench"}' |
  sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')

# Random places of every level below the city.
sqlite3 "$DB" "SELECT id FROM nodes WHERE level IN ('district', 'street', 'community', 'grid')
  ORDER BY id * 7919 % 100003 LIMIT 5000" > "$OUT/places.txt"
from=$(date -u -d '-364 days' +%Y-%m-%d)
to=$(date -u +%Y-%m-%d)
cat > "$OUT/list.lua" <<LUA
local ids = {}
local statuses = {"submitted", "accepted", "dispatched", "in_progress", "resolved",
                  "verified", "closed", "on_hold", "rejected", "open"}
function init(args) for line in io.lines(args[1]) do ids[#ids + 1] = line end end
request = function()
  local path = "/api/v1/cases?limit=50&node_id=" .. ids[math.random(#ids)]
  if math.random(4) > 1 then path = path .. "&status=" .. statuses[math.random(#statuses)] end
  return wrk.format("GET", path, {["Authorization"] = "Bearer $token"})
end
LUA
cat > "$OUT/figures.lua" <<LUA
local ids = {}
function init(args) for line in io.lines(args[1]) do ids[#ids + 1] = line end end
request = function()
  return wrk.format("GET", "/api/v1/metrics?from=$from&to=$to&node_id=" .. ids[math.random(#ids)],
    {["Authorization"] = "Bearer $token"})
end
LUA
wrk -t2 -c8 -d${DUR}s --latency -s "$OUT/list.lua" http://127.0.0.1:$PORT/ -- "$OUT/places.txt" \
  > "$OUT/list.txt"
if grep -q Non-2xx "$OUT/list.txt"; then cat "$OUT/list.txt"; exit 1; fi
say "case list req/s" "$(awk '/Requests\/sec/{print $2}' "$OUT/list.txt")"
say "case list p50" "$(awk '$1=="50%"{print $2}' "$OUT/list.txt")"
say "case list p99" "$(awk '$1=="99%"{print $2}' "$OUT/list.txt")"
wrk -t2 -c8 -d${DUR}s --latency -s "$OUT/figures.lua" http://127.0.0.1:$PORT/ -- "$OUT/places.txt" \
  > "$OUT/figures.txt"
if grep -q Non-2xx "$OUT/figures.txt"; then cat "$OUT/figures.txt"; exit 1; fi
say "figures for a year req/s" "$(awk '/Requests\/sec/{print $2}' "$OUT/figures.txt")"
say "figures for a year p50" "$(awk '$1=="50%"{print $2}' "$OUT/figures.txt")"
say "figures for a year p99" "$(awk '$1=="99%"{print $2}' "$OUT/figures.txt")"
