#!/usr/bin/env bash
# SAI Gateway benchmark (issue 3): direct, nginx one hop, Portkey and SAI Gateway, in one run, on
# loopback, against stubs that answer instantly; optionally the gateway with virtual keys (keys) and
# with the response cache hitting and missing (cache-hit, cache-miss), and with every feature an operator would turn
# on (features). See bench/README.md. Not run by CI.
#
#   bench/run.sh                                  # full run (20-35 minutes with the automatic warm-up)
#   DURATION=3 WARMUP=2 CONCURRENCY="1 16" bench/run.sh   # quick check
#
# Every setting is an environment variable; the defaults are below.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
LIB=$BENCH_DIR/lib

DURATION=${DURATION:-15}                 # seconds per measured level
# Warm-up per contender and mode: "auto" runs WARMUP_SLICE-second slices until the last three are within
# WARMUP_SPREAD of their mean and no longer climbing (the JIT has settled), at least WARMUP_MIN and at most WARMUP_MAX seconds; a number
# is a fixed warm-up in seconds (0: none). Measured here (issue 16): the plain gateway settles after about 30 s of
# load at c=64, with every feature on after about 75 s.
WARMUP=${WARMUP:-auto}
WARMUP_SLICE=${WARMUP_SLICE:-5}
WARMUP_MIN=${WARMUP_MIN:-30}
WARMUP_MAX=${WARMUP_MAX:-150}
WARMUP_SPREAD=${WARMUP_SPREAD:-0.08}
WARMUP_CONCURRENCY=${WARMUP_CONCURRENCY:-64}
CONCURRENCY=${CONCURRENCY:-"1 16 64 256"}
MODES=${MODES:-"plain stream"}           # plain: non-streaming; stream: "stream": true
CONTENDERS=${CONTENDERS:-"direct nginx portkey gateway"}
SKIP_PORTKEY=${SKIP_PORTKEY:-0}
SKIP_INSTALL=${SKIP_INSTALL:-0}          # 1: do not apt-get/npm install anything
SKIP_BUILD=${SKIP_BUILD:-0}              # 1: use the jar already in app/target
GATEWAY_JAR=${GATEWAY_JAR:-}             # a jar to use instead of building
BASELINE_JAR=${BASELINE_JAR:-}           # another build (contenders baseline, baseline-features): before and after in one run
BASELINE_LABEL=${BASELINE_LABEL:-}       # its name in the report (default: the jar's file name)
LAMBDA_JAR=${LAMBDA_JAR:-}               # the function-lambda jar to probe instead of building it
LAMBDA_RUNS=${LAMBDA_RUNS:-10}           # fresh JVMs for the Lambda cold start, each mode (0: skip)
STREAMING_ZIP=${STREAMING_ZIP:-}         # the streaming mode's package to probe instead of building it
# The production flags the README recommends for a small footprint: serial GC and a 128 MB heap
# (the live set is ~20 MB), capped direct memory, thread stacks and code cache.
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-"-XX:+UseSerialGC -Xmx128m -Xss512k -XX:MaxDirectMemorySize=64m -XX:ReservedCodeCacheSize=48m"}
THREADS=${THREADS:-2}                    # wrk threads (never more than the connections)
WRK_TIMEOUT=${WRK_TIMEOUT:-5s}           # a response slower than this counts as a timeout error
PAUSE=${PAUSE:-2}                        # seconds of rest before each level
NGINX_WORKERS=${NGINX_WORKERS:-auto}
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
PORTKEY_HONO_NODE_SERVER=${PORTKEY_HONO_NODE_SERVER-1.13.8}   # empty: no override (see install_tools)
SAMPLE_INTERVAL=${SAMPLE_INTERVAL:-0.2}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
KEEP_TMP=${KEEP_TMP:-0}                  # 1: keep the temp dir (configs, wrk output, logs)

