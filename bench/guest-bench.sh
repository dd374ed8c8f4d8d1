#!/usr/bin/env bash
# bench/guest-bench.sh: nfsrepl against nfs-ganesha (VFS FSAL) as seen by the Linux kernel NFS
# client: the same qemu guest workloads (dd, fio, small files, untar of the JDK sources) against
# both servers in one run. A benchmark, not a test. See bench/README.md.
#
#   sudo nice -n 10 bench/guest-bench.sh                                   # full size
#   BENCH_DD_MIB=64 BENCH_FIO_S=10 BENCH_FILES=500 nice -n 10 bench/guest-bench.sh   # smoke run
#
# Environment (defaults in brackets):
#   BENCH_DD_MIB [512]        dd write + read size, MiB (0: skip)
#   BENCH_FIO_MIB [256]       fio file size, MiB
#   BENCH_FIO_S [20]          fio run time of each of randread and randwrite, s (0: skip fio)
#   BENCH_FILES [5000]        small files created, stat'ed and removed (0: skip)
#   BENCH_UNTAR [1]           1: untar the JDK 17 sources from a second virtual disk (0: skip)
#   BENCH_ROUNDS [1]          guests per server; the order of the servers flips every round and
#                             the table shows the median
#   BENCH_WARMUP [1]          1: one small untimed guest run per server first (JIT, caches)
#   BENCH_WORK_DIR [mktemp -d /var/tmp/nfsrepl-gbench.XXXXXX]  exports, guest image, logs
#   BENCH_FS_MIB [4096]       size of each server's own ext4 file system (a loop-mounted sparse
#                             image in the work directory: export and state)
#   BENCH_KEEP [0]            1: keep the exports too (by default logs/ and results.tsv stay)
#   BENCH_CACHE_DIR [/var/tmp/nfsrepl-guest-bench]  the JDK source tar (made once, reused)
#   BENCH_GUEST_TIMEOUT_S [3600]  limit for one guest run (boot to power-off)
#   BENCH_GUEST_MEM_MIB [1024] BENCH_GUEST_SMP [2]  the guest's RAM and vCPUs
#   BENCH_MOUNT_OPTS [hard,nolock]  extra mount options (after vers=3,proto=tcp,port=..,...)
#   BENCH_NFSREPL_WORKERS []  passed as --workers to nfsrepl when set
#   BENCH_NFSREPL_ASYNC [0]   1: nfsrepl exports async (no directory/SETATTR fsyncs, like ganesha)
#   BENCH_NFSREPL_JOURNAL [0] 1: nfsrepl journals every change (--journal on its own file system)
#   BENCH_NFSREPL_BASELINE [0] 1 (with BENCH_NFSREPL_JOURNAL=1): a third server, the same nfsrepl
#                             without a journal on its own file system, so that the table compares
#                             journal on and off from one run (columns "no journal", "on/off")
#
# Needs root (network namespace, packages). As in bench/run.sh, rpcbind, ganesha.nfsd and nfsrepl
# run in a private network namespace; qemu runs there too, so the guest's 10.0.2.2 (qemu's
# user-mode network) is the namespace's loopback, where both servers listen. One guest is booted
# per server and round, and it mounts only that server's export.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

DD_MIB=${BENCH_DD_MIB:-512}
FIO_MIB=${BENCH_FIO_MIB:-256}
FIO_S=${BENCH_FIO_S:-20}
FILES=${BENCH_FILES:-5000}
UNTAR=${BENCH_UNTAR:-1}
ROUNDS=${BENCH_ROUNDS:-1}
WARMUP=${BENCH_WARMUP:-1}
KEEP=${BENCH_KEEP:-0}
FS_MIB=${BENCH_FS_MIB:-4096}
CACHE=${BENCH_CACHE_DIR:-/var/tmp/nfsrepl-guest-bench}
GUEST_TIMEOUT_S=${BENCH_GUEST_TIMEOUT_S:-3600}
GUEST_MEM=${BENCH_GUEST_MEM_MIB:-1024}
GUEST_SMP=${BENCH_GUEST_SMP:-2}
MOUNT_OPTS=${BENCH_MOUNT_OPTS:-hard,nolock}
NFSREPL_WORKERS=${BENCH_NFSREPL_WORKERS:-}
NFSREPL_ASYNC=${BENCH_NFSREPL_ASYNC:-0}
NFSREPL_JOURNAL=${BENCH_NFSREPL_JOURNAL:-0}
NFSREPL_BASELINE=${BENCH_NFSREPL_BASELINE:-0}

