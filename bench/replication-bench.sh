#!/usr/bin/env bash
# bench/replication-bench.sh: what replication costs a client, and how far behind a backup is.
# A benchmark, not a test. Nodes run as processes on this machine's loopback, each node with its
# own directories under the work directory; LoadGen (bench/LoadGen.java) is the client.
#
#   nice -n 10 bench/replication-bench.sh
#
# Runs, one after the other, each on fresh directories:
#   none      a primary with its journal and no backup: the reference
#   async-1   one backup, async mode            (target: files/s >= 0.9 x none)
#   async-2   two backups, async mode
#   sync-1    one backup, sync mode
#   sync-2    two backups, sync mode, --sync-backups 2
#   spill-1   one backup configured but down: its records go to its spill file (target >= 0.8 x none)
#   catchup   (only when named in BENCH_ONLY) a tree of BENCH_TREE_FILES [100000] files is made and
#             replicated; the backup is killed; BENCH_CHANGED_FILES [10000] new files are made; the
#             backup is started again and timed until it holds them all and its spill file is gone,
#             against `rsync -a --delete` from the primary's tree to a copy of the stale backup tree
#             and against lsyncd's startup sync (lsyncd -rsync) into another copy
# and prints files/s and the ratio to "none"; async-1 also measures the replication lag as a client
# sees it (a file created on the primary, looked up on the backup until it shows: p50/p99).
#
# Environment: BENCH_FILES [10000] BENCH_WARMUP [30000] (untimed files first, so that the timed ones meet a server in
#              its steady state: with 3000, C2 was still compiling the primary's paths in the timed part, and the
#              ratios to none came out 0.5-0.7 instead of 0.9+ from identical code)
#              BENCH_CLIENTS [16] BENCH_FILE_SIZE [4096] BENCH_STABLE [filesync]
#              BENCH_WORK_DIR [mktemp -d /var/tmp/nfsrepl-rbench.XXXXXX] (removed at the end unless BENCH_KEEP=1)
#              BENCH_BACKUP_DIR [the work directory]  where backups keep their data (e.g. another disk,
#                  or /dev/shm to see what the primary's disk shared with its backups costs)
#              BENCH_PIN [0]  1: the primary and the client on CPU 0, backups on CPU 1, as if each backup
#                  had a machine of its own (otherwise a backup's work competes with the primary's)
#              BENCH_ONLY ["none async-1 async-2 sync-1 sync-2 spill-1"]  the workloads to run
#              BENCH_NODE_ARGS  more flags for every node (e.g. --batch-delay-ms 5)
#              BENCH_BACKUP_JVM, BENCH_PRIMARY_JVM  more JVM flags for the backups / the primary (a profiler:
#                  -agentpath:/path/libasyncProfiler.so=start,event=cpu,file=/tmp/b.html)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
FILES=${BENCH_FILES:-10000}
WARMUP=${BENCH_WARMUP:-30000}
CLIENTS=${BENCH_CLIENTS:-16}
FILE_SIZE=${BENCH_FILE_SIZE:-4096}
STABLE=${BENCH_STABLE:-filesync}
WORK=${BENCH_WORK_DIR:-$(mktemp -d /var/tmp/nfsrepl-rbench.XXXXXX)}
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }

jar="$repo/nfs-server/target/nfs-server.jar"
if [[ ! -f "$jar" ]]; then
    (cd "$repo" && mvn -q -B -pl nfs-server -am package -DskipTests) || die "cannot build nfsrepl"
fi
CP="$jar:$repo/nfs-server/target/lib/*"
mapfile -t JVM_FLAGS < <(grep -v '^\s*#' "$repo/jvm.options" | grep -v '^\s*$')
export LC_ALL=C.UTF-8
PIDS=()
NAMES=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ "${BENCH_KEEP:-0}" != 1 ]]; then
        rm -rf "$WORK"
        [[ -z "${BENCH_BACKUP_DIR:-}" ]] || rm -rf "$BENCH_BACKUP_DIR"/nfsrepl-rbench-b*
    fi
}
trap cleanup EXIT
printf 'a shared secret for the benchmark cluster\n' > "$WORK/key"