TOOLS=$BENCH_DIR/.tools
PORTKEY_MAIN=$TOOLS/node_modules/@portkey-ai/gateway/build/start-server.js

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $DURATION =~ ^[0-9]+$ && $DURATION -gt 0 ]] || die "DURATION must be a positive number of seconds"
[[ $WARMUP == auto || $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be auto or a number of seconds"
for v in WARMUP_SLICE WARMUP_MIN WARMUP_MAX; do [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive number of seconds"; done
for c in $CONCURRENCY $WARMUP_CONCURRENCY; do [[ $c =~ ^[0-9]+$ && $c -gt 0 ]] || die "bad concurrency: $c"; done
[[ $SKIP_PORTKEY == 1 ]] && CONTENDERS=$(tr ' ' '\n' <<<"$CONTENDERS" | grep -vx portkey | xargs)
for k in $CONTENDERS; do [[ $k =~ ^(direct|nginx|portkey|gateway|keys|cache-hit|cache-miss|features|baseline|baseline-features)$ ]] || die "unknown contender: $k"; done
for m in $MODES; do [[ $m =~ ^(plain|stream)$ ]] || die "unknown mode: $m"; done
has() { [[ " $CONTENDERS " == *" $1 "* ]]; }
if has baseline || has baseline-features; then [[ -f $BASELINE_JAR ]] || die "contenders baseline and baseline-features need BASELINE_JAR (a jar file)"; fi

# ---------------------------------------------------------------- installs (idempotent)
node_version() { # package name -> its version in bench/.tools, or nothing
    node -p "require('$TOOLS/node_modules/$1/package.json').version" 2>/dev/null || true
}
install_tools() {
    local apt=()
    command -v wrk >/dev/null 2>&1 || apt+=(wrk)
    command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || apt+=(nginx)
    command -v curl >/dev/null 2>&1 || apt+=(curl)
    command -v python3 >/dev/null 2>&1 || apt+=(python3)
    if has portkey; then command -v node >/dev/null 2>&1 || apt+=(nodejs npm); fi
    if ((${#apt[@]})); then
        [[ $SKIP_INSTALL == 1 ]] && die "missing: ${apt[*]} (SKIP_INSTALL=1)"
        local sudo=""
        [[ $(id -u) -ne 0 ]] && sudo=sudo
        log "installing Debian packages: ${apt[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt[@]}" >/dev/null
    fi
    if has portkey; then
        # Portkey 1.15.2 with a current @hono/node-server (1.14 and later) answers every streaming
        # chat completion with 500 "TypeError: immutable" (Portkey-AI/gateway issues 1389, 1550);
        # an npm override pins the last adapter line with which it streams.
        local want_pkg overrides=""
        [[ -n $PORTKEY_HONO_NODE_SERVER ]] &&
            overrides=$',\n  "overrides": { "@hono/node-server": "'"$PORTKEY_HONO_NODE_SERVER"'" }'
        want_pkg=$(printf '{\n  "private": true,\n  "dependencies": { "@portkey-ai/gateway": "%s" }%s\n}' \
            "$PORTKEY_VERSION" "$overrides")
        local installed_ok=1
        [[ -f $PORTKEY_MAIN && -f $TOOLS/package.json && $(cat "$TOOLS/package.json") == "$want_pkg" ]] || installed_ok=0
        if ((installed_ok)) && [[ $PORTKEY_VERSION != latest ]]; then
            [[ $(node_version @portkey-ai/gateway) == "$PORTKEY_VERSION" ]] || installed_ok=0
            [[ -z $PORTKEY_HONO_NODE_SERVER || $(node_version @hono/node-server) == "$PORTKEY_HONO_NODE_SERVER" ]] || installed_ok=0
        fi
        if ((!installed_ok)); then
            [[ $SKIP_INSTALL == 1 ]] && die "Portkey gateway missing or outdated in $TOOLS (SKIP_INSTALL=1)"
            log "installing @portkey-ai/gateway@$PORTKEY_VERSION into bench/.tools${PORTKEY_HONO_NODE_SERVER:+ (with @hono/node-server $PORTKEY_HONO_NODE_SERVER)}"
            mkdir -p "$TOOLS"
            printf '%s\n' "$want_pkg" >"$TOOLS/package.json"
            rm -f "$TOOLS/package-lock.json"
            (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
        fi
        [[ -f $PORTKEY_MAIN ]] || die "Portkey gateway not found at $PORTKEY_MAIN"
    fi
}
install_tools
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)

# ---------------------------------------------------------------- temp dir, teardown
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sai-bench.XXXXXX")
NGINX_PID="" PORTKEY_PID="" GATEWAY_PID="" SAMPLER_PID="" WRK_PID="" KEYS_PID="" KEYS_KEY="" HIT_PID="" MISS_PID=""
FEATURES_PID="" FEATURES_KEY="" BASE_PID="" BASE_FEATURES_PID="" BASE_FEATURES_KEY=""

stop_pid() { # pid [signal]: signal one process we started, wait up to 10 s, then kill it
    local pid=$1 sig=${2:-TERM} i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    stop_pid "$WRK_PID"
    stop_pid "$SAMPLER_PID"
    stop_pid "$GATEWAY_PID"
    stop_pid "$KEYS_PID"
    stop_pid "$HIT_PID"
    stop_pid "$MISS_PID"
    stop_pid "$FEATURES_PID"
    stop_pid "$BASE_PID"
    stop_pid "$BASE_FEATURES_PID"
    stop_pid "$PORTKEY_PID"
    stop_pid "$NGINX_PID" QUIT
    if [[ $KEEP_TMP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the gateway jar
if [[ -n $GATEWAY_JAR ]]; then
    JAR=$GATEWAY_JAR
else
    JAR=$REPO/app/target/app-0.1.0.jar
    if [[ $SKIP_BUILD != 1 ]]; then
        log "building the gateway (./mvnw -B -q -pl app -am package -DskipTests)"
        (cd "$REPO" && ./mvnw -B -q -pl app -am package -DskipTests)
    fi
fi
[[ -f $JAR ]] || die "gateway jar not found: $JAR"
cp "$JAR" "$TMP/gateway.jar"   # a rebuild during the run must not change what runs
if [[ -n $BASELINE_JAR ]]; then
    cp "$BASELINE_JAR" "$TMP/baseline.jar"
    BASELINE_LABEL=${BASELINE_LABEL:-$(basename "$BASELINE_JAR")}
fi

# ---------------------------------------------------------------- ports (loopback, checked free)
read -r STUB_PORT HOP_PORT PORTKEY_PORT GATEWAY_PORT KEYS_PORT HIT_PORT MISS_PORT FEATURES_PORT BASE_PORT BASE_FEATURES_PORT < <(python3 - <<'EOF'
import random, socket
ports = []
candidates = list(range(20000, 32000))   # below Linux's ephemeral range (32768-60999)
random.shuffle(candidates)
for p in candidates:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
        ports.append(p)
    except OSError:
        pass
    finally:
        s.close()
    if len(ports) == 10:
        break
print(*ports)
EOF
)
[[ -n ${BASE_FEATURES_PORT:-} ]] || die "could not find free loopback ports"
log "ports on 127.0.0.1: stub $STUB_PORT, nginx hop $HOP_PORT, Portkey $PORTKEY_PORT, gateway $GATEWAY_PORT, gateway with keys $KEYS_PORT," \
    "cache hit $HIT_PORT, cache miss $MISS_PORT, features $FEATURES_PORT, baseline $BASE_PORT, baseline with features $BASE_FEATURES_PORT"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- stubs and contenders
python3 "$LIB/gen.py" "$TMP" "$STUB_PORT" "$HOP_PORT" "$NGINX_WORKERS" >"$TMP/gen.out"
MARKER=$(cat "$TMP/marker.txt")
"$NGINX_BIN" -t -q -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" || die "nginx config invalid"
"$NGINX_BIN" -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" -g 'daemon off;' \
    >"$TMP/nginx.out" 2>&1 &
NGINX_PID=$!

pid_of() {
    case $1 in
    gateway) echo "$GATEWAY_PID" ;; keys) echo "$KEYS_PID" ;; portkey) echo "$PORTKEY_PID" ;;
    cache-hit) echo "$HIT_PID" ;; cache-miss) echo "$MISS_PID" ;; features) echo "$FEATURES_PID" ;;
    baseline) echo "$BASE_PID" ;; baseline-features) echo "$BASE_FEATURES_PID" ;; *) echo "" ;;
    esac
}
port_of() {
    case $1 in gateway) echo "$GATEWAY_PORT" ;; keys) echo "$KEYS_PORT" ;; cache-hit) echo "$HIT_PORT" ;; cache-miss) echo "$MISS_PORT" ;;
    features) echo "$FEATURES_PORT" ;; baseline) echo "$BASE_PORT" ;; baseline-features) echo "$BASE_FEATURES_PORT" ;; esac
}