NR_NFS=2049 NR_MNT=20048
GA_NFS=12049 GA_MNT=12048
NB_NFS=22049 NB_MNT=22048
NS="nfsrepl-gbench-$$"

for v in DD_MIB FIO_MIB FIO_S FILES UNTAR ROUNDS WARMUP GUEST_TIMEOUT_S GUEST_MEM GUEST_SMP FS_MIB; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "guest-bench.sh: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
(( ROUNDS >= 1 && GUEST_SMP >= 1 && GUEST_MEM >= 256 )) || { echo "guest-bench.sh: bad ROUNDS/GUEST_SMP/GUEST_MEM" >&2; exit 2; }
(( FIO_S == 0 || FIO_MIB >= 1 )) || { echo "guest-bench.sh: BENCH_FIO_MIB must be >= 1" >&2; exit 2; }
[[ $MOUNT_OPTS =~ ^[a-z0-9_=,.]*$ ]] || { echo "guest-bench.sh: odd BENCH_MOUNT_OPTS" >&2; exit 2; }
(( ! NFSREPL_BASELINE || NFSREPL_JOURNAL )) || { echo "guest-bench.sh: BENCH_NFSREPL_BASELINE=1 needs BENCH_NFSREPL_JOURNAL=1" >&2; exit 2; }
SERVERS=(nfsrepl ganesha)
(( NFSREPL_BASELINE )) && SERVERS+=(nfsrepl-nojournal)

# shared with bench/run.sh: log, die, packages, jar, namespace, ganesha and nfsrepl start/stop
source "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root (network namespace, rpcbind, ganesha)"

# ------------------------------------------------------------------ packages

