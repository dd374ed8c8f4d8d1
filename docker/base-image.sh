#!/usr/bin/env bash
# Builds the base image the node image starts from, without a registry: Debian 12 (minbase) with a
# Java 17 runtime, iproute2, procps and arping (for --on-role-change hooks that move an address),
# made with debootstrap from Debian's archive and loaded with `docker import`.
#   docker/base-image.sh [IMAGE]        (default nfsrepl-base:bookworm; nothing to do when it exists)
# Needs root, debootstrap (installed when missing) and a running Docker engine. About a minute.
set -euo pipefail
image=${1:-nfsrepl-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if docker image inspect "$image" >/dev/null 2>&1; then
    echo "base-image.sh: $image exists" >&2
    exit 0
fi
if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
fi
root=$(mktemp -d /tmp/nfsrepl-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base-image.sh: debootstrap bookworm into $root (from $mirror)" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless,iproute2,procps,iputils-arping \
    bookworm "$root" "$mirror" >&2
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man
tar -C "$root" -c . | docker import -c 'ENV LC_ALL=C.UTF-8' - "$image"
echo "base-image.sh: $image built ($(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec))" >&2
