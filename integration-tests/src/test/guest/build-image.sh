#!/usr/bin/env bash
# Builds the base initramfs of the Linux test guest: busybox, the NFS client modules of
# Debian's kernel, GNU cp (cp -a keeps hard links; busybox's does not), nfscheck and /init.
#   build-image.sh OUT_DIR      -> OUT_DIR/base.cpio and OUT_DIR/vmlinuz
set -euo pipefail
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -1)
kver=${kernel#/boot/vmlinuz-}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,mnt,etc,lib64} "$out"
cp /usr/bin/busybox "$stage/bin/busybox"
for applet in $(busybox --list); do
    [[ -e "$stage/bin/$applet" ]] || ln -s busybox "$stage/bin/$applet"
done
# modules in load order, as modprobe resolves their dependencies
: > "$stage/modules.order"
for m in e1000 nfsv3; do modprobe -S "$kver" --show-depends "$m"; done | awk '$1 == "insmod" {print $2}' | while read -r ko; do
    mkdir -p "$stage$(dirname "$ko")"
    cp "$ko" "$stage$ko"
    echo "$ko" >> "$stage/modules.order"
done
# GNU cp with its libraries
cp /bin/cp "$stage/bin/gnucp"
for lib in $(ldd /bin/cp | grep -o '/[^ ]*'); do
    mkdir -p "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
done
gcc -static -O2 -Wall -o "$stage/bin/nfscheck" "$here/nfscheck.c"
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet) > "$out/base.cpio"
cp "$kernel" "$out/vmlinuz"
echo "$kver" > "$out/kernel-version"