need_pkgs=()
bench_server_pkgs need_pkgs
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_pkgs+=(linux-image-amd64)
[[ -x /usr/bin/busybox ]] || need_pkgs+=(busybox-static)
command -v cpio >/dev/null || need_pkgs+=(cpio)
command -v gcc >/dev/null || need_pkgs+=(gcc)
[[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || need_pkgs+=(libc6-dev)
command -v modprobe >/dev/null || need_pkgs+=(kmod)
command -v fio >/dev/null || need_pkgs+=(fio)
command -v unzip >/dev/null || need_pkgs+=(unzip)
bench_install_pkgs ${need_pkgs[@]+"${need_pkgs[@]}"}

bench_find_jar # jar, CP, jar_note, JVM_FLAGS

if others=$(pgrep -a -f 'qemu-system|maven' | grep -v "^$$ " || true) && [[ -n $others ]]; then
    log "WARNING: other heavy processes run (they share the cores and change the figures):"
    sed 's/^/    /' <<< "$others" | cut -c1-150
fi

# ------------------------------------------------------------------ work area and cleanup

if [[ -n ${BENCH_WORK_DIR:-} ]]; then
    WORK=$BENCH_WORK_DIR
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d /var/tmp/nfsrepl-gbench.XXXXXX)
fi
WORK=$(cd "$WORK" && pwd)
mkdir -p "$WORK/logs" "$WORK/guest"
EXP_NR="$WORK/fs-nfsrepl/export"
EXP_GA="$WORK/fs-ganesha/export"
STATE_NR="$WORK/fs-nfsrepl/state"
EXP_NB="$WORK/fs-nfsrepl-nojournal/export"
STATE_NB="$WORK/fs-nfsrepl-nojournal/state"
FAILED=0
TIMEOUT_S=$GUEST_TIMEOUT_S # run_client's limit: one guest run

exec 3>&1 4>&2
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    exec 1>&3 2>&4
    (( rc == 130 || rc == 143 )) && log "interrupted; stopping everything"
    bench_stop_all
    rm -rf "$WORK/guest"
    if (( ! KEEP )); then
        rm -f "$WORK/fs-nfsrepl.img" "$WORK/fs-ganesha.img" "$WORK/fs-nfsrepl-nojournal.img"
    fi
    echo "logs: $WORK/logs" >&2
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ the JDK source tar

# $CACHE/jdk17-src.tar: Debian's openjdk-17-source src.zip re-packed as a tar (owner 0:0, names
# sorted), with jdk17-src.info (files= dirs= bytes= sha= version=) for checking what a guest
# unpacked. Uses the installed package's src.zip, or else the package file fetched with
# `apt-get download` and unpacked here: installing openjdk-17-source would upgrade the installed
# JDK to its version, under the feet of whatever else runs on the machine.
SRC_TAR="$CACHE/jdk17-src.tar"
SRC_INFO="$CACHE/jdk17-src.info"
prepare_src_tar() {
    [[ -s $SRC_TAR && -s $SRC_INFO ]] && return 0
    mkdir -p "$CACHE"
    local zip=/usr/lib/jvm/openjdk-17/lib/src.zip version tmp
    tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
    if [[ -f $zip ]]; then
        version=$(dpkg-query -W -f '${Version}' openjdk-17-source 2>/dev/null || echo "?")
    else
        log "fetching Debian's openjdk-17-source (apt-get download; not installed, see guest-bench.sh)"
        (cd "$tmp" && apt-get download -q openjdk-17-source) >&2 2>/dev/null \
            || { apt-get update -q >&2 && (cd "$tmp" && apt-get download -q openjdk-17-source) >&2; } \
            || die "apt-get download openjdk-17-source failed"
        version=$(dpkg-deb -f "$tmp"/openjdk-17-source_*.deb Version)
        dpkg-deb -x "$tmp"/openjdk-17-source_*.deb "$tmp/deb"
        zip="$tmp/deb/usr/lib/jvm/openjdk-17/lib/src.zip"
    fi
    log "re-packing $zip ($version) as $SRC_TAR"
    mkdir "$tmp/src"
    unzip -q "$zip" -d "$tmp/src"
    tar --sort=name --owner=0 --group=0 --numeric-owner -cf "$tmp/src.tar" -C "$tmp/src" .
    {
        echo "version=$version"
        echo "files=$(find "$tmp/src" -type f | wc -l)"
        echo "dirs=$(find "$tmp/src" -mindepth 1 -type d | wc -l)"
        echo "bytes=$(find "$tmp/src" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
        echo "sha=$(tree_sha "$tmp/src")"
    } > "$tmp/info"
    mv "$tmp/src.tar" "$SRC_TAR"
    mv "$tmp/info" "$SRC_INFO"
    rm -rf "$tmp"
}
# sha256 over the sorted names and contents of the regular files of a tree
tree_sha() {
    (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
info() { sed -n "s/^$1=//p" "$SRC_INFO"; }

if (( UNTAR )); then
    prepare_src_tar
    log "untar source: $SRC_TAR (openjdk-17-source $(info version): $(info files) files, $(info dirs) directories, $(info bytes) bytes)"
fi

# ------------------------------------------------------------------ guest image

IMG="$WORK/guest/image"
log "building the bench guest image (bench/guest/build-bench-image.sh)"
bash "$here/guest/build-bench-image.sh" "$IMG" > "$WORK/logs/build-image.log" 2>&1 \
    || { cat "$WORK/logs/build-image.log" >&2; die "building the guest image failed"; }

# ------------------------------------------------------------------ namespace and servers

bench_export_fs nfsrepl
bench_export_fs ganesha
mkdir -p "$EXP_NR" "$EXP_GA" "$STATE_NR"
if (( NFSREPL_BASELINE )); then
    bench_export_fs nfsrepl-nojournal
    mkdir -p "$EXP_NB" "$STATE_NB"
fi
bench_netns_create
bench_start_servers
alive() { kill -0 "${PID[$1]}" 2>/dev/null || die "$1 (pid ${PID[$1]}) is gone (see $WORK/logs/$1.log)"; }

RESULTS="$WORK/results.tsv" # workload server round seconds detail
: > "$RESULTS"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$RESULTS"; }
cpus() { awk -v a="$1" -v b="$2" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz }'; }

# guest SERVER ROUND DD_MIB FIO_MIB FIO_S FILES UNTAR: boots one guest that mounts SERVER's export
# and runs bench/guest/workload.sh in a fresh directory r<ROUND> of it (w0 for the warm-up, ROUND
# 0, which is logged but not recorded). Every run works under a new name, so no server sees a
# name again that was removed behind its back; the exports are emptied only at the end.
guest() {
    local s=$1 round=$2 dd=$3 fmib=$4 fs=$5 nf=$6 untar=$7 dir what run con c0 c1 t0 rc=0 name secs detail u
    dir=$( ((round)) && echo "r$round" || echo w0)
    what="$s round $round"; ((round)) || what="$s warm-up"
    run="$WORK/guest/$s-$dir"
    con="$WORK/logs/console-$s-$dir.log"
    mkdir -p "$run"
    cat > "$run/run.env" <<EOF
NFS_PORT=${NPORT[$s]}
MOUNT_PORT=${MPORT[$s]}
EXPORTS="${EXP[$s]}:/mnt/x:$MOUNT_OPTS"
B_DIR=$dir
B_DD_MIB=$dd
B_FIO_MIB=$fmib
B_FIO_S=$fs
B_FILES=$nf
B_UNTAR=$untar
EOF
    cp "$here/guest/workload.sh" "$run/test.sh"
    (cd "$run" && printf 'run.env\ntest.sh\n' | cpio -o -H newc --quiet > run.cpio)
    cat "$IMG/bench-base.cpio" "$run/run.cpio" > "$run/initrd.cpio"
    local qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp "$GUEST_SMP" -m "$GUEST_MEM"
                -kernel "$IMG/vmlinuz" -initrd "$run/initrd.cpio" -append "console=ttyS0 quiet panic=-1"
                -display none -serial stdio -monitor none -no-reboot
                -netdev user,id=n0 -device e1000,netdev=n0)
    ((untar)) && qemu+=(-drive "file=$SRC_TAR,format=raw,if=virtio,readonly=on")
    alive "$s"
    sync
    log "$what: booting a guest (dd ${dd} MiB, fio ${fmib} MiB ${fs} s, ${nf} files, untar $untar)"
    c0=$(cpu_ticks "${PID[$s]}")
    t0=$SECONDS
    run_client "${qemu[@]}" < /dev/null > "$con" 2>&1 || rc=$?
    c1=$(cpu_ticks "${PID[$s]}")
    rm -rf "$run"
    sed -i 's/\r$//' "$con"
    local status
    status=$(sed -n 's/.*@@EXIT \([0-9]*\).*/\1/p' "$con" | head -1)
    log "$what: guest finished in $((SECONDS - t0)) s (qemu exit $rc, guest exit ${status:-none}), server CPU $(cpus "$c0" "$c1") s"
    grep -E '@@(MOUNT|INFO|FAIL)' "$con" | sed 's/^/    /' || true
    ((round)) && record server-cpu "$s" "$round" "$(cpus "$c0" "$c1")"
    [[ $status == 0 ]] || { FAILED=1; log "$what: the guest did not finish cleanly; console: $con"; tail -5 "$con" | sed 's/^/    /'; }
    while read -r _ name secs detail; do
        [[ -n $name ]] || continue
        if [[ $name == fio-* ]]; then u="ms per I/O"; else u=s; fi
        log "    $name: $secs $u${detail:+ ($detail)}"
        ((round)) && record "$name" "$s" "$round" "$secs" "$detail"
    done < <(grep -o '@@RESULT .*' "$con" || true)
    while read -r _ name _; do
        FAILED=1
        ((round)) && record "$name" "$s" "$round" FAIL
    done < <(grep -o '@@FAIL .*' "$con" || true)
    # what arrived on the server's disk
    local d="${EXP[$s]}/$dir"
    if (( dd > 0 )) && [[ $(stat -c %s "$d/seq.bin" 2>/dev/null) != $((dd * 1048576)) ]]; then
        FAILED=1; log "$what: the server stored $(stat -c %s "$d/seq.bin" 2>/dev/null || echo no) bytes of seq.bin"
        ((round)) && record dd-write "$s" "$round" FAIL
    fi
    if ((untar)); then
        local nfiles sha
        nfiles=$(find "$d/untar" -type f 2>/dev/null | wc -l || true)
        sha=$(tree_sha "$d/untar" 2>/dev/null || true)
        if [[ $nfiles == "$(info files)" && $sha == "$(info sha)" ]]; then
            log "    untar check: $nfiles files, contents equal to the tar's"
        else
            FAILED=1
            log "$what: untar check FAILED: $nfiles files of $(info files), sha ${sha:0:12} (want $(info sha | cut -c1-12))"
            ((round)) && record untar "$s" "$round" FAIL
        fi
    fi
    return 0
}

# ------------------------------------------------------------------ the run

if (( WARMUP )); then
    log "warm-up (not in the table): a small guest run per server"
    for s in "${SERVERS[@]}"; do
        guest "$s" 0 $((DD_MIB < 64 ? DD_MIB : 64)) 16 $((FIO_S < 5 ? FIO_S : 5)) $((FILES < 2000 ? FILES : 2000)) 0
    done
fi
for ((r = 1; r <= ROUNDS; r++)); do
    # each round starts with the next server (two servers: the order flips)
    order=("${SERVERS[@]:$(((r - 1) % ${#SERVERS[@]}))}" "${SERVERS[@]:0:$(((r - 1) % ${#SERVERS[@]}))}")
    log "round $r of $ROUNDS (order: ${order[*]})"
    for s in "${order[@]}"; do guest "$s" "$r" "$DD_MIB" "$FIO_MIB" "$FIO_S" "$FILES" "$UNTAR"; done
done

# ------------------------------------------------------------------ table

median() { # workload server -> median of the rounds (FAIL if any failed, - if none), unrounded
    awk -F'\t' -v w="$1" -v s="$2" '$1 == w && $2 == s { print $4 }' "$RESULTS" | {
        mapfile -t v
        if ((${#v[@]} == 0)); then echo "-"; return; fi
        for x in "${v[@]}"; do [[ $x == FAIL ]] && { echo FAIL; return; }; done
        printf '%s\n' "${v[@]}" | sort -g | awk '{ a[NR] = $1 }
            END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.6g\n", m }'
    }
}
num() { [[ $1 =~ ^[0-9.]+$ ]] && awk -v x="$1" 'BEGIN { exit !(x > 0) }'; }
fmt() { if num "$1"; then awk -v x="$1" -v f="$2" 'BEGIN { printf f, x }'; else echo "$1"; fi; } # value printf-format
ratio() { if num "$1" && num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; else echo "-"; fi; }
rate() { # seconds amount unit -> "amount/seconds unit"
    if num "$1" && [[ -n $2 ]]; then awk -v s="$1" -v a="$2" -v u="$3" 'BEGIN { printf "%.1f %s", a / s, u }'; else echo "-"; fi
}

rows=()
(( DD_MIB > 0 )) && rows+=("dd-write|dd write ${DD_MIB} MiB, bs=1M conv=fsync|$(awk -v m="$DD_MIB" 'BEGIN { print m * 1.048576 }')|MB/s"
                           "dd-read|dd read ${DD_MIB} MiB after drop_caches|$(awk -v m="$DD_MIB" 'BEGIN { print m * 1.048576 }')|MB/s")
(( FIO_S > 0 )) && rows+=("fio-randread|fio randread 4k ${FIO_MIB} MiB ${FIO_S}s, ms per I/O|1000|IOPS"
                          "fio-randwrite|fio randwrite 4k ${FIO_MIB} MiB ${FIO_S}s, ms per I/O|1000|IOPS")
(( FILES > 0 )) && rows+=("files-create|create ${FILES} small files|$FILES|files/s"
                          "files-stat|stat ${FILES} files after drop_caches|$FILES|files/s"
                          "files-remove|remove ${FILES} files|$FILES|files/s")
(( UNTAR )) && rows+=("untar|untar JDK 17 src ($(info files) files, $(( $(info bytes) / 1000000 )) MB) + sync|$(info files)|files/s")
rows+=("server-cpu|server CPU time (user+sys) of the whole guest run||")

echo
echo "nfsrepl vs nfs-ganesha $(dpkg-query -W -f '${Version}' nfs-ganesha 2>/dev/null) (VFS): Linux $(cat "$IMG/kernel-version") NFS client in a qemu guest (TCG, ${GUEST_SMP} vCPU, ${GUEST_MEM} MiB),"
echo "vers=3,proto=tcp,$MOUNT_OPTS, qemu user-mode network to a private netns; $ROUNDS round(s), median shown; nice $(nice)"
echo "Times in seconds (fio rows: milliseconds per I/O) -- lower is better."
echo "ratio = ganesha time / nfsrepl time: > 1 means nfsrepl is faster, < 1 means ganesha is faster."
(( NFSREPL_BASELINE )) && echo "no journal = the same nfsrepl without --journal; on/off = no-journal time / journaled time (> 1: the journal costs nothing)."
extra_head=(); extra_rule=()
(( NFSREPL_BASELINE )) && extra_head=("no journal" on/off) && extra_rule=(---------- -------)
printf '%-48s %9s %9s %9s %14s %14s' workload nfsrepl ganesha ratio "nfsrepl rate" "ganesha rate"
(( NFSREPL_BASELINE )) && printf ' %10s %7s' "${extra_head[@]}"
echo
printf '%-48s %9s %9s %9s %14s %14s' "$(printf '%.0s-' {1..48})" --------- --------- --------- -------------- --------------
(( NFSREPL_BASELINE )) && printf ' %10s %7s' "${extra_rule[@]}"
echo
for row in "${rows[@]}"; do
    IFS='|' read -r key name amount unit <<< "$row"
    a=$(median "$key" nfsrepl)
    b=$(median "$key" ganesha)
    f=%.2f; [[ $key == fio-* ]] && f=%.3f
    printf '%-48s %9s %9s %9s %14s %14s' "$name" "$(fmt "$a" $f)" "$(fmt "$b" $f)" "$(ratio "$a" "$b")" \
        "$(rate "$a" "$amount" "$unit")" "$(rate "$b" "$amount" "$unit")"
    if (( NFSREPL_BASELINE )); then
        c=$(median "$key" nfsrepl-nojournal)
        printf ' %10s %7s' "$(fmt "$c" $f)" "$(ratio "$a" "$c")"
    fi
    echo
done
echo "(rates: MB = 10^6 bytes; FAIL = the workload failed or what arrived on the server was wrong)"
bench_log_summary
if (( FAILED )); then
    echo "SOME WORKLOADS FAILED (see above)"
    exit 1
fi
