#!/bin/sh
# A --on-role-change hook that moves a service address to the primary, as keepalived's notify
# scripts do: clients mount the address, not a member. nfsrepl runs it as
#   service-address.sh ROLE EPOCH NAME        (ROLE: primary or backup)
# when the node has become primary (after it serves) or has stopped being primary.
#   NFSREPL_SERVICE_ADDRESS  the address and its prefix, e.g. 10.213.7.250/24 (required)
#   NFSREPL_SERVICE_DEVICE   the interface to put it on (default: the one the route to it uses)
# Needs the NET_ADMIN capability (docker run --cap-add NET_ADMIN) and arping (iputils-arping).
set -eu
role=${1:?usage: service-address.sh ROLE EPOCH NAME}
addr=${NFSREPL_SERVICE_ADDRESS:?set NFSREPL_SERVICE_ADDRESS, e.g. 10.213.7.250/24}
ip=${addr%/*}
holder=$(ip -o addr show to "$ip" | awk '{print $2; exit}')
case "$role" in
primary)
    dev=${NFSREPL_SERVICE_DEVICE:-$holder}
    if [ -z "$dev" ]; then
        dev=$(ip -o route get "$ip" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
    fi
    ip addr replace "$addr" dev "$dev"
    # unsolicited ARP: neighbours that knew the address at the old primary now send to this one
    arping -q -U -c 3 -I "$dev" "$ip" || true
    echo "service address $addr on $dev"
    ;;
*)
    if [ -n "$holder" ]; then
        ip addr del "$addr" dev "$holder"
        echo "service address $addr off $holder"
    fi
    ;;
esac