# node_dir NAME: where node NAME keeps its data (backups: in BENCH_BACKUP_DIR when set)
node_dir() {
    if [[ $1 == b* && -n "${BENCH_BACKUP_DIR:-}" ]]; then echo "$BENCH_BACKUP_DIR/nfsrepl-rbench-$1"; else echo "$WORK/$1"; fi
}

# node NAME PORTBASE ARGS...: starts a node (NFS port PORTBASE, MOUNT +1, replication +2) and waits for it
node() {
    local name=$1 base=$2; shift 2
    local d
    d=$(node_dir "$name")
    [[ "${KEEP_DATA:-0}" == 1 ]] || rm -rf "$d"
    mkdir -p "$d/export"
    local pin=() lines
    lines=0; [[ -f "$WORK/$name.log" ]] && lines=$(wc -l < "$WORK/$name.log")
    [[ "${BENCH_PIN:-0}" == 1 ]] && pin=(taskset -c "$([[ $name == b* ]] && echo 1 || echo 0)")
    local extra=()
    [[ $name == b* && -n "${BENCH_BACKUP_JVM:-}" ]] && read -ra extra <<< "$BENCH_BACKUP_JVM"
    [[ $name == p && -n "${BENCH_PRIMARY_JVM:-}" ]] && read -ra extra <<< "$BENCH_PRIMARY_JVM"
    "${pin[@]}" java "${JVM_FLAGS[@]}" "${extra[@]}" -cp "$CP" dev.nfsrepl.node.Main serve --no-portmap --admin-port 0 --name "$name" \
        --export "$d/export" --export-as /export --state-dir "$d/state" \
        --journal "$d/journal" --nfs-port "$base" --mount-port $((base + 1)) \
        --sync-key-file "$WORK/key" "$@" ${BENCH_NODE_ARGS:-} >> "$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    NAMES+=("$name")
    LAST_PID=$!
    local pid=$! i
    for ((i = 0; i < 600; i++)); do
        tail -n +"$((lines + 1))" "$WORK/$name.log" | grep -q 'mount with:\|listening for its primary' && return 0
        kill -0 "$pid" 2>/dev/null || die "node $name exited: $(tail -5 "$WORK/$name.log")"
        sleep 0.1
    done
    die "node $name did not start"
}

stop_all() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
    PIDS=()
    NAMES=()
}

# cpu_line LABEL: the client's and each node's CPU time so far (utime + stime), in s and in ms per file LoadGen made (warm-up included):
# on a shared machine the files/s ratio says what replication costs; this says which process pays it
cpu_line() {
    local i ticks hz line="  CPU:" n=$((FILES + $WARMUP))
    hz=$(getconf CLK_TCK)
    line+=$(awk -v n="$n" '{ printf " client %.1f s (%.2f ms/file)", $1 + $2, 1000 * ($1 + $2) / n }' "$WORK/$1.cpu")
    for i in "${!PIDS[@]}"; do
        ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/${PIDS[$i]}/stat" 2>/dev/null || echo 0)
        line+=$(awk -v t="$ticks" -v hz="$hz" -v n="$n" -v name="${NAMES[$i]}" \
            'BEGIN { printf " %s %.1f s (%.2f ms/file)", name, t / hz, 1000 * t / hz / n }')
    done
    echo "$line"
}

loadgen() { # LABEL [extra LoadGen args]
    local label=$1; shift
    local pin=()
    [[ "${BENCH_PIN:-0}" == 1 ]] && pin=(taskset -c 0)
    local TIMEFORMAT='%U %S' # the client's CPU time, for cpu_line
    { time "${pin[@]}" java -cp "$CP" "$here/LoadGen.java" --nfs-port 41049 --mount-port 41050 --export /export \
        --clients "$CLIENTS" --files "$FILES" --size "$FILE_SIZE" --stable "$STABLE" --warmup "$WARMUP" \
        --label "$label" "$@" 2> "$WORK/$label.err" | tee "$WORK/$label.out" | grep -E '^(RESULT|LAG)'; } 2> "$WORK/$label.cpu"
}

backup() { node "$1" "$2" --role backup --replication-port $(($2 + 2)); }

