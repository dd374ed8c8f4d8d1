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
if ((${#need[@]})); then
    echo "test.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
fi

export LC_ALL=C.UTF-8
exec mvn -B verify "$@"
