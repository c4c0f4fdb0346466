#!/usr/bin/env bash
# run.sh - the benchmarks of docs/PERFORMANCE.md, on this machine, in one run.
#
#   bench/run.sh            everything (builds bench/out/city.db once: ~3 minutes, and
#                           bench/out/cases.db with 10 million cases once: ~15 minutes;
#                           the backlog of a million open cases each run: ~9 minutes, of
#                           which 4 are the sweep catching up on 900,000 overdue cases)
#   bench/run.sh --fresh    rebuild the city database and time it
#
# Figures print as "name: value"; copy them with the machine and the date into
# docs/PERFORMANCE.md. Loads go to 127.0.0.1 only, bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/grassroots
OUT=bench/out
mkdir -p "$OUT"
PORT=18080
HELLO_PORT=18081
DUR=${DUR:-10}

say() { printf '%s: %s\n' "$1" "$2"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

# 1. The city-scale demo.
if [ "${1:-}" = "--fresh" ] || [ ! -f "$OUT/city.db" ]; then
  rm -f "$OUT"/city.db*
  start=$(date +%s.%N)
  $BIN demo --db "$OUT/city.db" --scale city >/dev/null
  end=$(date +%s.%N)
  say "demo --scale city seconds" "$(echo "$end - $start" | bc)"
  say "demo --scale city size MiB" "$(( $(stat -c %s "$OUT/city.db") / 1048576 ))"
fi

# 2. Locate in process.
say "locate in process" "$(build/bench/bench_locate 2000000 | tail -1)"

# 2b. The tally of a 100,000-household owners' vote (and the digest at close).
build/bench/bench_tally "$OUT/tally.db" 100000 | sed 's/^/tally: /'

# 3. CSV import of households: one district's network into a fresh database.
rm -f "$OUT"/import.db* "$OUT"/*.csv
district=$(sqlite3 "$OUT/city.db" "SELECT id FROM nodes WHERE depth = 2 ORDER BY id LIMIT 1")
for k in nodes buildings units households; do
  $BIN export --db "$OUT/city.db" $k --node "$district" --out "$OUT/$k.csv" 2>/dev/null
done
$BIN init --db "$OUT/import.db" --admin-password bench-pass-1 >/dev/null
for k in nodes buildings units; do $BIN import --db "$OUT/import.db" $k "$OUT/$k.csv" 2>/dev/null; done
rows=$(( $(wc -l < "$OUT/households.csv") - 1 ))
start=$(date +%s.%N)
$BIN import --db "$OUT/import.db" households "$OUT/households.csv" 2>/dev/null
end=$(date +%s.%N)
say "import households rows" "$rows"
say "import households rows/s" "$(echo "$rows / ($end - $start)" | bc)"
# The same rows by raw SQLite (one prepared insert, one transaction) for comparison.
rm -f "$OUT"/raw.db*
sqlite3 "$OUT/raw.db" "CREATE TABLE h(id INTEGER PRIMARY KEY, unit_id INT, room TEXT, area_m2 REAL, head_name TEXT, phone TEXT, n_people INT, occupancy TEXT);"
start=$(date +%s.%N)
sqlite3 "$OUT/raw.db" ".mode csv" ".import --skip 1 $OUT/households.csv h"
end=$(date +%s.%N)
say "raw sqlite3 .import rows/s" "$(echo "$rows / ($end - $start)" | bc)"

# 4. HTTP: locate against a bare libmicrohttpd server, same wrk, same machine, same run.
# Points: the label points of every grid (inside their polygons), picked at random.
sqlite3 -separator ' ' "$OUT/city.db" "SELECT lat, lon FROM nodes WHERE depth = 5" > "$OUT/points.txt"
cat > "$OUT/locate.lua" <<'LUA'
local pts = {}
function init(args)
  for line in io.lines(args[1]) do
    local lat, lon = line:match("([%d.-]+) ([%d.-]+)")
    pts[#pts + 1] = string.format("/api/v1/locate?lat=%s&lon=%s", lat, lon)
  end
end
request = function() return wrk.format("GET", pts[math.random(#pts)]) end
LUA
# With its log line per request, as in production (to a file).
$BIN serve --db "$OUT/city.db" --listen 127.0.0.1:$PORT --threads 2 > "$OUT/serve.log" 2>&1 &
srv=$!
build/bench/bench_hello $HELLO_PORT 2 > /dev/null &
hello=$!
trap 'kill $srv $hello 2>/dev/null || true' EXIT
for i in $(seq 50); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.2; done
kill -0 $srv 2>/dev/null || { echo "grassroots serve did not start (port $PORT busy?)"; exit 1; }
kill -0 $hello 2>/dev/null || { echo "bench_hello did not start (port $HELLO_PORT busy?)"; exit 1; }
# wrk prints "Non-2xx" when any answer was an error: a figure of errors would be no figure.
rps() { out=$("$@"); if echo "$out" | grep -q Non-2xx; then echo "errors: $out" >&2; exit 1; fi; echo "$out" | awk '/Requests\/sec/{print $2}'; }
hello_rps=$(rps wrk -t2 -c64 -d${DUR}s http://127.0.0.1:$HELLO_PORT/)
locate_rps=$(rps wrk -t2 -c64 -d${DUR}s -s "$OUT/locate.lua" http://127.0.0.1:$PORT/ -- "$OUT/points.txt")
say "hello (bare libmicrohttpd) req/s" "$hello_rps"
say "locate over HTTP req/s" "$locate_rps"
say "locate / hello" "$(echo "scale=2; $locate_rps / $hello_rps" | bc)"
kill $hello 2>/dev/null || true

# 5. Coverage of a whole district of the city, as the district's own staff.
curl -sS -f -c "$OUT/cj" -X POST http://127.0.0.1:$PORT/api/v1/session \
  -d '{"login":"district","password":"demo-pass-2026"}' > "$OUT/login.json"
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$OUT/login.json")
curl -sS -f -b "$OUT/cj" -H "X-CSRF-Token: $csrf" -X POST http://127.0.0.1:$PORT/api/v1/tokens \
  -d '{"name":"bench"}' > "$OUT/token.json"
token=$(sed 's/.*"token":"\([0-9a-f]*\)".*/\1/' "$OUT/token.json")
[ -n "$token" ] || { echo "no API token: $(cat "$OUT/token.json")"; exit 1; }
wrk -t2 -c8 -d${DUR}s --latency -H "Authorization: Bearer $token" \
  http://127.0.0.1:$PORT/api/v1/nodes/$district/coverage > "$OUT/coverage.txt"
if grep -q Non-2xx "$OUT/coverage.txt"; then cat "$OUT/coverage.txt"; exit 1; fi
say "coverage of a district req/s" "$(awk '/Requests\/sec/{print $2}' "$OUT/coverage.txt")"
say "coverage of a district p50" "$(awk '$1=="50%"{print $2}' "$OUT/coverage.txt")"
say "coverage of a district p99" "$(awk '$1=="99%"{print $2}' "$OUT/coverage.txt")"

# 6. Ballots over HTTP, 64 connections, for 3 s (each half of the ~80,000 voters lasts
#    about 5 s at 16,000 votes/s): paper ballots of residents, one per request, each
#    durable before its answer (group commit). A fresh small demo with a vote open in every
#    community gives ~80,000 voters.
kill $srv 2>/dev/null || true
rm -f "$OUT"/votes.db*
$BIN demo --db "$OUT/votes.db" --seed 2 >/dev/null
$BIN serve --db "$OUT/votes.db" --listen 127.0.0.1:$PORT --threads 2 > "$OUT/serve-votes.log" 2>&1 &
srv=$!
for i in $(seq 50); do curl -sf localhost:$PORT/healthz >/dev/null && break; sleep 0.2; done
curl -sS -f -c "$OUT/cja" -X POST http://127.0.0.1:$PORT/api/v1/session \
  -d '{"login":"admin","password":"admin-pass-2026"}' > "$OUT/login-admin.json"
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$OUT/login-admin.json")
atoken=$(curl -sS -f -b "$OUT/cja" -H "X-CSRF-Token: $csrf" -X POST http://127.0.0.1:$PORT/api/v1/tokens \
  -d '{"name":"bench"}' | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
api() { curl -sS -f -H "Authorization: Bearer $atoken" -X "$1" "http://127.0.0.1:$PORT$2" -d "$3"; }
for c in $(sqlite3 "$OUT/votes.db" "SELECT id FROM nodes WHERE depth = 4"); do
  t=$(api POST /api/v1/topics "{\"scope_node_id\":$c,\"title\":\"bench\",\"body\":\"bench\"}" | sed 's/^{"id":\([0-9]*\),.*/\1/')
  api POST /api/v1/topics/$t/actions '{"action":"accept"}' >/dev/null
  api POST /api/v1/topics/$t/actions '{"action":"start_deliberation"}' >/dev/null
  api PUT /api/v1/topics/$t/vote-rule '{"eligibility":"residents","kind":"yes_no","pass":"majority","opens_at":"2020-01-01T00:00:00Z","closes_at":"2099-01-01T00:00:00Z"}' >/dev/null
  api POST /api/v1/topics/$t/actions '{"action":"open_voting"}' >/dev/null
done
sqlite3 -separator ' ' "$OUT/votes.db" "SELECT t.id, r.id FROM topics t JOIN residents r ON r.community_id = t.scope_node_id WHERE t.title = 'bench' ORDER BY r.id * 7919 % 100003" > "$OUT/voters.txt"
cat > "$OUT/votes.lua" <<LUA
local v, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do v[#v + 1] = line end
  i = tonumber(args[2]) * math.floor(#v / 2)
end
request = function()
  i = i + 1
  local t, r = v[i]:match("(%d+) (%d+)")
  return wrk.format("POST", "/api/v1/topics/" .. t .. "/votes",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $atoken"},
    '{"choices":[0],"paper":true,"resident_id":' .. r .. '}')
end
LUA
# Two wrk processes of one thread each take the two halves of the voters.
wrk -t1 -c32 -d3s -s "$OUT/votes.lua" http://127.0.0.1:$PORT/ -- "$OUT/voters.txt" 0 > "$OUT/votes0.txt" &
w0=$!
wrk -t1 -c32 -d3s -s "$OUT/votes.lua" http://127.0.0.1:$PORT/ -- "$OUT/voters.txt" 1 > "$OUT/votes1.txt"
wait $w0
sleep 1
if grep -q Non-2xx "$OUT"/votes[01].txt; then cat "$OUT"/votes[01].txt; exit 1; fi
say "ballots over HTTP votes/s" "$(awk '/Requests\/sec/{s += $2} END {print s}' "$OUT"/votes[01].txt)"
say "ballots stored" "$(sqlite3 "$OUT/votes.db" "SELECT count(*) FROM voters")"
say "group commit batches / ballots" "$(curl -s localhost:$PORT/metrics | awk '/^gr_write_batch/{printf "%s ", $2}')"
kill $srv 2>/dev/null || true

# 7. Cases: intake in process (the writer's share) and over HTTP beside hello.
cp "$OUT/votes.db" "$OUT/intake-inproc.db"
build/bench/bench_intake "$OUT/intake-inproc.db" 30000 64
rm -f "$OUT"/intake-inproc.db*
bench/intake.sh

# 8. Cases: lists, figures and the sweep on a store of 10 million (CASES=N to change; the
#    database is made once, ~10 minutes, and kept in bench/out/cases.db).
bench/cases.sh

# 9. The sweep over a backlog of a million open cases: a city with a million cases of
#    history, then a million more filed, accepted and dispatched over the last 30 days
#    (bench_sweep; ~8 minutes; bench/out/backlog.db, made afresh each run).
rm -f "$OUT"/backlog.db*
$BIN demo --db "$OUT/backlog.db" --scale city --cases 1000000 > /dev/null
build/bench/bench_sweep "$OUT/backlog.db" 1000000
rm -f "$OUT"/backlog.db*