declare -A FPS
run() { # LABEL: starts what the label needs, runs LoadGen, stops everything
    local label=$1 probe=()
    rm -rf "$WORK"/{p,b1,b2}
    case $label in
        none) node p 41049 ;;
        async-1) backup b1 41059; node p 41049 --peer b1=127.0.0.1:41061; probe=(--probe-nfs-port 41059) ;;
        async-2) backup b1 41059; backup b2 41069
                 node p 41049 --peer b1=127.0.0.1:41061 --peer b2=127.0.0.1:41071 ;;
        sync-1) backup b1 41059; node p 41049 --peer b1=127.0.0.1:41061 --replication-mode sync ;;
        sync-2) backup b1 41059; backup b2 41069
                node p 41049 --peer b1=127.0.0.1:41061 --peer b2=127.0.0.1:41071 --replication-mode sync \
                    --sync-backups 2 ;;
        spill-1) node p 41049 --peer b1=127.0.0.1:41061 ;; # nothing listens there
    esac
    log "$label"
    local out
    out=$(loadgen "$label" "${probe[@]}") || die "LoadGen failed in $label: $(tail -5 "$WORK/$label.out" "$WORK/$label.err")"
    echo "$out"
    FPS[$label]=$(grep -o 'files_per_s=[0-9.]*' <<< "$out" | cut -d= -f2)
    cpu_line "$label"
    if [[ $label == spill-1 ]]; then
        du -sh "$WORK/p/journal"/export-*/spill 2>/dev/null | sed 's/^/  spill file: /'
    fi
    stop_all
}

# whether the backup's copy of the LoadGen directories holds at least $2 files named $1* (a walk of
# the whole tree: for checking once, not for polling, which would compete with the backup for the CPU)
backup_holds() { (( $(find "$(node_dir b1)/export" -mindepth 2 -maxdepth 2 -name "$1*" 2>/dev/null | wc -l) >= $2 )); }

# seq NAME KEY: the first number named KEY in node NAME's admin status (lastSeq, applied, ...)
seq_of() {
    local url token
    url=$(grep -o 'admin API on [^ ]*' "$WORK/$1.log" | tail -1 | cut -d' ' -f4)
    token=$(grep -o 'token in [^)]*' "$WORK/$1.log" | tail -1 | cut -d' ' -f3)
    curl -sf -H "Authorization: Bearer $(head -1 "$token")" "$url/api/v1/status" | grep -o "\"$2\":[0-9]*" | head -1 \
        | cut -d: -f2
}
# whether backup b1 applied every record the primary had journaled when $1 was read
applied() { local a; a=$(seq_of b1 applied) && [[ -n $a ]] && ((a >= $1)); }
spill_gone() { ! ls -d "$WORK"/p/journal/export-*/spill/b1 > /dev/null 2>&1; }

await() { # WHAT COMMAND...: polls the command until it succeeds (20 min at most)
    local what=$1 i; shift
    for ((i = 0; i < 12000; i++)); do "$@" && return 0; sleep 0.1; done
    die "timed out waiting until $what"
}

