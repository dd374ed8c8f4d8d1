#!/usr/bin/env bash
# Makes docker/secrets/sync-key (the members' shared secret) and docker/secrets/admin-token (the admin
# API's bearer token), random, mode 0600, unless they exist.
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets
mkdir -p "$dir"
umask 077
[[ -f "$dir/sync-key" ]] || head -c 32 /dev/urandom | base64 > "$dir/sync-key"
[[ -f "$dir/admin-token" ]] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/admin-token"
echo "secrets in $dir"
