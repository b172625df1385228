#!/usr/bin/env bash
# HTTP benchmark of the search page: `tracuu serve` on the full code of law (75,818 articles),
# loaded at a fixed request rate with the 1,190 dev questions as `GET /tim-kiem?q=...` (gzip
# accepted, as browsers do), by oha (crates.io) over loopback.
#
# What it reports, all from the same run: the client's throughput and latency percentiles (oha,
# with latency correction, so a stalled server is not hidden by a fixed rate), and the server's
# own per-request figures from its request log: `engine_ms` (search::search: ranking, facets,
# snippets), `render_ms` (view model and HTML) and `took_ms` (the whole handler stack, before the
# body is compressed and sent). The HTTP layer's cost at p50 is the client's p50 minus the
# engine's p50: routing, middleware, rendering, gzip, the socket and the client. Then
# `cargo bench --bench http_stages` times the same questions stage by stage in one process.
#
# Usage: benches/http.sh [RATE] [SECONDS]      (default 2000 requests/s for 30 s)
# The server's page cache is on as configured; the warm-up asks each question once, so the load
# phase is served from it. TRACUU_PAGE_CACHE_MB=0 benches/http.sh measures searching instead.
# MISSES=N adds, beside the RATE, N requests/s that the cache cannot answer: the same questions
# with another sort, page or grouping (17,850 addresses never warmed, drawn at random, so a few
# repeat), from a second oha; the figures then hold both clients and the server's hit rate.
# Env: PROFILE=dev|release (default dev: our code at opt-level 2, dependencies at 3),
#      INDEX_DIR (default <target>/bench/http-index; built when absent, ~60 s),
#      DATA (default ../shared/data), PORT (default 18080), CONNECTIONS (default 50),
#      OUT (default <target>/bench/http.json), STAGES=0 to skip the stage-by-stage bench,
#      BIN=path/to/tracuu to serve with a binary built elsewhere (an earlier commit, to compare
#      in one script on the same machine state).
# Output: <target>/bench/http.json (figures), http-oha.json (oha's own output), http-server.log.
# oha and the server share this machine's cores: on a 2-core machine the load generator takes
# part of the CPU the server would have.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-2000}
SECONDS_=${2:-30}
PROFILE=${PROFILE:-dev}
DATA=${DATA:-../shared/data}
PORT=${PORT:-18080}
MISSES=${MISSES:-0}
CONNECTIONS=${CONNECTIONS:-50}
TARGET=${CARGO_TARGET_DIR:-target}
OUT_DIR=$TARGET/bench
INDEX_DIR=${INDEX_DIR:-$OUT_DIR/http-index}
QUESTIONS=$DATA/eval/laws-questions-dev.jsonl
mkdir -p "$OUT_DIR"

if [ ! -d "$DATA/phapdien" ] || [ ! -f "$QUESTIONS" ]; then
    echo "benches/http.sh needs $DATA/phapdien and $QUESTIONS" >&2
    exit 1
fi