catchup() {
    if ! command -v rsync > /dev/null || ! command -v lsyncd > /dev/null; then
        log "installing rsync and lsyncd"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync lsyncd) > /dev/null \
            || die "rsync or lsyncd is missing and cannot be installed"
    fi
    local tree=${BENCH_TREE_FILES:-100000} changed=${BENCH_CHANGED_FILES:-10000} b1pid t0 t1 t2 t3 t3b last
    local target lsyncd_target # rsync's and lsyncd's copies of the stale backup tree, beside the backup's
    target="$(node_dir b1)-rsync"
    lsyncd_target="$(node_dir b1)-lsyncd"
    rm -rf "$WORK"/{p,b1,b2} "$target" "$lsyncd_target"
    backup b1 41059; b1pid=$LAST_PID
    node p 41049 --peer b1=127.0.0.1:41061
    log "catchup: making a tree of $tree files"
    loadgen tree --warmup 0 --files "$tree" --keep t > /dev/null || die "LoadGen (tree) failed"
    last=$(seq_of p lastSeq)
    await "the backup applied #$last" applied "$last"
    backup_holds t "$tree" || die "the backup does not hold the tree"
    kill -9 "$b1pid"; wait "$b1pid" 2>/dev/null || true
    log "catchup: backup killed; changing $changed files"
    loadgen changes --warmup 0 --files "$changed" --keep c > /dev/null || die "LoadGen (changes) failed"
    cp -a "$(node_dir b1)/export" "$target"
    cp -a "$(node_dir b1)/export" "$lsyncd_target"
    sync
    KEEP_DATA=1 backup b1 41059
    log "catchup: backup restarted (listening)"
    t0=$(date +%s.%N) # from the backup's return, not counting its JVM's start
    last=$(seq_of p lastSeq)
    await "the backup applied #$last" applied "$last"
    await "its spill file is gone" spill_gone
    t1=$(date +%s.%N)
    backup_holds c "$changed" || die "the backup does not hold the $changed new files"
    rsync -a --delete "$WORK/p/export/" "$target/"
    t2=$(date +%s.%N)
    # lsyncd, started as after an outage: its startup rsync of the whole tree, then it watches (stopped then)
    lsyncd -nodaemon -delay 0 -rsync "$WORK/p/export" "$lsyncd_target" > "$WORK/lsyncd.log" 2>&1 &
    local lpid=$!
    await "lsyncd's startup sync" grep -q 'Startup of .* finished' "$WORK/lsyncd.log"
    t3=$(date +%s.%N)
    kill "$lpid"; wait "$lpid" 2>/dev/null || true
    # the floor: writing the changed files and nothing else (tar of exactly them into an empty directory),
    # which any catch-up must do; a catch-up cannot be faster than this, however it finds what changed
    local floor_dir t4
    floor_dir="$(node_dir b1)-floor"
    rm -rf "$floor_dir"; mkdir -p "$floor_dir"
    (cd "$WORK/p/export" && find . -name 'c*' -type f) > "$WORK/changed.list"
    sync
    t3b=$(date +%s.%N)
    tar -C "$WORK/p/export" -cf - -T "$WORK/changed.list" | tar -C "$floor_dir" -xf -
    t4=$(date +%s.%N)
    # from the primary's log: when it reached the backup again, and when the backup held every record
    local connected held
    connected=$(grep 'replication to b1: connected' "$WORK/p.log" | tail -1 | cut -d' ' -f1)
    held=$(grep 'replication to b1: caught up' "$WORK/p.log" | tail -1 | cut -d' ' -f1)
    connected=$(date -d "${connected/T/ }" +%s.%N); held=$(date -d "${held/T/ }" +%s.%N)
    printf 'CATCHUP tree=%d changed=%d nfsrepl_s=%.2f (reconnect %.2f, held %.2f, applied %.2f) rsync_s=%.2f lsyncd_s=%.2f rsync/nfsrepl=%.2f lsyncd/nfsrepl=%.2f floor_s=%.2f rsync/floor=%.2f\n' \
        "$tree" "$changed" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$connected - $t0" | bc -l)" \
        "$(echo "$held - $connected" | bc -l)" "$(echo "$t1 - $connected" | bc -l)" "$(echo "$t2 - $t1" | bc -l)" \
        "$(echo "$t3 - $t2" | bc -l)" "$(echo "($t2 - $t1) / ($t1 - $t0)" | bc -l)" "$(echo "($t3 - $t2) / ($t1 - $t0)" | bc -l)" \
        "$(echo "$t4 - $t3b" | bc -l)" "$(echo "($t2 - $t1) / ($t4 - $t3b)" | bc -l)"
    stop_all
    rm -rf "$target" "$lsyncd_target" "$floor_dir"
}

ONLY=${BENCH_ONLY:-none async-1 async-2 sync-1 sync-2 spill-1}
if [[ " $ONLY " == *" catchup "* ]]; then
    catchup
    ONLY=${ONLY//catchup/}
fi
[[ -n "${ONLY// /}" ]] || exit 0
for l in $ONLY; do run "$l"; done
echo
printf '%-9s %10s %8s\n' workload files/s "x none"
for l in $ONLY; do
    printf '%-9s %10s %8.2f\n' "$l" "${FPS[$l]}" "$(echo "${FPS[$l]} / ${FPS[none]}" | bc -l)"
done
