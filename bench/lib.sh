# bench/lib.sh: the parts shared by bench/run.sh and bench/guest-bench.sh (sourced, not run).
# Starts nfsrepl and nfs-ganesha side by side in a private network namespace and stops them again.
#
# The caller sets, before using the functions below:
#   repo      the repository root
#   WORK      the work directory (logs/ in it must exist)
#   NS        the name of the network namespace to make
#   TIMEOUT_S the limit for one client command (run_client)
#   FS_MIB    the size of each server's own file system (bench_export_fs)
# and runs bench_stop_all from its EXIT trap. The functions keep their state in these globals:
#   NS_CREATED CHILD NR_PID GA_PID GA_HELPER_PID, and jar CP jar_note JVM_FLAGS (bench_find_jar).

NS_CREATED=0
FS_MOUNTED=() # mount points of bench_export_fs, unmounted by bench_stop_all
CHILD=""   # the client command running now
NR_PID=""
GA_PID=""
GA_HELPER_PID=""

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }

# bench_install_pkgs PKG...: apt-get installs the packages (none: does nothing), with a
# policy-rc.d in place so that they do not start rpcbind or ganesha on the host
bench_install_pkgs() {
    (( $# )) || return 0
    log "installing $*"
    local made_policy=0 rc=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
    fi
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; } >&2 || rc=$?
    (( made_policy )) && rm -f /usr/sbin/policy-rc.d
    (( rc == 0 )) || die "apt-get install $* failed"
}

# the packages both servers need, missing ones appended to the array named $1
bench_server_pkgs() {
    local -n _pkgs=$1
    command -v ganesha.nfsd >/dev/null || _pkgs+=(nfs-ganesha)
    dpkg -s nfs-ganesha-vfs >/dev/null 2>&1 || _pkgs+=(nfs-ganesha-vfs)
    command -v rpcbind >/dev/null || _pkgs+=(rpcbind)
    command -v rpcinfo >/dev/null || _pkgs+=(rpcbind)
    command -v nfs-cp >/dev/null || _pkgs+=(libnfs-utils)
    command -v ip >/dev/null || _pkgs+=(iproute2)
    command -v mkfs.ext4 >/dev/null || _pkgs+=(e2fsprogs)
    command -v losetup >/dev/null || _pkgs+=(mount)
    command -v java >/dev/null || _pkgs+=(openjdk-17-jdk-headless)
    return 0
}

# the built nfsrepl jar (never built here): sets jar, CP, jar_note, JVM_FLAGS
bench_find_jar() {
    jar="$repo/nfs-server/target/nfs-server.jar"
    [[ -f $jar && -d $repo/nfs-server/target/lib ]] \
        || die "$jar is missing: build it first (./nfsrepl builds on first use, or mvn -pl nfs-server -am package -DskipTests)"
    CP="$jar:$repo/nfs-server/target/lib/*"
    local stale
    stale=$(find "$repo/nfs-server/src/main" "$repo/pom.xml" "$repo/nfs-server/pom.xml" -newer "$jar" -print -quit 2>/dev/null || true)
    jar_note="built $(date -r "$jar" '+%Y-%m-%d %H:%M')"
    if [[ -n $stale ]]; then
        jar_note+=", OLDER than $stale (benchmarking the built jar as it is)"
        log "WARNING: $jar is older than $stale; this run measures the jar as built"
    fi
    mapfile -t JVM_FLAGS < <(grep -v '^\s*#' "$repo/jvm.options" | grep -v '^\s*$')
}

stop_pid() { # pid name: SIGTERM, up to 15 s, then SIGKILL
    local pid=$1 name=$2 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "$name (pid $pid) ignored SIGTERM for 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# stops the client command, both servers, rpcbind and whatever else runs in the namespace, and
# deletes the namespace (for the caller's EXIT trap)
bench_stop_all() {
    local p
    stop_pid "$CHILD" "client command"
    stop_pid "$NR_PID" nfsrepl
    stop_pid "${NB_PID:-}" "nfsrepl-nojournal"
    if [[ -f $WORK/ganesha.pid ]]; then stop_pid "$(cat "$WORK/ganesha.pid")" ganesha.nfsd; fi
    if [[ -f $WORK/rpcbind.pid ]]; then stop_pid "$(cat "$WORK/rpcbind.pid")" rpcbind; fi
    stop_pid "$GA_HELPER_PID" "ganesha helper shell"
    wait 2>/dev/null
    if (( NS_CREATED )); then
        # anything still in the namespace was started by this script
        for p in $(ip netns pids "$NS" 2>/dev/null); do stop_pid "$p" "leftover process"; done
        ip netns del "$NS" 2>/dev/null || log "could not delete network namespace $NS"
    fi
    for p in ${FS_MOUNTED[@]+"${FS_MOUNTED[@]}"}; do
        umount "$p" 2>/dev/null || log "could not unmount $p"
    done
    FS_MOUNTED=()
}

# bench_export_fs NAME: a fresh, empty ext4 file system of FS_MIB MiB for one server (its export
# and state), in a sparse image $WORK/fs-NAME.img loop-mounted at $WORK/fs-NAME. Both servers get
# an identical new file system, so neither inherits the other's or the host's history: on one
# machine here a create in an aged /var/tmp cost 0.5 ms of kernel CPU (inode allocation), 20 us
# on a fresh ext4. The inode tables and journal are initialised at mkfs time, so no background
# ext4lazyinit runs during the benchmark.
bench_export_fs() {
    local name=$1 img="$WORK/fs-$1.img" mnt="$WORK/fs-$1"
    rm -f "$img"
    truncate -s "${FS_MIB}M" "$img" || die "cannot make $img"
    mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$img" >&2 || die "mkfs.ext4 $img failed"
    mkdir -p "$mnt"
    mount -o loop "$img" "$mnt" || die "cannot loop-mount $img on $mnt (no loop devices?)"
    FS_MOUNTED+=("$mnt")
}

bench_netns_create() {
    ip netns add "$NS"
    NS_CREATED=1
    ip netns exec "$NS" ip link set lo up
}

# runs a client command in the namespace as a child that the script waits for, so that SIGINT or
# SIGTERM to this script is acted on at once (and cleanup stops the child) instead of after it
run_client() {
    local rc=0
    ip netns exec "$NS" timeout "$TIMEOUT_S" "$@" &
    CHILD=$!
    wait "$CHILD" || rc=$?
    CHILD=""
    return $rc
}

cpu_ticks() { # utime+stime of a pid in clock ticks
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
HZ=$(getconf CLK_TCK)

wait_ready() { # name pid url: nfs-ls (MOUNT MNT + NFS calls) succeeds within 90 s
    local name=$1 pid=$2 u=$3 deadline=$((SECONDS + 90))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || die "$name exited while starting (see $WORK/logs/$name.log)"
        if ip netns exec "$NS" timeout 10 nfs-ls "$u" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    die "$name did not answer nfs-ls $u within 90 s (see $WORK/logs/$name.log)"
}

# ganesha's config: ganesha_conf_core NFS_PORT MNT_PORT [EXTRA_LINE...], then one
# ganesha_conf_export per export
ganesha_conf_core() {
    local line
    cat <<EOF
NFS_CORE_PARAM {
    NFS_Port = $1;
    MNT_Port = $2;
    Protocols = 3;
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
EOF
    shift 2
    for line in "$@"; do echo "    $line"; done
    cat <<EOF
}
NFSV4 { Graceless = true; }
EOF
}
# ganesha_conf_export ID PATH SQUASH [EXTRA_LINE...]: Path = Pseudo = PATH, RW, NFSv3 over TCP, VFS
ganesha_conf_export() {
    local id=$1 path=$2 squash=$3 line
    shift 3
    cat <<EOF
EXPORT {
    Export_Id = $id;
    Path = "$path";
    Pseudo = "$path";
    Access_Type = RW;
    Squash = $squash;
EOF
    for line in "$@"; do echo "    $line"; done
    cat <<EOF
    SecType = sys;
    Protocols = 3;
    Transports = TCP;
    FSAL { Name = VFS; }
}
EOF
}

# ganesha_start CONF: rpcbind and ganesha.nfsd in the namespace, in one mount namespace with a
# private /run; sets GA_HELPER_PID and GA_PID (ganesha's log: $WORK/logs/ganesha.log)
ganesha_start() {
    local conf=$1 i
    cat > "$WORK/ganesha-helper.sh" <<EOF
set -e
mount -t tmpfs -o mode=755 nfsrepl-bench-run /run
mkdir -p /run/rpcbind /run/ganesha
rpcbind -f -w &
echo \$! > "$WORK/rpcbind.pid"
for i in \$(seq 100); do rpcinfo -p 127.0.0.1 >/dev/null 2>&1 && break; sleep 0.1; done
ganesha.nfsd -F -f "$conf" -L "$WORK/logs/ganesha.log" -p /run/ganesha/ganesha.pid -N NIV_EVENT &
echo \$! > "$WORK/ganesha.pid"
wait
EOF
    log "starting rpcbind + ganesha.nfsd ($(dpkg-query -W -f '${Version}' nfs-ganesha 2>/dev/null)) in namespace $NS"
    # (ip execs its command, so $! is the pid of the helper itself, not of a subshell)
    ip netns exec "$NS" bash "$WORK/ganesha-helper.sh" > "$WORK/logs/ganesha-helper.log" 2>&1 &
    GA_HELPER_PID=$!
    for ((i = 0; i < 100; i++)); do [[ -s $WORK/ganesha.pid ]] && break; sleep 0.1; done
    [[ -s $WORK/ganesha.pid ]] || die "ganesha did not start (see $WORK/logs/ganesha-helper.log)"
    GA_PID=$(cat "$WORK/ganesha.pid")
}

# nfsrepl_start ARG...: nfsrepl's JVM in the namespace (what `./nfsrepl` runs, without its build
# check) with the arguments given; sets NR_PID (log: $WORK/logs/${NR_LOG:-nfsrepl}.log)
nfsrepl_start() {
    log "starting ${NR_LOG:-nfsrepl} (jar $jar_note; JVM flags from jvm.options: ${JVM_FLAGS[*]}) in namespace $NS"
    LC_ALL=C.UTF-8 ip netns exec "$NS" java "${JVM_FLAGS[@]}" -cp "$CP" dev.nfsrepl.node.Main "$@" \
        > "$WORK/logs/${NR_LOG:-nfsrepl}.log" 2>&1 &
    NR_PID=$!
}

# both pids really are the servers (after wait_ready)
bench_check_pids() {
    [[ $(ps -o comm= -p "$NR_PID") == java ]] || die "pid $NR_PID is not nfsrepl's JVM"
    [[ $(ps -o comm= -p "$GA_PID") == ganesha.nfsd ]] || die "pid $GA_PID is not ganesha.nfsd"
}

# the lines under a table that may point at trouble; ganesha's startup always logs a few CRIT/WARN
# lines (no D-Bus, no Kerberos keytab, no RADOS), so only its lines after start-up are counted
bench_log_summary() {
    local n
    n=$(grep -c -E -i 'error|exception|warn' "$WORK/logs/nfsrepl.log" || true)
    echo "nfsrepl log: $n lines with error/exception/warn"
    if [[ -f $WORK/logs/nfsrepl-nojournal.log ]]; then
        n=$(grep -c -E -i 'error|exception|warn' "$WORK/logs/nfsrepl-nojournal.log" || true)
        echo "nfsrepl-nojournal log: $n lines with error/exception/warn"
    fi
    n=$(awk '/NFS SERVER INITIALIZED/ { on = 1; next } on' "$WORK/logs/ganesha.log" | grep -c -E 'CRIT|MAJ|WARN|FATAL' || true)
    echo "ganesha log: $n CRIT/MAJ/WARN/FATAL lines after start-up"
}

# Starts ganesha (minimal config: NFSv3 over TCP, VFS FSAL) and nfsrepl in the namespace, each on
# its export, waits until both answer, and sets PID, EXP, NPORT and MPORT keyed by server name.
bench_start_servers() {
    { ganesha_conf_core "$GA_NFS" "$GA_MNT"; ganesha_conf_export 1 "$EXP_GA" No_Root_Squash; } > "$WORK/ganesha.conf"
    ganesha_start "$WORK/ganesha.conf" # GA_HELPER_PID, GA_PID
    local nr_args=(serve --admin-port -1 --state-dir "$STATE_NR" --bind 127.0.0.1 --nfs-port "$NR_NFS" --mount-port "$NR_MNT"
                   --no-portmap)
    if [[ ${NFSREPL_ASYNC:-0} == 1 ]]; then
        # what nfsrepl costs when it, like ganesha's VFS FSAL, does not fsync namespace changes
        echo "$EXP_NR 127.0.0.0/8(rw,no_root_squash,insecure,async)" > "$WORK/exports-nfsrepl"
        nr_args+=(--exports "$WORK/exports-nfsrepl")
        log "nfsrepl's export is async (BENCH_NFSREPL_ASYNC=1): namespace changes and SETATTR are not synced"
    else
        nr_args+=(--export "$EXP_NR")
    fi
    [[ -n $NFSREPL_WORKERS ]] && nr_args+=(--workers "$NFSREPL_WORKERS")
    if [[ ${NFSREPL_JOURNAL:-0} == 1 ]]; then
        nr_args+=(--journal "$STATE_NR/journal") # on nfsrepl's own file system, beside its state
        log "nfsrepl journals every change (BENCH_NFSREPL_JOURNAL=1) into $STATE_NR/journal"
    fi
    nfsrepl_start "${nr_args[@]}" # NR_PID
    wait_ready ganesha "$GA_PID" "nfs://127.0.0.1$EXP_GA/?version=3&nfsport=$GA_NFS&mountport=$GA_MNT"
    wait_ready nfsrepl "$NR_PID" "nfs://127.0.0.1$EXP_NR/?version=3&nfsport=$NR_NFS&mountport=$NR_MNT"
    bench_check_pids
    log "both servers answer (nfsrepl pid $NR_PID on $NR_NFS/$NR_MNT, ganesha pid $GA_PID on $GA_NFS/$GA_MNT)"
    declare -gA PID=([nfsrepl]=$NR_PID [ganesha]=$GA_PID)
    declare -gA EXP=([nfsrepl]=$EXP_NR [ganesha]=$EXP_GA)
    declare -gA NPORT=([nfsrepl]=$NR_NFS [ganesha]=$GA_NFS)
    declare -gA MPORT=([nfsrepl]=$NR_MNT [ganesha]=$GA_MNT)
    if [[ ${NFSREPL_JOURNAL:-0} == 1 && ${NFSREPL_BASELINE:-0} == 1 ]]; then
        # the same nfsrepl without its journal, on a third file system: journal on vs off in one run
        local keep=$NR_PID nb_args=(serve --admin-port -1 --state-dir "$STATE_NB" --bind 127.0.0.1 --nfs-port "$NB_NFS"
                                    --mount-port "$NB_MNT" --no-portmap)
        if [[ ${NFSREPL_ASYNC:-0} == 1 ]]; then
            echo "$EXP_NB 127.0.0.0/8(rw,no_root_squash,insecure,async)" > "$WORK/exports-nfsrepl-nojournal"
            nb_args+=(--exports "$WORK/exports-nfsrepl-nojournal")
        else
            nb_args+=(--export "$EXP_NB")
        fi
        [[ -n $NFSREPL_WORKERS ]] && nb_args+=(--workers "$NFSREPL_WORKERS")
        NR_LOG=nfsrepl-nojournal nfsrepl_start "${nb_args[@]}"
        NB_PID=$NR_PID
        NR_PID=$keep
        wait_ready nfsrepl-nojournal "$NB_PID" "nfs://127.0.0.1$EXP_NB/?version=3&nfsport=$NB_NFS&mountport=$NB_MNT"
        [[ $(ps -o comm= -p "$NB_PID") == java ]] || die "pid $NB_PID is not nfsrepl's JVM"
        log "nfsrepl without a journal answers too (pid $NB_PID on $NB_NFS/$NB_MNT)"
        PID[nfsrepl-nojournal]=$NB_PID
        EXP[nfsrepl-nojournal]=$EXP_NB
        NPORT[nfsrepl-nojournal]=$NB_NFS
        MPORT[nfsrepl-nojournal]=$NB_MNT
    fi
}