CLEAN_ENV=(env -i "PATH=$PATH" "HOME=${HOME:-/root}" "LANG=${LANG:-C.UTF-8}")
start_gateway() { # name port [VAR=value ...]: the jar in the background, console to $TMP/name.out; sets STARTED_PID
    local name=$1 port=$2 jar=$TMP/gateway.jar
    shift 2
    [[ $name == baseline* ]] && jar=$TMP/baseline.jar
    mkdir -p "$TMP/$name-logs"
    (cd "$TMP" && exec "${CLEAN_ENV[@]}" SAI_URL="http://127.0.0.1:$STUB_PORT" SAI_TEMPLATE_ID=bench \
        SAI_KEY=bench-key PORT="$port" MICRONAUT_SERVER_HOST=127.0.0.1 LOG_DIR="$TMP/$name-logs" "$@" \
        java $GATEWAY_JAVA_OPTS -jar "$jar" >"$TMP/$name.out" 2>&1) &
    STARTED_PID=$!
}
if has gateway; then start_gateway gateway "$GATEWAY_PORT"; GATEWAY_PID=$STARTED_PID; fi
# The same jar with virtual keys and usage records on (the embedded database under DATA_DIR), called with a virtual
# key: what tenancy costs per request, beside the gateway without it in the same run.
KEYS_ADMIN=bench-admin-key-0123456789abcdef
if has keys; then
    mkdir -p "$TMP/keys-data"
    start_gateway keys "$KEYS_PORT" GATEWAY_ADMIN_KEY="$KEYS_ADMIN" DATA_DIR="$TMP/keys-data"
    KEYS_PID=$STARTED_PID
fi
# The same jar with the response cache on, in memory (CACHE_TTL; the env is clean, so no REDIS_URL), twice: cache-hit
# is sent one request over and over (all but the first are hits), cache-miss a new one every time (every request
# misses, calls the stub and is stored). Two processes, so each one's RSS and CPU are its own.
CACHE_TTL_BENCH=10m
if has cache-hit; then start_gateway cache-hit "$HIT_PORT" CACHE_TTL="$CACHE_TTL_BENCH"; HIT_PID=$STARTED_PID; fi
if has cache-miss; then start_gateway cache-miss "$MISS_PORT" CACHE_TTL="$CACHE_TTL_BENCH"; MISS_PID=$STARTED_PID; fi
# The same jar with every feature an operator would turn on (issue 16): metrics, tracing sampling 10% to a local OTLP
# receiver (the stub's /otlp, which answers 200), the per-client limits, virtual keys with usage records on the embedded
# database, and the cache on, every request a miss (cache.lua's new request each time). Called with a virtual key.
start_features() { # name port: the jar with every feature on; sets STARTED_PID
    mkdir -p "$TMP/$1-data"
    start_gateway "$1" "$2" METRICS_ENABLED=true OTEL_SDK_DISABLED=false \
        OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1 \
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$STUB_PORT/otlp" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
        RATE_LIMIT_RPM=1000000000 TOKEN_QUOTA_DAILY=1000000000000 \
        GATEWAY_ADMIN_KEY="$KEYS_ADMIN" DATA_DIR="$TMP/$1-data" CACHE_TTL="$CACHE_TTL_BENCH"
}
if has features; then start_features features "$FEATURES_PORT"; FEATURES_PID=$STARTED_PID; fi
# The same two with another build (BASELINE_JAR), so that a change is measured before and after in one run.
if has baseline; then start_gateway baseline "$BASE_PORT"; BASE_PID=$STARTED_PID; fi
if has baseline-features; then start_features baseline-features "$BASE_FEATURES_PORT"; BASE_FEATURES_PID=$STARTED_PID; fi
# Part of every cache-miss tag, so that no two runs' requests are the same even in a cache that outlives one.
RUN_NONCE=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
if has portkey; then
    (cd "$TMP" && exec "${CLEAN_ENV[@]}" NODE_ENV=production \
        node "$PORTKEY_MAIN" --port="$PORTKEY_PORT" --headless >"$TMP/portkey.out" 2>&1) &
    PORTKEY_PID=$!
fi

