#!/usr/bin/env bash
# Builds the benchmark guest: the test guest's base image (integration-tests/src/test/guest/
# build-image.sh, used as it is) plus one more cpio with what the benchmark needs in the guest:
#   - fio (Debian's) and every shared library ldd lists for it,
#   - virtio_pci + virtio_blk (for the second disk, /dev/vda: the tar image for the untar workload),
#   - a /modules.order that is the base image's list followed by those modules (it replaces the
#     base image's file when the kernel unpacks the later cpio; the test guest's /init loads it).
#
#   build-bench-image.sh OUT_DIR   -> OUT_DIR/{base.cpio,vmlinuz,kernel-version,bench.cpio,bench-base.cpio}
# bench-base.cpio = base.cpio + bench.cpio; a run appends its own cpio (run.env, test.sh) to it.
# Needs: qemu's guest packages (linux-image-amd64, busybox-static, cpio, gcc, libc6-dev, kmod) and fio.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

bash "$repo/integration-tests/src/test/guest/build-image.sh" "$out"
kver=$(cat "$out/kernel-version")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fio=$(command -v fio) || { echo "build-bench-image.sh: fio is not installed (apt-get install fio)" >&2; exit 1; }
mkdir -p "$stage/bin"
cp "$fio" "$stage/bin/fio"
for lib in $(ldd "$fio" | grep -o '/[^ ]*'); do
    mkdir -p "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
done

# the base image's module list, then the virtio block modules (one module per modprobe call)
(cd "$stage" && cpio -i --quiet --to-stdout modules.order < "$out/base.cpio") > "$stage/modules.order"
for m in virtio_pci virtio_blk; do modprobe -S "$kver" --show-depends "$m"; done | awk '$1 == "insmod" {print $2}' |
    while read -r ko; do
        grep -qxF "$ko" "$stage/modules.order" && continue
        mkdir -p "$stage$(dirname "$ko")"
        cp "$ko" "$stage$ko"
        echo "$ko" >> "$stage/modules.order"
    done
grep -q '/virtio_blk.ko$' "$stage/modules.order" || { echo "build-bench-image.sh: no virtio_blk module for $kver" >&2; exit 1; }

(cd "$stage" && find . -mindepth 1 | cpio -o -H newc --quiet) > "$out/bench.cpio"
cat "$out/base.cpio" "$out/bench.cpio" > "$out/bench-base.cpio"
