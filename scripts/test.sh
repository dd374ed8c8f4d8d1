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
command -v ip >/dev/null || need+=(iproute2) # the lock tests' network namespace (TestNetwork.java)
command -v arping >/dev/null || need+=(iputils-arping) # docker/service-address.sh, run by LinuxLockFailoverIT
[[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || need+=(libc6-dev)
# the cluster in Docker containers (DockerClusterIT): an engine, and debootstrap for the offline base image
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if ((${#need[@]})); then
    echo "test.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# Docker: start the engine when none answers (no systemd here), then build the base image offline
if ! docker info >/dev/null 2>&1; then
    echo "test.sh: starting dockerd (log in /tmp/nfsrepl-dockerd.log)" >&2
    (dockerd >/tmp/nfsrepl-dockerd.log 2>&1 &)
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null 2>&1 || { echo "test.sh: dockerd did not start; see /tmp/nfsrepl-dockerd.log" >&2; exit 1; }
fi
"$here/docker/base-image.sh" nfsrepl-base:bookworm

export LC_ALL=C.UTF-8
exec mvn -B verify "$@"