wait_http() { # name pid url [curl args...]: wait until url answers 200, at most 90 s
    local name=$1 pid=$2 url=$3 i
    shift 3
    for ((i = 0; i < 900; i++)); do
        [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || die "$name exited during startup (see below)
$(tail -20 "$TMP/$name.out" 2>/dev/null)"
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" 2>/dev/null) == 200 ]] && return 0
        sleep 0.1
    done
    die "$name did not answer at $url within 90 s"
}
START_MS=$(date +%s%3N)
wait_http nginx "$NGINX_PID" "http://127.0.0.1:$STUB_PORT/api/templates/bench/execute" -X POST -H 'X-Api-Key: bench-key'
wait_http nginx "$NGINX_PID" "http://127.0.0.1:$HOP_PORT/api/templates/bench/execute" -X POST -H 'X-Api-Key: bench-key'
if has portkey; then wait_http portkey "$PORTKEY_PID" "http://127.0.0.1:$PORTKEY_PORT/"; fi
if has gateway; then
    wait_http gateway "$GATEWAY_PID" "http://127.0.0.1:$GATEWAY_PORT/health"
    log "gateway up after $(($(date +%s%3N) - START_MS)) ms (pid $GATEWAY_PID)"
fi
# A tenant and a key with limits far above the load, so every limit and budget is checked and none refuses; sets NEW_KEY.
create_key() { # port
    local tenant
    tenant=$(curl -s "http://127.0.0.1:$1/admin/tenants" -H "Authorization: Bearer $KEYS_ADMIN" -H 'Content-Type: application/json' \
        -d '{"name":"bench","requests_per_minute":1000000000,"tokens_per_minute":10000000000,"tokens_per_day":10000000000000,"tokens_per_month":100000000000000}' \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') || die "could not create the bench tenant on port $1"
    NEW_KEY=$(curl -s "http://127.0.0.1:$1/admin/keys" -H "Authorization: Bearer $KEYS_ADMIN" -H 'Content-Type: application/json' \
        -d "{\"tenant_id\":\"$tenant\",\"name\":\"bench\",\"requests_per_minute\":1000000000,\"tokens_per_day\":10000000000000}" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])') || die "could not create the bench key on port $1"
}
if has keys; then
    wait_http keys "$KEYS_PID" "http://127.0.0.1:$KEYS_PORT/health"
    create_key "$KEYS_PORT"
    KEYS_KEY=$NEW_KEY
    log "gateway with keys up (pid $KEYS_PID): a tenant and a virtual key with every limit set"
fi
if has features; then
    wait_http features "$FEATURES_PID" "http://127.0.0.1:$FEATURES_PORT/health"
    create_key "$FEATURES_PORT"
    FEATURES_KEY=$NEW_KEY
    log "gateway with every feature up (pid $FEATURES_PID): metrics, tracing 10% to the stub, limits, a virtual key, cache on"
fi
if has baseline; then
    wait_http baseline "$BASE_PID" "http://127.0.0.1:$BASE_PORT/health"
    log "baseline up (pid $BASE_PID): $BASELINE_LABEL"
fi
if has baseline-features; then
    wait_http baseline-features "$BASE_FEATURES_PID" "http://127.0.0.1:$BASE_FEATURES_PORT/health"
    create_key "$BASE_FEATURES_PORT"
    BASE_FEATURES_KEY=$NEW_KEY
    log "baseline with every feature up (pid $BASE_FEATURES_PID): $BASELINE_LABEL"
fi
for k in cache-hit cache-miss; do
    if has $k; then
        wait_http $k "$(pid_of $k)" "http://127.0.0.1:$(port_of $k)/health"
        log "$k up (pid $(pid_of $k)), CACHE_TTL=$CACHE_TTL_BENCH"
    fi
done

# contender mode [tag] -> URL, body file, expected content, extra headers, wrk script and its arguments before the
# headers (sets T_URL T_BODY T_EXPECT T_HEADERS T_SCRIPT T_ARGS). tag names the wrk run: cache-miss's requests
# carry it, so that no run repeats another's.
target() {
    local k=$1 m=$2 tag=${3:-}
    T_HEADERS=() T_SCRIPT=$LIB/chat.lua
    if [[ $m == stream ]]; then T_EXPECT='[DONE]'; else T_EXPECT=$MARKER; fi
    case $k in
    direct | nginx)
        local port=$STUB_PORT
        [[ $k == nginx ]] && port=$HOP_PORT
        if [[ $m == stream ]]; then
            # SAI never streams; the floor for a stream is an upstream sending the same SSE instantly.
            T_URL=http://127.0.0.1:$port/openai-stream/v1/chat/completions T_BODY=$TMP/chat-stream.json
        else
            T_URL=http://127.0.0.1:$port/api/templates/bench/execute T_BODY=$TMP/sai.json
            T_HEADERS=("X-Api-Key: bench-key")
        fi
        ;;
    portkey)
        local path=openai
        [[ $m == stream ]] && path=openai-stream
        T_URL=http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions
        T_HEADERS=("x-portkey-provider: openai" "x-portkey-custom-host: http://127.0.0.1:$STUB_PORT/$path/v1"
            "Authorization: Bearer sk-bench-unused")
        ;;
    gateway | baseline)
        T_URL=http://127.0.0.1:$(port_of "$k")/v1/chat/completions
        ;;
    keys)
        T_URL=http://127.0.0.1:$KEYS_PORT/v1/chat/completions
        T_HEADERS=("Authorization: Bearer $KEYS_KEY")
        ;;
    cache-hit | cache-miss | features | baseline-features)
        T_URL=http://127.0.0.1:$(port_of "$k")/v1/chat/completions T_SCRIPT=$LIB/cache.lua
        if [[ $m == stream ]]; then T_BODY=$TMP/chat-seq-stream.json; else T_BODY=$TMP/chat-seq.json; fi
        [[ $k == features ]] && T_HEADERS=("Authorization: Bearer $FEATURES_KEY")
        [[ $k == baseline-features ]] && T_HEADERS=("Authorization: Bearer $BASE_FEATURES_KEY")
        ;;
    esac
    if [[ $k == portkey || $k == gateway || $k == keys || $k == baseline ]]; then
        if [[ $m == stream ]]; then T_BODY=$TMP/chat-stream.json; else T_BODY=$TMP/chat.json; fi
    fi
    T_ARGS=("$T_BODY" "$T_EXPECT")
    # cache-hit's one token has the shape of cache-miss's (and their bodies the same size within a few bytes)
    [[ $k == cache-hit ]] && T_ARGS+=(HIT "fixed:$(hit_token)")
    [[ $k == cache-miss || $k == features || $k == baseline-features ]] && T_ARGS+=(MISS "count:$RUN_NONCE-$tag")
    return 0
}
hit_token() { echo "$RUN_NONCE-hit-00-0000000000"; }


