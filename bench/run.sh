#!/usr/bin/env bash
# bench/run.sh: nfsrepl against nfs-ganesha (VFS FSAL), same clients, same run, same machine.
# A benchmark, not a test. See bench/README.md.
#
#   sudo nice -n 10 bench/run.sh                       # full size: 1 GiB file, 5000 small files
#   BENCH_FILE_MIB=64 BENCH_FILES=500 bench/run.sh     # quick smoke run
#
# Environment (defaults in brackets):
#   BENCH_FILE_MIB [1024]     size of the nfs-cp file, MiB
#   BENCH_FILES [5000]        files for LoadGen (CREATE+WRITE+REMOVE each)
#   BENCH_CLIENTS [16]        LoadGen clients, one TCP connection each
#   BENCH_FILE_SIZE [4096]    bytes written per LoadGen file
#   BENCH_STABLE [filesync]   LoadGen WRITE: filesync (FILE_SYNC) or unstable (UNSTABLE + COMMIT)
#   BENCH_LOADGEN_WARMUP [200] untimed LoadGen files before the timed ones (both servers)
#   BENCH_WARMUP [1]          1: an untimed nfs-cp upload+download (64 MiB at most) per server first
#   BENCH_ROUNDS [1]          repeat every workload; the table shows the median, the order of
#                             the two servers flips every round
#   BENCH_WORK_DIR [mktemp -d /var/tmp/nfsrepl-bench.XXXXXX]  sources, exports, logs
#   BENCH_FS_MIB [2*FILE_MIB+2048]  size of each server's own ext4 file system (a loop-mounted
#                             sparse image in the work directory: export and state)
#   BENCH_KEEP [0]            1: keep the whole BENCH_WORK_DIR (exports, source file); by default
#                             only its small logs/ and results.tsv are kept
#   BENCH_TIMEOUT_S [1800]    limit for each single client command (nfs-cp, LoadGen)
#   BENCH_NFSREPL_WORKERS []  passed as --workers to nfsrepl when set (its default otherwise)
#   BENCH_NFSREPL_ASYNC [0]   1: nfsrepl exports async (no directory/SETATTR fsyncs, like ganesha)
#   BENCH_NFSREPL_JOURNAL [0] 1: nfsrepl journals every change (--journal on its own file system)
#
# Needs root (network namespace, packages). Everything -- rpcbind, ganesha.nfsd, nfsrepl and the
# clients -- runs inside a private network namespace that has only its own loopback, created here
# and removed on exit; rpcbind and ganesha also get a private /run (tmpfs) so they never meet a
# host rpcbind's socket or lock files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

FILE_MIB=${BENCH_FILE_MIB:-1024}
FILES=${BENCH_FILES:-5000}
CLIENTS=${BENCH_CLIENTS:-16}
FILE_SIZE=${BENCH_FILE_SIZE:-4096}
STABLE=${BENCH_STABLE:-filesync}
LG_WARMUP=${BENCH_LOADGEN_WARMUP:-200}
WARMUP=${BENCH_WARMUP:-1}
ROUNDS=${BENCH_ROUNDS:-1}
KEEP=${BENCH_KEEP:-0}
FS_MIB=${BENCH_FS_MIB:-$(( 2 * ${BENCH_FILE_MIB:-1024} + 2048 ))}
TIMEOUT_S=${BENCH_TIMEOUT_S:-1800}
NFSREPL_WORKERS=${BENCH_NFSREPL_WORKERS:-}
NFSREPL_ASYNC=${BENCH_NFSREPL_ASYNC:-0}
NFSREPL_JOURNAL=${BENCH_NFSREPL_JOURNAL:-0}

# fixed ports: nothing else lives in the private namespace
NR_NFS=2049 NR_MNT=20048
GA_NFS=12049 GA_MNT=12048
NS="nfsrepl-bench-$$"

