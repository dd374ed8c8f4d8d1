#!/bin/sh
# Runs one nfsrepl node with its data under /var/lib/nfsrepl (export/, journal/, state/) on the
# standard ports, bound to every address; the arguments add to or override these (a compose file's
# `command:`), e.g. --name a --member a=a,b=b,c=c --sync-key-file /run/secrets/sync-key.
set -e
data=/var/lib/nfsrepl
mkdir -p "$data/export" "$data/journal" "$data/state"
flags=$(grep -v '^[[:space:]]*#' /opt/nfsrepl/jvm.options | grep -v '^[[:space:]]*$' | tr '\n' ' ')
# shellcheck disable=SC2086
exec java $flags -cp "/opt/nfsrepl/nfs-server.jar:/opt/nfsrepl/lib/*" dev.nfsrepl.node.Main serve \
    --export "$data/export" --journal "$data/journal" --state-dir "$data/state" --bind 0.0.0.0 \
    --nfs-port 2049 --mount-port 20048 --admin-port 20051 --export-as /export --no-portmap "$@"