smoke() { # contender mode body_file out_name: one request; prints its HTTP status, keeps body and headers
    local k=$1 m=$2 body=$3 out=$TMP/$4 hdr=() h
    target "$k" "$m"
    for h in "${T_HEADERS[@]}"; do hdr+=(-H "$h"); done
    curl -s -o "$out.out" -D "$out.headers" -w '%{http_code}' --max-time 10 -X POST \
        -H 'Content-Type: application/json' "${hdr[@]}" --data-binary "@$body" "$T_URL" || true
}
x_cache() { # out_name: the x-cache header of that smoke request, or "none"
    local v
    v=$(tr -d '\r' <"$TMP/$1.headers" | awk -F': *' 'tolower($1) == "x-cache" { print $2 }' | tail -1)
    echo "${v:-none}"
}
seq_body() { # body_with_placeholder token out_file
    sed "s/@@SEQ@@/$2/" "$1" >"$3"
    grep -qF -- "$2" "$3" || die "no @@SEQ@@ in $1"
}

# One request per contender and mode before any load: shows a broken setup at once. The cache contenders' x-cache
# is checked here and the run stops if it is not what they measure.
for m in $MODES; do
    for k in $CONTENDERS; do
        target "$k" "$m"
        body=$T_BODY
        case $k in
        cache-hit) body=$TMP/smoke-$k-$m.json; seq_body "$T_BODY" "$(hit_token)" "$body" ;;
        cache-miss | features | baseline-features) body=$TMP/smoke-$k-$m.json; seq_body "$T_BODY" "$RUN_NONCE-check-$m-00-0000000000" "$body" ;;
        esac
        code=$(smoke "$k" "$m" "$body" "smoke-$k-$m")
        if [[ $code == 200 ]] && grep -qF -- "$T_EXPECT" "$TMP/smoke-$k-$m.out"; then
            log "smoke $k/$m: 200, $(wc -c <"$TMP/smoke-$k-$m.out") bytes, x-cache: $(x_cache "smoke-$k-$m")"
        else
            log "WARNING smoke $k/$m: HTTP $code, body: $(head -c 300 "$TMP/smoke-$k-$m.out")"
        fi
        first=$(x_cache "smoke-$k-$m")
        case $k in
        gateway | baseline)
            [[ $first == none ]] || die "smoke $k/$m: x-cache: $first, but the gateway runs with the cache off"
            ;;
        cache-hit | cache-miss | features | baseline-features)
            # The same request again: a hit, for cache-hit what every measured request will be, for cache-miss the
            # proof that its misses were stored (so the load's misses pay for the write too).
            [[ $code == 200 ]] || die "smoke $k/$m: HTTP $code; the cache cannot be checked"
            [[ $k == cache-hit || $first == MISS ]] || die "smoke $k/$m: a new request answered x-cache: $first, expected MISS"
            code=$(smoke "$k" "$m" "$body" "smoke-$k-$m-again")
            again=$(x_cache "smoke-$k-$m-again")
            [[ $code == 200 && $again == HIT ]] && grep -qF -- "$T_EXPECT" "$TMP/smoke-$k-$m-again.out" \
                || die "smoke $k/$m: the same request again answered HTTP $code, x-cache: $again, expected 200 and HIT; body: $(head -c 300 "$TMP/smoke-$k-$m-again.out")"
            log "smoke $k/$m: x-cache $first, then $again for the same request"
            ;;
        esac
    done
done
# The cache is created with the first request that uses it, and says where it keeps its answers.
for k in cache-hit cache-miss features baseline-features; do
    if has $k; then
        line=$(grep -h '\[CACHE\] response cache on' "$TMP/$k-logs"/sai_handler.log* 2>/dev/null | tail -1)
        [[ $line == *"in memory"* ]] || die "$k: expected the log line '[CACHE] response cache on: ... in memory', got: ${line:-nothing}"
        log "$k: ${line#*\[CACHE\] }"
    fi
done

# ---------------------------------------------------------------- load
RESULTS=$TMP/results.tsv
printf 'mode\tcontender\tconcurrency\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tbad\tconnect\tread\twrite\ttimeout\terrors\trss_mb\tcpu_s_per_1k\tx_cache_hit\tx_cache_miss\n' >"$RESULTS"

run_wrk() { # contender mode concurrency seconds outfile
    local k=$1 m=$2 c=$3 d=$4 out=$5 t=$THREADS tag
    ((c < t)) && t=$c
    tag=$(basename "$out" .wrk)
    target "$k" "$m" "${tag#"$k"-}"
    # in the background, so that a signal reaches the trap at once and not after the level
    wrk -t"$t" -c"$c" -d"${d}s" --timeout "$WRK_TIMEOUT" --latency -s "$T_SCRIPT" "$T_URL" \
        -- "${T_ARGS[@]}" "${T_HEADERS[@]}" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
}

