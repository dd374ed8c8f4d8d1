#!/usr/bin/env bash
# Runs the Linux-client POSIX suite of the integration tests (integration-tests/src/test/guest/
# posix.sh, unchanged) against nfs-ganesha instead of nfsrepl, in the same qemu test guest, and
# prints its @@CHECK lines. Shows which checks hold for another NFSv3 server, i.e. that the suite
# tests NFS and not nfsrepl's own behaviour. Not a test and not part of the benchmark: run by hand.
#
#   sudo nice -n 10 bench/guest/ganesha-posix.sh
#
# As the suite expects: /mnt/a = an export with no_root_squash holding `big` with 20,000 entries
# made on the server's disk before boot, /mnt/b = an export with root_squash whose root is mode
# 0777. Ganesha: two EXPORT blocks, the second with Squash = Root_Squash and Anonymous_Uid/Gid =
# 65534 (exports(5)'s default, which the suite expects; ganesha's own default is -2, 4294967294).
# Set GANESHA_POSIX_ANON=default to leave ganesha's default in place.
# GANESHA_POSIX_MOUNT_OPTS (e.g. noacl) is appended to the guest's mount options (hard,nolock):
# ganesha 4.3 answers the NFSACL side protocol (program 100227) on its NFS port, even with
# Enable_NFSACL = false, and fails every SETACL that carries an empty default ACL ("Bad xdr_free
# for NFSACL_SETACL" in its log, EIO in the client; nfs-ganesha issue #918, fixed in 5.0); the
# kernel client sends one for `cp -a` (preserving permissions) unless mounted with noacl.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
GA_NFS=12049 GA_MNT=12048
NS="nfsrepl-gposix-$$"
TIMEOUT_S=${GANESHA_POSIX_TIMEOUT_S:-1800}
ANON=${GANESHA_POSIX_ANON:-65534}
MOPTS=hard,nolock${GANESHA_POSIX_MOUNT_OPTS:+,$GANESHA_POSIX_MOUNT_OPTS}
source "$here/../lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root"
need_pkgs=()
bench_server_pkgs need_pkgs
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
for p in linux-image-amd64 busybox-static cpio gcc libc6-dev kmod; do dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p"); done
bench_install_pkgs ${need_pkgs[@]+"${need_pkgs[@]}"}

WORK=$(mktemp -d /var/tmp/nfsrepl-gposix.XXXXXX)
A="$WORK/export-a" B="$WORK/export-b"
mkdir -p "$A/big" "$B" "$WORK/logs" "$WORK/guest"
chmod 0777 "$B"
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    bench_stop_all
    rm -rf "$A" "$B" "$WORK/guest"
    echo "logs: $WORK/logs" >&2
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "making $A/big with 20,000 entries"
(cd "$A/big" && seq 0 19999 | sed 's/^/entry-/' | xargs touch)

log "building the test guest image (integration-tests/src/test/guest/build-image.sh)"
bash "$repo/integration-tests/src/test/guest/build-image.sh" "$WORK/guest/image" > "$WORK/logs/build-image.log" 2>&1 \
    || { cat "$WORK/logs/build-image.log" >&2; die "building the guest image failed"; }

anon=()
[[ $ANON == default ]] || anon=("Anonymous_Uid = $ANON;" "Anonymous_Gid = $ANON;")
{
    ganesha_conf_core "$GA_NFS" "$GA_MNT"
    ganesha_conf_export 1 "$A" No_Root_Squash
    ganesha_conf_export 2 "$B" Root_Squash ${anon[@]+"${anon[@]}"}
} > "$WORK/ganesha.conf"
bench_netns_create
ganesha_start "$WORK/ganesha.conf"
wait_ready ganesha "$GA_PID" "nfs://127.0.0.1$A/?version=3&nfsport=$GA_NFS&mountport=$GA_MNT"

run="$WORK/guest/run"
mkdir -p "$run"
cat > "$run/run.env" <<EOF
NFS_PORT=$GA_NFS
MOUNT_PORT=$GA_MNT
EXPORTS="$A:/mnt/a:$MOPTS $B:/mnt/b:$MOPTS"
EOF
cp "$repo/integration-tests/src/test/guest/posix.sh" "$run/test.sh"
(cd "$run" && printf 'run.env\ntest.sh\n' | cpio -o -H newc --quiet > run.cpio)
cat "$WORK/guest/image/base.cpio" "$run/run.cpio" > "$run/initrd.cpio"
log "booting the guest (posix.sh against ganesha, anonymous uid ${ANON}, mount options ${MOPTS})"
con="$WORK/logs/console.log"
rc=0
run_client qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 1024 -kernel "$WORK/guest/image/vmlinuz" \
    -initrd "$run/initrd.cpio" -append "console=ttyS0 quiet panic=-1" -display none -serial stdio -monitor none \
    -no-reboot -netdev user,id=n0 -device e1000,netdev=n0 < /dev/null > "$con" 2>&1 || rc=$?
sed -i 's/\r$//' "$con"
log "guest done (qemu exit $rc)"
grep -o '@@CHECK .*\|@@EXIT .*' "$con" || { tail -30 "$con"; die "no checks reported"; }
echo "passed: $(grep -c '@@CHECK [^ ]* PASS' "$con" || true) of $(grep -c '@@CHECK ' "$con" || true)"
