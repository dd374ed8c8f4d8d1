#!/usr/bin/env bash
# Makes the certificates for replication over TLS (--replication-tls-*), with openssl.
#
#   scripts/replication-certs.sh DIR NODE[=NAME,NAME...] ...
#
# DIR/ca.pem + DIR/ca.key: the cluster's certificate authority (EC P-256, 10 years), made on the
# first run and reused after, so that nodes added later are trusted by the others.
# DIR/NODE.pem + DIR/NODE.key: NODE's certificate signed by it, valid for the host names and
# addresses after '=' (default: NODE itself) as a TLS server (a backup) and client (a primary).
# Keys are PKCS#8, mode 0600. Give every node its .pem, .key and ca.pem; keep ca.key offline.
#
#   scripts/replication-certs.sh /etc/nfsrepl/tls nfs1=nfs1.example.net,10.0.0.1 nfs2=nfs2.example.net,10.0.0.2
set -euo pipefail
if (($# < 2)); then
    echo "usage: $0 DIR NODE[=NAME,NAME...] ..." >&2
    exit 2
fi
command -v openssl >/dev/null || { echo "$0: needs openssl (apt-get install openssl)" >&2; exit 1; }
dir=$1
shift
mkdir -p "$dir"
umask 077

if [[ ! -f $dir/ca.pem ]]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=nfsrepl replication CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$dir/ca.pem" 2>/dev/null
    chmod 644 "$dir/ca.pem"
fi

for spec in "$@"; do
    node=${spec%%=*}
    names=${spec#*=}
    [[ $spec == *=* ]] || names=$node
    if [[ -z $node || $node == */* ]]; then
        echo "$0: '$spec': want NODE[=NAME,NAME...]" >&2
        exit 2
    fi
    san=
    IFS=, read -ra list <<<"$names"
    for n in "${list[@]}"; do
        if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san+=",IP:$n"; else san+=",DNS:$n"; fi
    done
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$node.key"
    openssl req -new -key "$dir/$node.key" -subj "/CN=$node" -out "$dir/$node.csr"
    openssl x509 -req -in "$dir/$node.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 825 -sha256 -out "$dir/$node.pem" \
        -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n' \
            "${san#,}") 2>/dev/null
    rm -f "$dir/$node.csr"
    chmod 644 "$dir/$node.pem"
    echo "$dir/$node.pem ($names), $dir/$node.key"
done