run_level() { # contender mode concurrency
    local k=$1 m=$2 c=$3 pid base=$TMP/$1-$2-c$3 i
    pid=$(pid_of "$k")
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then log "WARNING $k (pid $pid) is not running"; fi
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        python3 "$LIB/sample.py" "$pid" "$base.sample" "$SAMPLE_INTERVAL" &
        SAMPLER_PID=$!
        for ((i = 0; i < 100; i++)); do [[ -f $base.sample.ready ]] && break; sleep 0.02; done
    fi
    run_wrk "$k" "$m" "$c" "$DURATION" "$base.wrk"
    if [[ -n $SAMPLER_PID ]]; then
        kill -TERM "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=""
    fi
    # wrk's own "Non-2xx or 3xx responses" line is a cross-check of the script's count
    awk -v mode="$m" -v k="$k" -v c="$c" -v sample="$base.sample" '
        /^BENCH / { for (i = 2; i <= NF; i++) { split($i, kv, "="); b[kv[1]] = kv[2] }; found = 1 }
        /^CACHE / { for (i = 2; i <= NF; i++) { split($i, kv, "="); x[kv[1]] = kv[2] }; xfound = 1 }
        /Non-2xx or 3xx responses:/ { wrk_non2xx = $NF }
        END {
            if (!found) { printf "%s\t%s\t%d\t0\t0\t0\t\t\t\t\t0\t0\t0\t0\t0\t0\t1\t\t\t\t\n", mode, k, c; exit }
            xhit = xfound ? x["hit"] + 0 : ""; xmiss = xfound ? x["miss"] + 0 : ""
            non2xx = b["non2xx"] + 0; if (wrk_non2xx + 0 > non2xx) non2xx = wrk_non2xx + 0
            errors = non2xx + b["bad"] + b["connect"] + b["read"] + b["write"] + b["timeout"]
            rss = ""; cpu = ""
            if ((getline line < sample) > 0) {
                n = split(line, f, " ")
                for (i = 1; i <= n; i++) { split(f[i], kv, "="); s[kv[1]] = kv[2] }
                rss = sprintf("%.1f", s["peak_rss_kb"] / 1024)
                if (b["requests"] > 0) cpu = sprintf("%.4f", s["cpu_seconds"] * 1000 / b["requests"])
            }
            printf "%s\t%s\t%d\t%d\t%.2f\t%.2f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n",
                mode, k, c, b["requests"], b["duration_us"] / 1e6, b["rps"],
                b["p50_us"] / 1000, b["p90_us"] / 1000, b["p99_us"] / 1000, b["max_us"] / 1000,
                non2xx, b["bad"], b["connect"], b["read"], b["write"], b["timeout"], errors, rss, cpu, xhit, xmiss
        }' "$base.wrk" >>"$RESULTS"
    tail -1 "$RESULTS" | awk -F'\t' '{ printf "[bench] %-10s %-6s c=%-4s %9s req/s  p50 %8s ms  p99 %8s ms  errors %s  rss %s MB  cpu %s s/1k%s\n",
        $2, $1, $3, $6, $7, $9, $17, ($18 == "" ? "-" : $18), ($19 == "" ? "-" : $19),
        ($20 == "" ? "" : "  x-cache HIT " $20 " MISS " $21) }' >&2
    if ! grep -q '^BENCH ' "$base.wrk"; then log "WARNING wrk gave no result: $(head -c 300 "$base.wrk")"; fi
    if [[ $k == cache-* || $k == *features ]] && ! grep -q '^CACHE ' "$base.wrk"; then log "WARNING $k: wrk gave no x-cache counts"; fi
    if [[ $k == cache-hit ]] && grep -q '^CACHE ' "$base.wrk" && ! grep -q '^CACHE hit=[0-9]* miss=0 none=0$' "$base.wrk"; then
        log "WARNING cache-hit/$m c=$c: not every answer was a hit ($(grep '^CACHE ' "$base.wrk")); they count as errors"
    fi
    if [[ $k == cache-miss || $k == *features ]] && grep -q '^CACHE ' "$base.wrk" && ! grep -q '^CACHE hit=0 miss=[0-9]* none=0$' "$base.wrk"; then
        log "WARNING $k/$m c=$c: not every answer was a miss ($(grep '^CACHE ' "$base.wrk")); they count as errors"
    fi
}

# Warms one contender up; with WARMUP=auto until its req/s settles. Appends "contender mode seconds slices" to warmup.tsv.
warm_up() { # contender mode
    local k=$1 m=$2 n=0 rps slices="" settled=0 fixed=$WARMUP
    # nginx and the stub have no JIT to wait for: a short fixed warm-up fills their caches and connections.
    [[ $WARMUP == auto && ($k == direct || $k == nginx) ]] && fixed=$((WARMUP_MIN < 10 ? WARMUP_MIN : 10))
    if [[ $fixed != auto ]]; then
        log "warm-up $k/$m: ${fixed}s"
        run_wrk "$k" "$m" "$WARMUP_CONCURRENCY" "$fixed" "$TMP/$k-$m-warmup.wrk"
        printf '%s\t%s\t%s\tfixed\t%s\n' "$k" "$m" "$fixed" "$(sed -n 's/^BENCH .* rps=\([0-9]*\).*/\1/p' "$TMP/$k-$m-warmup.wrk")" >>"$TMP/warmup.tsv"
        return
    fi
    while ((n * WARMUP_SLICE < WARMUP_MAX)); do
        n=$((n + 1))
        run_wrk "$k" "$m" "$WARMUP_CONCURRENCY" "$WARMUP_SLICE" "$TMP/$k-$m-warmup-$n.wrk"
        rps=$(sed -n 's/^BENCH .* rps=\([0-9]*\).*/\1/p' "$TMP/$k-$m-warmup-$n.wrk")
        slices+="${slices:+ }${rps:-0}"
        if ((n * WARMUP_SLICE >= WARMUP_MIN)) && python3 -c '
import sys
last = [float(x) for x in sys.argv[2:]][-3:]
spread = float(sys.argv[1])
mean = sum(last) / len(last)
# Close together and no longer climbing: a JIT still at work shows as three rising slices within the spread.
sys.exit(0 if len(last) == 3 and mean > 0 and max(abs(x - mean) for x in last) <= spread * mean
         and last[2] - last[0] <= spread / 2 * mean else 1)' "$WARMUP_SPREAD" $slices; then
            settled=1
            break
        fi
    done
    log "warm-up $k/$m: $((n * WARMUP_SLICE)) s, $( ((settled)) && echo settled || echo "not settled within ${WARMUP_MAX} s"); req/s per ${WARMUP_SLICE} s: $slices"
    printf '%s\t%s\t%s\t%s\t%s\n' "$k" "$m" "$((n * WARMUP_SLICE))" "$( ((settled)) && echo settled || echo unsettled)" "$slices" >>"$TMP/warmup.tsv"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
levels=$(wc -w <<<"$CONCURRENCY")
warm_estimate=$WARMUP
[[ $WARMUP == auto ]] && warm_estimate=$(((WARMUP_MIN + WARMUP_MAX) / 2))
log "load: modes [$MODES], contenders [$CONTENDERS], concurrency [$CONCURRENCY], ${DURATION}s each," \
    "warm-up ${WARMUP}s at c=$WARMUP_CONCURRENCY; about $(($(wc -w <<<"$MODES") * $(wc -w <<<"$CONTENDERS") * (warm_estimate + levels * (DURATION + PAUSE)) / 60 + 1)) min"
for m in $MODES; do
    for k in $CONTENDERS; do
        [[ $WARMUP == 0 ]] || warm_up "$k" "$m"
        for c in $CONCURRENCY; do
            sleep "$PAUSE"
            run_level "$k" "$m" "$c"
        done
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
rss_now() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo nocommit)
DIRTY=""
[[ -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]] && DIRTY="+dirty"
DATE=$(date +%Y-%m-%d)
META=$TMP/meta.tsv

