#!/usr/bin/env bash
# Runs every test of nfsrepl. Installs what the tests need when it is missing (Debian packages),
# so it passes on a fresh Debian 12 machine; needs root for apt-get and for the tmpfs ENOSPC test.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

need=()
command -v nfs-cp >/dev/null || need+=(libnfs-utils)
command -v mkfifo >/dev/null || need+=(coreutils)
command -v mvn >/dev/null || need+=(maven)
command -v openssl >/dev/null || need+=(openssl) # scripts/replication-certs.sh, for the TLS tests
# the Linux kernel NFS client runs in a qemu guest built from these (LinuxGuest.java)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
ls /boot/vmlinuz-* >/dev/null 2>&1 || need+=(linux-image-amd64)
[[ -x /usr/bin/busybox ]] || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v modprobe >/dev/null || need+=(kmod)
command -v gcc >/dev/null || need+=(gcc)
[[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || need+=(libc6-dev)
if ((${#need[@]})); then
    echo "test.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
fi

export LC_ALL=C.UTF-8
exec mvn -B verify "$@"