for v in FILE_MIB FILES CLIENTS FILE_SIZE LG_WARMUP ROUNDS TIMEOUT_S FS_MIB; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -ge 0 ]] || { echo "run.sh: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
# LoadGen stops sending by itself a little before the hard time limit, so it still reports
LG_DEADLINE_S=$(( TIMEOUT_S > 240 ? TIMEOUT_S - 120 : TIMEOUT_S / 2 + 1 ))
(( FILE_MIB >= 1 && FILES >= 1 && CLIENTS >= 1 && ROUNDS >= 1 )) || { echo "run.sh: sizes must be >= 1" >&2; exit 2; }
[[ $STABLE == filesync || $STABLE == unstable ]] || { echo "run.sh: BENCH_STABLE is filesync or unstable" >&2; exit 2; }

# shared with bench/guest-bench.sh: log, die, packages, jar, namespace, ganesha and nfsrepl start/stop
source "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root (network namespace, rpcbind, ganesha)"

# ------------------------------------------------------------------ packages

need_pkgs=()
bench_server_pkgs need_pkgs
bench_install_pkgs ${need_pkgs[@]+"${need_pkgs[@]}"}

# ------------------------------------------------------------------ nfsrepl build (never built here)

bench_find_jar # jar, CP, jar_note, JVM_FLAGS

# ------------------------------------------------------------------ work area and cleanup

if [[ -n ${BENCH_WORK_DIR:-} ]]; then
    WORK=$BENCH_WORK_DIR
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d /var/tmp/nfsrepl-bench.XXXXXX)
fi
WORK=$(cd "$WORK" && pwd)
mkdir -p "$WORK/logs"
EXP_NR="$WORK/fs-nfsrepl/export"
EXP_GA="$WORK/fs-ganesha/export"
STATE_NR="$WORK/fs-nfsrepl/state"
# downloads go to a RAM disk when there is room, so the client's local disk is not measured
DL_DIR="$WORK/dl"
shm_free_mib=$(df -Pm /dev/shm 2>/dev/null | awk 'NR==2 {print $4}')
if [[ -n $shm_free_mib ]] && (( shm_free_mib > FILE_MIB * 2 + 1024 )); then
    DL_DIR=$(mktemp -d /dev/shm/nfsrepl-bench-dl.XXXXXX)
fi
mkdir -p "$DL_DIR"

FAILED=0

exec 3>&1 4>&2 # the script's own stdout/stderr, for cleanup (a trap inherits the redirections in force)
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    exec 1>&3 2>&4
    (( rc == 130 || rc == 143 )) && log "interrupted; stopping everything"
    bench_stop_all
    rm -rf "$DL_DIR"
    if (( ! KEEP )); then
        rm -f "$WORK/src.bin" "$WORK/warm.bin" "$WORK/fs-nfsrepl.img" "$WORK/fs-ganesha.img"
    fi
    echo "logs: $WORK/logs" >&2
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ namespace and servers

bench_export_fs nfsrepl
bench_export_fs ganesha
mkdir -p "$EXP_NR" "$EXP_GA" "$STATE_NR"
bench_netns_create

bench_start_servers

# ------------------------------------------------------------------ helpers per server

url() { echo "nfs://127.0.0.1${EXP[$1]}/$2?version=3&nfsport=${NPORT[$1]}&mountport=${MPORT[$1]}"; }

alive() { kill -0 "${PID[$1]}" 2>/dev/null || die "$1 (pid ${PID[$1]}) is gone (see $WORK/logs/$1.log)"; }

RESULTS="$WORK/results.tsv" # workload server round value
: > "$RESULTS"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RESULTS"; }

now() { date +%s.%N; }

# nfs-cp SRC DST, timed: sets SECS, or fails
SECS=""
timed_cp() {
    local t0 t1
    t0=$(now)
    run_client nfs-cp "$1" "$2" > "$WORK/logs/nfs-cp.out" 2>&1 || { cat "$WORK/logs/nfs-cp.out" >&2; return 1; }
    t1=$(now)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; } # bytes seconds
cpus() { awk -v a="$1" -v b="$2" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz }'; } # ticks before, after

# upload SERVER ROUND NAME SRC: nfs-cp SRC to NAME in the export, then checks the file the server
# stored. ROUND 0 is a warm-up: timed and logged, not recorded. Every upload gets a new NAME, so
# no server sees a name again that was removed behind its back.
upload() {
    local s=$1 round=$2 name=$3 src=$4 bytes c0 c1 secs sum what
    bytes=$(stat -c %s "$src")
    what="$s upload round $round"; ((round)) || what="$s warm-up upload"
    alive "$s"
    sync
    c0=$(cpu_ticks "${PID[$s]}")
    if timed_cp "$src" "$(url "$s" "$name")"; then secs=$SECS; else
        FAILED=1; log "$what: nfs-cp FAILED"; ((round)) && record upload "$s" "$round" FAIL; return 0
    fi
    c1=$(cpu_ticks "${PID[$s]}")
    sum=$(sha256sum < "${EXP[$s]}/$name" | cut -d' ' -f1)
    if [[ $sum != "$(sha256sum < "$src" | cut -d' ' -f1)" ]]; then
        FAILED=1
        log "$what: CHECKSUM MISMATCH (the server stored $(stat -c %s "${EXP[$s]}/$name") bytes)"
        ((round)) && record upload "$s" "$round" FAIL
        return 0
    fi
    log "$what: $bytes B in $(printf %.3f "$secs") s = $(mbps "$bytes" "$secs") MB/s," \
        "server CPU $(cpus "$c0" "$c1") s, sha256 ok"
    ((round)) && record upload "$s" "$round" "$(mbps "$bytes" "$secs")"
    sync
}