# ---------------------------------------------------------------- Lambda cold start (nginx stub still up)
if [[ $LAMBDA_RUNS -gt 0 && -d $REPO/function-lambda ]]; then
    if [[ -z $LAMBDA_JAR || ( -z $STREAMING_ZIP && -d $REPO/function-lambda-streaming ) ]]; then
        LAMBDA_JAR=${LAMBDA_JAR:-$REPO/function-lambda/target/function-lambda-0.1.0.jar}
        STREAMING_ZIP=${STREAMING_ZIP:-$REPO/function-lambda-streaming/target/function-lambda-streaming-0.1.0.zip}
        if [[ $SKIP_BUILD != 1 ]]; then
            modules=function-lambda
            [[ -d $REPO/function-lambda-streaming ]] && modules=function-lambda,function-lambda-streaming
            log "building the Lambda packages (./mvnw -B -q -pl $modules -am package -DskipTests)"
            # A failed build must not throw away the load results measured above.
            (cd "$REPO" && ./mvnw -B -q -pl "$modules" -am package -DskipTests) >"$TMP/lambda-build.out" 2>&1 \
                || log "Lambda build failed (see $TMP/lambda-build.out); cold start not measured"
        fi
    fi
    if [[ -f $LAMBDA_JAR ]]; then
        log "Lambda cold start: $LAMBDA_RUNS fresh JVMs"
        python3 "$LIB/coldstart.py" "$LAMBDA_JAR" "$STUB_PORT" "$LAMBDA_RUNS" >"$TMP/coldstart.notes" \
            || printf 'note\tLambda cold start: the probe failed\n' >"$TMP/coldstart.notes"
    else
        printf 'note\tLambda cold start: no jar at %s\n' "$LAMBDA_JAR" >"$TMP/coldstart.notes"
    fi
    if [[ -f $STREAMING_ZIP ]]; then
        log "Lambda cold start, streaming mode: $LAMBDA_RUNS fresh JVMs"
        python3 "$LIB/coldstart.py" "$STREAMING_ZIP" "$STUB_PORT" "$LAMBDA_RUNS" >>"$TMP/coldstart.notes" \
            || printf 'note\tLambda cold start, streaming: the probe failed\n' >>"$TMP/coldstart.notes"
    elif [[ -n $STREAMING_ZIP ]]; then
        printf 'note\tLambda cold start, streaming: no package at %s\n' "$STREAMING_ZIP" >>"$TMP/coldstart.notes"
    fi
    sed 's/^note\t/  /' "$TMP/coldstart.notes"
elif [[ -d $REPO/function-lambda ]]; then
    printf 'note\tLambda cold start: not measured (LAMBDA_RUNS=0)\n' >"$TMP/coldstart.notes"
else
    printf 'note\tLambda cold start: skipped until the function-lambda module exists\n' >"$TMP/coldstart.notes"
fi

