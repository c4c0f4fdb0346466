#!/usr/bin/env bash
# intake.sh - cases over HTTP, 64 connections, keep-alive: each case located, routed and
# stored with its event, rollups and notices, durable before its 201 (group commit), beside
# a bare libmicrohttpd "hello" server in the same run. Called by run.sh; runs alone too:
#
#   bench/intake.sh        (DUR=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/grassroots
OUT=bench/out
mkdir -p "$OUT"
PORT=${PORT:-18082}
HELLO_PORT=${HELLO_PORT:-18083}
DUR=${DUR:-10}
say() { printf '%s: %s\n' "$1" "$2"; }

rm -f "$OUT"/intake.db*
$BIN demo --db "$OUT/intake.db" --seed 3 --cases 0 >/dev/null
$BIN serve --db "$OUT/intake.db" --listen 127.0.0.1:$PORT --threads 2 --quiet \
  > "$OUT/serve-intake.log" 2>&1 &
srv=$!
build/bench/bench_hello $HELLO_PORT 2 > /dev/null &
hello=$!
trap 'kill $srv $hello 2>/dev/null || true' EXIT
for i in $(seq 50); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.2; done

curl -sS -f -c "$OUT/cji" -X POST http://127.0.0.1:$PORT/api/v1/session \
  -d '{"login":"admin","password":"admin-pass-2026"}' > "$OUT/login-intake.json"
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$OUT/login-intake.json")
token=$(curl -sS -f -b "$OUT/cji" -H "X-CSRF-Token: $csrf" -X POST \
  http://127.0.0.1:$PORT/api/v1/tokens -d '{"name":"bench"}' |
  sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
# A grid-level matter, and the label point of every grid (inside it by construction).
matter=$(sqlite3 "$OUT/intake.db" "SELECT code FROM matters WHERE owner_level = 'grid' ORDER BY code LIMIT 1")
sqlite3 -separator ' ' "$OUT/intake.db" \
  "SELECT lat, lon FROM nodes WHERE level = 'grid' AND lat IS NOT NULL" > "$OUT/grid-points.txt"
cat > "$OUT/intake.lua" <<LUA
local p = {}
function init(args)
  for line in io.lines(args[1]) do p[#p + 1] = line end
end
request = function()
  local lat, lon = p[math.random(#p)]:match("(%S+) (%S+)")
  return wrk.format("POST", "/api/v1/cases",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"},
    '{"matter_code":"$matter","channel":"web","description":"楼道口垃圾堆放，请清理",' ..
    '"lat":' .. lat .. ',"lon":' .. lon .. '}')
end
LUA
before=$(sqlite3 "$OUT/intake.db" "SELECT count(*) FROM cases")
hello_rps=$(wrk -t2 -c64 -d${DUR}s http://127.0.0.1:$HELLO_PORT/ | awk '/Requests\/sec/{print $2}')
wrk -t2 -c64 -d${DUR}s --latency -s "$OUT/intake.lua" http://127.0.0.1:$PORT/ -- \
  "$OUT/grid-points.txt" > "$OUT/intake.txt"
sleep 1
if grep -q Non-2xx "$OUT/intake.txt"; then cat "$OUT/intake.txt"; exit 1; fi
rps=$(awk '/Requests\/sec/{print $2}' "$OUT/intake.txt")
after=$(sqlite3 "$OUT/intake.db" "SELECT count(*) FROM cases")
say "hello (bare libmicrohttpd) req/s" "$hello_rps"
say "intake over HTTP cases/s" "$rps"
say "intake / hello" "$(echo "scale=3; $rps / $hello_rps" | bc)"
say "intake p50" "$(awk '$1=="50%"{print $2}' "$OUT/intake.txt")"
say "intake p99" "$(awk '$1=="99%"{print $2}' "$OUT/intake.txt")"
say "cases stored" "$((after - before))"
say "group commit batches, requests, write s, commit s, syncs, sync s" "$(curl -s localhost:$PORT/metrics | awk '/^gr_write_(batch|seconds|commit|sync)/{printf "%s ", $2}')"