# download SERVER ROUND NAME SUM: nfs-cp NAME from the export to DL_DIR and checks its sha256
download() {
    local s=$1 round=$2 name=$3 want=$4 dst="$DL_DIR/$1.bin" c0 c1 secs sum bytes what
    what="$s download round $round"; ((round)) || what="$s warm-up download"
    alive "$s"
    rm -f "$dst"
    c0=$(cpu_ticks "${PID[$s]}")
    if timed_cp "$(url "$s" "$name")" "$dst"; then secs=$SECS; else
        FAILED=1; log "$what: nfs-cp FAILED"; ((round)) && record download "$s" "$round" FAIL; return 0
    fi
    c1=$(cpu_ticks "${PID[$s]}")
    bytes=$(stat -c %s "$dst")
    sum=$(sha256sum < "$dst" | cut -d' ' -f1)
    rm -f "$dst"
    if [[ $sum != "$want" ]]; then
        FAILED=1
        log "$what: CHECKSUM MISMATCH ($bytes bytes received)"
        ((round)) && record download "$s" "$round" FAIL
        return 0
    fi
    log "$what: $bytes B in $(printf %.3f "$secs") s = $(mbps "$bytes" "$secs") MB/s," \
        "server CPU $(cpus "$c0" "$c1") s, sha256 ok"
    ((round)) && record download "$s" "$round" "$(mbps "$bytes" "$secs")"
    return 0
}

loadgen() { # server round
    local s=$1 round=$2 out="$WORK/logs/loadgen-$1-$2.log" c0 c1 rc=0 line
    alive "$s"
    sync
    log "$s LoadGen round $round: starting"
    c0=$(cpu_ticks "${PID[$s]}")
    run_client java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" "$here/LoadGen.java" \
        --host 127.0.0.1 --nfs-port "${NPORT[$s]}" --mount-port "${MPORT[$s]}" --export "${EXP[$s]}" \
        --clients "$CLIENTS" --files "$FILES" --size "$FILE_SIZE" --stable "$STABLE" \
        --warmup "$LG_WARMUP" --deadline-s "$LG_DEADLINE_S" --label "$s" > "$out" 2>&1 || rc=$?
    c1=$(cpu_ticks "${PID[$s]}")
    sed 's/^/    /' "$out" | grep -v '^    RESULT'
    line=$(grep '^RESULT' "$out" || true)
    if [[ -z $line ]]; then
        FAILED=1
        log "$s LoadGen round $round: no result (exit $rc)"
        record loadgen "$s" "$round" FAIL
        record loadgen-errors "$s" "$round" FAIL
        return
    fi
    local fps errs p99
    fps=$(sed -n 's/.* files_per_s=\([^ ]*\).*/\1/p' <<< "$line")
    errs=$(sed -n 's/.* errors=\([^ ]*\).*/\1/p' <<< "$line")
    p99=$(sed -n 's/.* p99_ms=\([^ ]*\).*/\1/p' <<< "$line")
    log "$s LoadGen round $round: $fps files/s, errors $errs, server CPU $(cpus "$c0" "$c1") s"
    if (( rc != 0 || errs != 0 )); then
        FAILED=1
        record loadgen "$s" "$round" "$fps!"
    else
        record loadgen "$s" "$round" "$fps"
    fi
    record loadgen-p99 "$s" "$round" "$p99"
    record loadgen-errors "$s" "$round" "$errs"
}

# ------------------------------------------------------------------ the run

SRC_BYTES=$((FILE_MIB * 1024 * 1024))
log "making a ${FILE_MIB} MiB random source file"
head -c "$SRC_BYTES" /dev/urandom > "$WORK/src.bin"
SRC_SUM=$(sha256sum < "$WORK/src.bin" | cut -d' ' -f1)
sync

