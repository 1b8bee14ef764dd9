#!/usr/bin/env bash
# Everything offline: run the CLI inside a network namespace that has only loopback.
#
#   sudo tests/stress/no_network.sh          (needs root: ip netns)
#
# Creates namespace smpg-offline-$$ with only "lo" up, then inside it runs, with a
# minimal environment (no SMP_GUIDE_*, no HF_HUB_OFFLINE etc. from the caller, so the
# code's own offline defaults are what is tested):
#   1. smp-guide sample-pdf
#   2. smp-guide ingest            (into a temporary index)
#   3. smp-guide ask ... --json    (one question)
#   4. smp-guide eval run --limit 5   (bundled sample gold set, no judge)
#   5. smp-guide chat on 127.0.0.1 in the background, one /ask request made from
#      inside the namespace with python + gradio_client, then the server is stopped
#   6. the namespace has only lo and no route out (checked with ip, no packet sent)
# Reports each step OK/FAIL; the namespace and temp folder are removed on exit.
# Exit status: 0 all OK, 1 a step failed, 2 network namespaces are not permitted here.

set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${SMP_GUIDE_VENV:-$ROOT/.venv}"
NS="smpg-offline-$$"
WORK="$(mktemp -d /tmp/smpg-offline.XXXXXX)"
SERVER_PID=""
FAILED=0

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null
        sleep 1
        kill -9 "$SERVER_PID" 2>/dev/null
    fi
    if ip netns list 2>/dev/null | grep -qw "$NS"; then
        ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns delete "$NS" && echo "namespace $NS deleted"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if ! err="$(ip netns add "$NS" 2>&1)"; then
    echo "NOT RUN: 'ip netns add $NS' is not permitted in this environment: $err"
    echo "(needs root and CAP_SYS_ADMIN with a writable /run/netns; nothing was tested)"
    exit 2
fi
if ! err="$(ip netns exec "$NS" ip link set lo up 2>&1)"; then
    echo "NOT RUN: 'ip netns exec $NS ip link set lo up' failed: $err"
    exit 2
fi
echo "namespace $NS created; its interfaces:"
ip netns exec "$NS" ip -brief addr | sed 's/^/    /'
echo "work folder $WORK"

# The namespace's environment: nothing from the caller but PATH, HOME and the locale.
nsrun() {
    ip netns exec "$NS" env -i \
        PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="${HOME:-/root}" \
        LANG="${LANG:-C.UTF-8}" \
        SMP_GUIDE_DATA_DIR="$WORK/data" SMP_GUIDE_INDEX_DIR="$WORK/index" \
        "$@"
}

step() {  # step NAME LOGFILE command...
    local name="$1" logfile="$2"
    shift 2
    local start end
    start=$(date +%s.%N)
    if "$@" >"$logfile" 2>&1; then
        end=$(date +%s.%N)
        printf 'OK    %-34s (%.1f s)\n' "$name" "$(echo "$end - $start" | bc)"
    else
        local rc=$?
        end=$(date +%s.%N)
        printf 'FAIL  %-34s (exit %d, %.1f s); last lines:\n' "$name" "$rc" \
            "$(echo "$end - $start" | bc)"
        tail -n 15 "$logfile" | sed 's/^/    /'
        FAILED=1
    fi
}

cd "$ROOT" || exit 1
step "sample-pdf" "$WORK/1.log" nsrun "$VENV/bin/smp-guide" sample-pdf "$WORK/sample.pdf"
step "ingest (temp index)" "$WORK/2.log" nsrun "$VENV/bin/smp-guide" ingest "$WORK/sample.pdf" --json
step "ask --json" "$WORK/3.log" nsrun "$VENV/bin/smp-guide" ask --json \
    "Who should pay for training the candidates?"
if [ -s "$WORK/3.log" ]; then
    "$VENV/bin/python" - "$WORK/3.log" <<'EOF' | sed 's/^/    /'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
try:
    data = json.loads(text[text.index("{"):])
    answer = data.get("text") or data.get("answer") or ""
    cites = data.get("citations") or data.get("sources") or []
    print(f"answer: {answer[:160]!r}... ({len(cites)} citations)")
except Exception as exc:  # report, don't hide
    print(f"(could not parse ask output: {exc})")
EOF
fi
step "eval run --limit 5 (sample gold)" "$WORK/4.log" nsrun "$VENV/bin/smp-guide" eval run \
    --limit 5 --out "$WORK/eval" --json
if [ -s "$WORK/4.log" ]; then
    "$VENV/bin/python" - "$WORK/4.log" <<'EOF' | sed 's/^/    /'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.lstrip().startswith("{")]
try:
    summary = json.loads(lines[-1])
    shown = ", ".join(
        f"{name} {m['mean']:.2f}" for name, m in summary["metrics"].items()
        if isinstance(m.get("mean"), (int, float)))
    print(f"metrics (n<=5): {shown}")
except Exception as exc:  # report, don't hide
    print(f"(could not parse eval output: {exc})")
EOF
fi

# 5. chat server inside the namespace, one request from inside the namespace
PORT=7861
nsrun "$VENV/bin/python" -m assistant.cli chat --port "$PORT" --index-dir "$WORK/index" \
    >"$WORK/chat.log" 2>&1 &
SERVER_PID=$!
chat_request() {
    nsrun "$VENV/bin/python" - "$PORT" <<'EOF'
import sys, time, urllib.request
port = sys.argv[1]
url = f"http://127.0.0.1:{port}/"
deadline = time.monotonic() + 120
while True:
    try:
        urllib.request.urlopen(url, timeout=1)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise SystemExit("chat server did not answer on 127.0.0.1")
        time.sleep(0.5)
from gradio_client import Client
result = Client(url, verbose=False).predict(
    "Who should pay for training the candidates?", [], [], False, api_name="/ask")
reply = result[0][-1]["content"]
if isinstance(reply, list):  # gradio 6: a list of {"type": "text", "text": ...} parts
    reply = " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in reply)
reply = str(reply)
print(f"reply from 127.0.0.1:{port}/ask: {reply[:160]!r}")
if reply.startswith("Sorry"):
    raise SystemExit("the chat apologised instead of answering")
EOF
}
step "chat server + one /ask on 127.0.0.1" "$WORK/5.log" chat_request
grep -h "reply from" "$WORK/5.log" | sed 's/^/    /'
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""

# 6. proof the namespace is cut off, without sending anything anywhere: its only
#    interface is lo and it has no route except loopback ones
no_route() {
    local links routes
    links="$(ip netns exec "$NS" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
    routes="$(ip netns exec "$NS" ip route show; ip netns exec "$NS" ip -6 route show | grep -v '^::1 ')"
    echo "interfaces: $links"
    echo "IPv4/IPv6 routes other than loopback: ${routes:-none}"
    [ "$links" = "lo " ] && [ -z "$routes" ]
}
step "namespace has only lo, no route out" "$WORK/6.log" no_route
sed 's/^/    /' "$WORK/6.log"

if [ "$FAILED" -eq 0 ]; then echo "RESULT OK: every step ran with loopback only"; else echo "RESULT FAIL"; fi
exit "$FAILED"