if ! command -v oha >/dev/null; then
    if [ -x "$HOME/.cargo/bin/oha" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "== installing oha (cargo install oha --locked)"
        cargo install oha --locked
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
fi

if [ -n "${BIN:-}" ]; then
    echo "== serving with $BIN (not rebuilt)"
elif [ "$PROFILE" = release ]; then
    echo "== building tracuu ($PROFILE profile)"
    cargo build --release --bin tracuu
    BIN=$TARGET/release/tracuu
else
    echo "== building tracuu ($PROFILE profile)"
    cargo build --bin tracuu
    BIN=$TARGET/debug/tracuu
fi

if [ ! -f "$INDEX_DIR/CURRENT" ]; then
    echo "== indexing the full code into $INDEX_DIR"
    # The source has one malformed record: it is listed and the command exits 1; the index is built.
    PROCEDURES=()
    if [ -d "$DATA/procedures" ]; then PROCEDURES=(--procedures "$DATA/procedures"); fi
    "$BIN" index --no-content --phapdien "$DATA/phapdien" "${PROCEDURES[@]}" --index-dir "$INDEX_DIR" || true
    test -f "$INDEX_DIR/CURRENT"
fi

URLS=$OUT_DIR/http-urls.txt
python3 - "$QUESTIONS" "http://127.0.0.1:$PORT" >"$URLS" <<'EOF'
import json, sys, urllib.parse
base = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    q = json.loads(line)["query"]
    print(f"{base}/tim-kiem?q={urllib.parse.quote_plus(q)}")
EOF

MISS_URLS=$OUT_DIR/http-miss-urls.txt
python3 - "$QUESTIONS" "http://127.0.0.1:$PORT" >"$MISS_URLS" <<'EOF'
import json, sys, urllib.parse
base = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    q = urllib.parse.quote_plus(json.loads(line)["query"])
    for extra in ["&nhom=van-ban"] + [s + p for s in ["", "&sap-xep=moi-nhat", "&sap-xep=cu-nhat"]
                                      for p in ["", "&trang=2", "&trang=3", "&trang=4", "&trang=5"]]:
        if extra:
            print(f"{base}/tim-kiem?q={q}{extra}")
EOF

LOG=$OUT_DIR/http-server.log
echo "== serving on 127.0.0.1:$PORT"
NO_COLOR=1 RUST_LOG=info "$BIN" serve --index-dir "$INDEX_DIR" --addr "127.0.0.1:$PORT" 2>"$LOG" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; then break; fi
    sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/"

echo "== warm-up: every question once"
# In order, each exactly once (oha picks URLs from the file at random).
xargs -a "$URLS" -P 4 -n 1 curl -sf -o /dev/null -H "Accept-Encoding: gzip"
WARM_LINES=$(wc -l <"$LOG")

echo "== load: $RATE requests/s for ${SECONDS_} s, $CONNECTIONS connections"
MISS_PID=
if [ "$MISSES" != 0 ]; then
    echo "== and $MISSES requests/s the cache has not seen"
    oha --no-tui --output-format json --urls-from-file "$MISS_URLS" -q "$MISSES" -z "${SECONDS_}s" \
        -c "$CONNECTIONS" --latency-correction -H "Accept-Encoding: gzip" >"$OUT_DIR/http-oha-misses.json" &
    MISS_PID=$!
fi
oha --no-tui --output-format json --urls-from-file "$URLS" -q "$RATE" -z "${SECONDS_}s" -c "$CONNECTIONS" \
    --latency-correction -H "Accept-Encoding: gzip" >"$OUT_DIR/http-oha.json"
if [ -n "$MISS_PID" ]; then wait "$MISS_PID"; else echo '{}' >"$OUT_DIR/http-oha-misses.json"; fi
sleep 0.5
kill $SERVER
wait $SERVER 2>/dev/null || true
trap - EXIT

OUT=${OUT:-$OUT_DIR/http.json}
python3 - "$OUT_DIR/http-oha.json" "$LOG" "$WARM_LINES" "$RATE" "$SECONDS_" "$PROFILE" "$CONNECTIONS" \
    "$OUT_DIR/http-oha-misses.json" \
    >"$OUT" <<'EOF'
import json, re, sys
oha_path, log_path, skip, rate, seconds, profile, connections, misses_path = sys.argv[1:]
oha = json.load(open(oha_path))
oha_misses = json.load(open(misses_path))
ansi = re.compile(r"\x1b\[[0-9;]*m")
lines = [ansi.sub("", l) for l in open(log_path, encoding="utf-8").read().splitlines()[int(skip):]]
def values(name):
    pat = re.compile(r"\b" + name + r"=([0-9.]+)")
    return [float(m.group(1)) for l in lines if "path=/tim-kiem" in l and " response " in l
            for m in [pat.search(l)] if m]
def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = max(1, -(-len(xs) * p // 100))
    return round(xs[int(k) - 1], 3)
def dist(xs):
    return {"n": len(xs), "p50_ms": pct(xs, 50), "p95_ms": pct(xs, 95), "p99_ms": pct(xs, 99)}
def client_of(o):
    lat = o["latencyPercentiles"]
    return {
        "requests_per_s": round(o["summary"]["requestsPerSec"], 1),
        "success_rate": o["summary"]["successRate"],
        "status_codes": o.get("statusCodeDistribution", {}),
        "p50_ms": round(lat["p50"] * 1000, 3),
        "p95_ms": round(lat["p95"] * 1000, 3),
        "p99_ms": round(lat["p99"] * 1000, 3),
    }
client = client_of(oha)
misses = client_of(oha_misses) if oha_misses else None
engine, render, took = values("engine_ms"), values("render_ms"), values("took_ms")
searches = [l for l in lines if "path=/tim-kiem" in l and " response " in l]
hits = sum(1 for l in searches if re.search(r'\bcache="?hit', l))
# Per request: what the handler stack (blocking-pool hand-off, middleware) added to engine + render.
stack = [t - e - r for e, r, t in zip(engine, render, took)] if len(engine) == len(took) else []
out = {
    "what": "GET /tim-kiem?q=<dev question>, full code of law, oha at a fixed rate over loopback",
    "profile": profile,
    "target_rate_per_s": int(rate),
    "seconds": int(seconds),
    "connections": int(connections),
    "client": client,
    # The second client (MISSES=N): questions with a sort, page or grouping never warmed.
    "client_misses": misses,
    "requests_per_s_both": round(client["requests_per_s"] + (misses["requests_per_s"] if misses else 0), 1),
    # Pages served from the page cache (server.page_cache_mb; TRACUU_PAGE_CACHE_MB=0 turns it
    # off): the warm-up asks every question once, so with the cache on the load phase measures
    # cached pages; run with it off to measure searching.
    "page_cache_hits": hits,
    "page_cache_hit_rate": round(hits / len(searches), 3) if searches else None,
    "server_engine": dist(engine),
    "server_render": dist(render),
    "server_handler_total": dist(took),
    "server_stack_per_request": dist(stack),
    "http_overhead_p50_ms": round(client["p50_ms"] - pct(engine, 50), 3) if engine else None,
    # With MISSES: the second client asks only pages the warm-up did not, so its p50 is that
    # of searched pages (a few of its random draws repeat and hit the cache; see the hit rate).
    "http_overhead_searched_p50_ms": round(misses["p50_ms"] - pct(engine, 50), 3) if engine and misses else None,
    "client_p50_over_engine_p50": round(client["p50_ms"] / pct(engine, 50), 2) if engine else None,
    "targets": {"requests_per_s": 2000, "p99_ms": 20, "http_overhead_p50_ms": 0.5},
}
print(json.dumps(out, indent=2, ensure_ascii=False))
EOF
cat "$OUT"
echo "figures: $OUT"

if [ "${STAGES:-1}" != 0 ]; then
    echo "== stage by stage, in one process (benches/http_stages.rs)"
    TRACUU_BENCH_INDEX=$INDEX_DIR cargo bench --profile "$PROFILE" --bench http_stages
fi