if [[ $WARMUP == 1 ]]; then
    wmib=$((FILE_MIB < 64 ? FILE_MIB : 64))
    head -c $((wmib * 1024 * 1024)) "$WORK/src.bin" > "$WORK/warm.bin"
    wsum=$(sha256sum < "$WORK/warm.bin" | cut -d' ' -f1)
    log "warm-up (not in the table): ${wmib} MiB up and down, per server"
    for s in nfsrepl ganesha; do
        upload "$s" 0 warm.bin "$WORK/warm.bin"
        download "$s" 0 warm.bin "$wsum"
        rm -f "${EXP[$s]}/warm.bin"
    done
    rm -f "$WORK/warm.bin"
fi

for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then order=(nfsrepl ganesha); else order=(ganesha nfsrepl); fi
    log "round $r of $ROUNDS (order: ${order[*]})"
    for s in "${order[@]}"; do upload "$s" "$r" "big-$r.bin" "$WORK/src.bin"; done
    for s in "${order[@]}"; do download "$s" "$r" "big-$r.bin" "$SRC_SUM"; done
    for s in "${order[@]}"; do rm -f "${EXP[$s]}/big-$r.bin"; done
    sync
    for s in "${order[@]}"; do loadgen "$s" "$r"; done
done

# ------------------------------------------------------------------ table

median() { # workload server printf-format -> median of the rounds (FAIL if any round failed)
    local fmt=$3
    awk -F'\t' -v w="$1" -v s="$2" '$1 == w && $2 == s { print $4 }' "$RESULTS" | {
        mapfile -t v
        if ((${#v[@]} == 0)); then echo "-"; return; fi
        for x in "${v[@]}"; do [[ $x == FAIL ]] && { echo FAIL; return; }; done
        flag=""
        for x in "${v[@]}"; do [[ $x == *'!' ]] && flag='!'; done
        printf '%s\n' "${v[@]%!}" | sort -g | awk -v f="$flag" -v fmt="$fmt" '{ a[NR] = $1 }
            END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf fmt "%s\n", m, f }'
    }
}
ratio() {
    local a=${1%!} b=${2%!}
    if [[ $a =~ ^[0-9.]+$ && $b =~ ^[0-9.]+$ ]]; then
        awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'
    else
        echo "-"
    fi
}

stable_word=$([[ $STABLE == filesync ]] && echo "FILE_SYNC" || echo "UNSTABLE+COMMIT")
rows=(
    "upload|nfs-cp upload ${FILE_MIB} MiB (MB/s)"
    "download|nfs-cp download ${FILE_MIB} MiB (MB/s)"
    "loadgen|LoadGen ${CLIENTS}x, ${FILES} files ${FILE_SIZE} B ${stable_word} (files/s)"
    "loadgen-p99|LoadGen p99 per file, ms (lower is better)"
    "loadgen-errors|LoadGen errors (must be 0)"
)
echo
echo "nfsrepl vs nfs-ganesha $(dpkg-query -W -f '${Version}' nfs-ganesha 2>/dev/null) (VFS), NFSv3/TCP over loopback in a private netns;" \
     "$ROUNDS round(s), median shown; MB = 10^6 bytes; nice $(nice)"
printf '%-52s %12s %12s %16s\n' workload nfsrepl ganesha nfsrepl/ganesha
printf '%-52s %12s %12s %16s\n' "$(printf '%.0s-' {1..52})" "------------" "------------" "----------------"
for row in "${rows[@]}"; do
    key=${row%%|*} name=${row#*|}
    case $key in loadgen-p99) fmt=%.2f ;; loadgen-errors) fmt=%d ;; *) fmt=%.1f ;; esac
    a=$(median "$key" nfsrepl "$fmt")
    b=$(median "$key" ganesha "$fmt")
    if [[ $key == loadgen-errors ]]; then rt="-"; else rt=$(ratio "$a" "$b"); fi
    printf '%-52s %12s %12s %16s\n' "$name" "$a" "$b" "$rt"
done
echo "(ratio > 1: nfsrepl does more per second -- except the p99 row, where > 1 means nfsrepl is slower;"
echo " '!' marks a LoadGen figure from a run with errors, FAIL a failed or unverified transfer)"
bench_log_summary
if (( FAILED )); then
    echo "SOME WORKLOADS FAILED OR HAD ERRORS (see above)"
    exit 1
fi