{
    printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M %Z')"
    printf 'commit\t%s%s\n' "$COMMIT" "$DIRTY"
    printf 'machine\t%s cores, %s GiB memory, %s\n' "$(nproc)" \
        "$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)" "$(uname -sr)"
    printf 'cpu\t%s\n' "$( (grep -m1 'model name' /proc/cpuinfo || lscpu | grep -m1 'Model name') 2>/dev/null | cut -d: -f2 | xargs)"
    printf 'jvm\t%s\n' "$(java -version 2>&1 | sed -n 2p)"
    printf 'gateway_opts\t`%s`, production settings (no `demo`), INFO logs to a file, console to a file\n' "$GATEWAY_JAVA_OPTS"
    if has portkey; then printf 'node\t%s\n' "$(node --version)"; fi
    if has portkey; then printf 'portkey\t@portkey-ai/gateway %s (@hono/node-server %s), `NODE_ENV=production --headless`, headers `x-portkey-provider: openai` + `x-portkey-custom-host`\n' \
        "$(node_version @portkey-ai/gateway)" "$(node_version @hono/node-server)"; fi
    printf 'nginx\t%s, worker_processes %s (stubs and one hop in one instance)\n' "$("$NGINX_BIN" -v 2>&1 | sed 's/.*: //')" "$NGINX_WORKERS"
    printf 'wrk\t%s, %s threads, timeout %s\n' "$(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')" "$THREADS" "$WRK_TIMEOUT"
    if [[ $WARMUP == auto ]]; then
        printf 'settings\t%s s per level after %s s rest; warm-up per contender and mode at c=%s in %s s slices until the last three are within %s of their mean (at least %s s, at most %s s)\n' \
            "$DURATION" "$PAUSE" "$WARMUP_CONCURRENCY" "$WARMUP_SLICE" "$WARMUP_SPREAD" "$WARMUP_MIN" "$WARMUP_MAX"
    else
        printf 'settings\t%s s per level after %s s rest, warm-up %s s at c=%s per contender and mode\n' \
            "$DURATION" "$PAUSE" "$WARMUP" "$WARMUP_CONCURRENCY"
    fi
    [[ -f $TMP/warmup.tsv ]] && awk -F'\t' '{ printf "warmup\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5 }' "$TMP/warmup.tsv"
    [[ -n $BASELINE_JAR ]] && printf 'baseline\t%s\n' "$BASELINE_LABEL"
    printf 'load\t%s / %s\n' "$LOAD_BEFORE" "$LOAD_AFTER"
    printf 'request\t%s\n' "$(cat "$TMP/gen.out")"
    printf 'answer\tsame text and usage (540 + 260 tokens) from every stub; streams: role chunk, content chunks of at most 512 characters, finish chunk, usage chunk, [DONE]\n'
    printf 'note\tdirect and nginx one hop: plain mode posts the SAI execute request to the SAI stub; stream mode posts the chat request to a stub that sends the same SSE stream the gateway produces (SAI itself never streams)\n'
    for k in gateway cache-hit cache-miss features baseline baseline-features; do
        if has $k; then
            printf 'note\t%s RSS at the end: %s MB; %s (what rotation at 5 MB kept of it): %s lines, %s WARN, %s ERROR\n' "$k" "$(rss_now "$(pid_of $k)")" \
                sai_handler.log "$(cat "$TMP/$k-logs"/sai_handler.log* 2>/dev/null | wc -l)" \
                "$(cat "$TMP/$k-logs"/sai_handler.log* 2>/dev/null | grep -c ' WARN ' || true)" \
                "$(cat "$TMP/$k-logs"/sai_handler.log* 2>/dev/null | grep -c ' ERROR ' || true)"
        fi
    done
    if has cache-hit || has cache-miss; then
        printf 'note\tcache-hit and cache-miss: the same jar and JVM options as the gateway, plus `CACHE_TTL=%s` (in memory, the default bounds of 10000 answers and 32 MB); both post the chat request with ` (ref TOKEN)` ending the last user message: cache-hit one token throughout (its first request, before the load, is the only miss), cache-miss a new token every request (so every one calls the stub and is stored; after 10000 the cache is full and every store evicts an answer). wrk builds their requests in Lua (`bench/lib/cache.lua`), the others send a fixed one; every answer'"'"'s `x-cache` is counted and a wrong one is an error\n' "$CACHE_TTL_BENCH"
    fi
    if has features; then
        printf 'note\tfeatures: the same jar and JVM options as the gateway, plus METRICS_ENABLED=true, OTEL_SDK_DISABLED=false with OTEL_TRACES_SAMPLER=parentbased_traceidratio and OTEL_TRACES_SAMPLER_ARG=0.1 to the stub'"'"'s /otlp (http/protobuf; nginx answers 200), RATE_LIMIT_RPM and TOKEN_QUOTA_DAILY far above the load, GATEWAY_ADMIN_KEY with the embedded database (a tenant and a virtual key with every limit set, usage records written), CACHE_TTL=%s with every request a miss (bench/lib/cache.lua); exported trace requests seen by the stub: %s\n' \
            "$CACHE_TTL_BENCH" "$(grep -c 'POST /otlp/v1/traces' "$TMP/stub-access.log" 2>/dev/null || echo '?')"
    fi
    if has keys; then
        printf 'note\tgateway with keys: RSS at the end %s MB; the bench key'"'"'s /v1/me at the end: %s\n' "$(rss_now "$KEYS_PID")" \
            "$(curl -s --max-time 5 "http://127.0.0.1:$KEYS_PORT/v1/me" -H "Authorization: Bearer $KEYS_KEY" | python3 -c \
              'import json,sys; d=json.load(sys.stdin); print("; ".join("%s used %s" % (r["limit"], r["used"]) for r in d["key"]["remaining"]))' 2>/dev/null)"
        printf 'note\tgateway with keys: %s\n' "$(curl -s --max-time 10 "http://127.0.0.1:$KEYS_PORT/admin/usage?group_by=key" -H "Authorization: Bearer $KEYS_ADMIN" \
            | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print("usage records written: " + ", ".join("%s requests, %s + %s tokens" % (r["requests"], r["prompt_tokens"], r["completion_tokens"]) for r in d))' 2>/dev/null || echo "no /admin/usage")"
    fi
    if has portkey; then
        printf 'note\tPortkey RSS at the end: %s MB; its log has %s error lines\n' "$(rss_now "$PORTKEY_PID")" \
            "$(grep -ciE 'error|exception' "$TMP/portkey.out" || true)"
        if [[ -n $PORTKEY_HONO_NODE_SERVER ]]; then printf 'note\tPortkey runs with @hono/node-server pinned to %s: with the version npm picks (1.19) it fails every streaming request with `TypeError: immutable` (Portkey-AI/gateway issues 1389 and 1550)\n' "$PORTKEY_HONO_NODE_SERVER"; fi
    fi
    cat "$TMP/coldstart.notes"
} >"$META"

mkdir -p "$RESULTS_DIR"
name=$DATE-$COMMIT
n=1
while [[ -e $RESULTS_DIR/$name.md ]]; do n=$((n + 1)); name=$DATE-$COMMIT-$n; done
cp "$RESULTS" "$RESULTS_DIR/$name.tsv"
echo
python3 "$LIB/report.py" "$RESULTS" "$META" "$RESULTS_DIR/$name.md"
echo
log "report: ${RESULTS_DIR#"$REPO"/}/$name.md (raw figures: $name.tsv)"
