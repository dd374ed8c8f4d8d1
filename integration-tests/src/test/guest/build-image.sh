#!/usr/bin/env bash
# Builds the base initramfs of the Linux test guest: busybox, the NFS client modules of
# Debian's kernel, GNU cp (cp -a keeps hard links; busybox's does not), nfscheck, locksuite, /init,
# and for locking rpcbind, rpc.statd and sm-notify (taken from Debian's rpcbind and nfs-common
# packages, downloaded and unpacked, never installed on the host: they would start services).
#   build-image.sh OUT_DIR      -> OUT_DIR/base.cpio and OUT_DIR/vmlinuz
set -euo pipefail
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -1)
kver=${kernel#/boot/vmlinuz-}
stage=$(mktemp -d)
chmod 755 "$stage" # the guest's root: daemons that drop privileges (rpcbind) must read /etc
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
# rpcbind and the status monitor, with their libraries, for mounts without nolock
debs=${XDG_CACHE_HOME:-$HOME/.cache}/nfsrepl/guest-debs
mkdir -p "$debs"
pkgs=(rpcbind nfs-common libwrap0)
if ! (cd "$debs" && ls rpcbind_*.deb nfs-common_*.deb libwrap0_*.deb >/dev/null 2>&1); then
    (cd "$debs" && apt-get download "${pkgs[@]}" >/dev/null 2>&1) || {
        apt-get update -q >/dev/null
        (cd "$debs" && apt-get download "${pkgs[@]}")
    }
fi
unpacked=$(mktemp -d)
trap 'rm -rf "$stage" "$unpacked"' EXIT
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$unpacked"; done
for b in sbin/rpcbind sbin/rpc.statd sbin/sm-notify usr/sbin/rpcinfo; do
    cp "$unpacked/$b" "$stage/sbin/"
    for lib in $(LD_LIBRARY_PATH="$unpacked/lib/x86_64-linux-gnu:$unpacked/usr/lib/x86_64-linux-gnu" ldd "$unpacked/$b" | grep -o '/[^ ]*'); do
        mkdir -p "$stage/lib/x86_64-linux-gnu"
        cp -L "$lib" "$stage/lib/x86_64-linux-gnu/$(basename "$lib")"
    done
done
cp -L /lib64/ld-linux-x86-64.so.2 "$stage/lib64/"
cp /etc/netconfig "$stage/etc/netconfig"
printf 'root:x:0:0:root:/:/bin/sh\n_rpc:x:100:65534::/run/rpcbind:/bin/false\nstatd:x:101:65534::/var/lib/nfs:/bin/false\nnobody:x:65534:65534::/:/bin/false\n' > "$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$stage/etc/group"
printf 'sunrpc\t111/tcp\tportmapper\nsunrpc\t111/udp\tportmapper\n' > "$stage/etc/services"
printf 'ip\t0\tIP\ntcp\t6\tTCP\nudp\t17\tUDP\n' > "$stage/etc/protocols"
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$stage/etc/nsswitch.conf"
gcc -static -O2 -Wall -o "$stage/bin/nfscheck" "$here/nfscheck.c"
gcc -static -O2 -Wall -o "$stage/bin/locksuite" "$here/locksuite.c"
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet) > "$out/base.cpio"
cp "$kernel" "$out/vmlinuz"
echo "$kver" > "$out/kernel-version"
