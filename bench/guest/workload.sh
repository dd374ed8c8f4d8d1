# bench/guest/workload.sh: the benchmark's workloads, run in the bench guest as /test.sh (busybox sh)
# by the test guest's /init after it mounted the one export at /mnt/x. bench/guest-bench.sh writes
# /run.env: the mount (NFS_PORT, MOUNT_PORT, EXPORTS) and
#   B_DIR       a fresh directory name in the export for this run
#   B_DD_MIB    dd write/read size, MiB (0: skip)
#   B_FIO_MIB   fio file size, MiB, and B_FIO_S fio run time per job, s (B_FIO_S 0: skip)
#   B_FILES     small files to create, stat and remove (0: skip)
#   B_UNTAR     1: untar /dev/vda (the tar image on the second disk)
# Every result is one console line "@@RESULT <workload> <seconds> [<detail>]"; a failure is
# "@@FAIL <workload> <what>" and makes the exit status 1. Times come from /proc/uptime (10 ms).
. /run.env
M=/mnt/x
W=$M/$B_DIR
status=0

now() { read -r up _ < /proc/uptime; echo "$up"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { echo "@@FAIL $1 $2"; status=1; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

grep " $M " /proc/mounts | sed 's/^/@@MOUNT /'
mkdir "$W" || { echo "@@FAIL setup mkdir $W"; exit 1; }
cd "$W" || exit 1

# 1. sequential write (from /dev/zero, dd bs=1M, fsync before dd ends) and read after dropping
#    the guest's caches
if [ "$B_DD_MIB" -gt 0 ]; then
    drop_caches
    t=$(now)
    if dd if=/dev/zero of="$W/seq.bin" bs=1M count="$B_DD_MIB" conv=fsync 2>/tmp/dd.err; then
        echo "@@RESULT dd-write $(since "$t")"
    else
        fail dd-write "$(tr '\n' ' ' < /tmp/dd.err)"
    fi
    size=$(stat -c %s "$W/seq.bin" 2>/dev/null)
    [ "$size" = $((B_DD_MIB * 1048576)) ] || fail dd-write "file has $size bytes"
    drop_caches
    t=$(now)
    if dd if="$W/seq.bin" of=/dev/null bs=1M 2>/tmp/dd.err; then
        echo "@@RESULT dd-read $(since "$t")"
        grep -q "^$B_DD_MIB+0 records in" /tmp/dd.err || fail dd-read "$(tr '\n' ' ' < /tmp/dd.err)"
    else
        fail dd-read "$(tr '\n' ' ' < /tmp/dd.err)"
    fi
fi

# 2. fio 4k random read, then random write, O_DIRECT, one job, psync; the file is laid out
#    (untimed) by a first fio call. Terse v3 fields: 6 read KiB, 8 read IOPS, 9 read ms,
#    47 write KiB, 49 write IOPS, 50 write ms. The result is ms per I/O (runtime / I/Os).
if [ "$B_FIO_S" -gt 0 ]; then
    common="--filename=$W/fio.bin --size=${B_FIO_MIB}m --bs=4k --direct=1 --ioengine=psync --thread"
    t=$(now)
    # shellcheck disable=SC2086
    if fio --name=layout $common --rw=read --io_size=4k --output=/tmp/fio.out >/dev/null 2>/tmp/fio.err; then
        echo "@@INFO fio layout of ${B_FIO_MIB} MiB: $(since "$t") s"
    else
        fail fio-layout "$(tr '\n' ' ' < /tmp/fio.err) $(tr '\n' ' ' < /tmp/fio.out)"
    fi
    for rw in randread randwrite; do
        drop_caches
        # shellcheck disable=SC2086
        if fio --name="$rw" $common --rw="$rw" --runtime="$B_FIO_S" --time_based \
                --output-format=terse --terse-version=3 --output=/tmp/fio.out >/dev/null 2>/tmp/fio.err; then
            line=$(grep '^3;' /tmp/fio.out)
            if [ "$rw" = randread ]; then f=6; else f=47; fi
            # KiB, IOPS, runtime ms of the direction measured
            set -- $(echo "$line" | awk -F';' -v f=$f '{ print $f, $(f + 2), $(f + 3), $5 }')
            if [ -n "$4" ] && [ "$4" != 0 ]; then
                fail "fio-$rw" "fio error $4"
            elif [ -z "$1" ] || [ "$1" -le 0 ]; then
                fail "fio-$rw" "no I/O: $line"
            else
                # ms per I/O = runtime / number of 4 KiB I/Os
                echo "@@RESULT fio-$rw $(awk -v kb="$1" -v ms="$3" 'BEGIN { printf "%.4f", ms / (kb / 4) }') iops=$2 ios=$(($1 / 4)) ms=$3"
            fi
        else
            fail "fio-$rw" "$(tr '\n' ' ' < /tmp/fio.err) $(tr '\n' ' ' < /tmp/fio.out)"
        fi
    done
fi

# 3. small files: create (echo > f$i: CREATE, WRITE, COMMIT at close), stat after dropping the
#    caches ([ -f ] is a shell builtin: one stat(), no process per file), remove (xargs rm)
if [ "$B_FILES" -gt 0 ]; then
    mkdir "$W/files" && cd "$W/files" || exit 1
    drop_caches
    t=$(now)
    i=0
    while [ $i -lt "$B_FILES" ]; do
        echo "small file $i" > "f$i" || { fail files-create "f$i"; break; }
        i=$((i + 1))
    done
    echo "@@RESULT files-create $(since "$t")"
    drop_caches
    t=$(now)
    i=0
    missing=0
    while [ $i -lt "$B_FILES" ]; do
        [ -f "f$i" ] || missing=$((missing + 1))
        i=$((i + 1))
    done
    echo "@@RESULT files-stat $(since "$t")"
    [ $missing = 0 ] || fail files-stat "$missing files missing"
    t=$(now)
    i=0
    while [ $i -lt "$B_FILES" ]; do echo "f$i"; i=$((i + 1)); done | xargs rm -f
    cd "$W" && rmdir "$W/files"
    rc=$?
    echo "@@RESULT files-remove $(since "$t")"
    [ $rc = 0 ] || fail files-remove "files left: $(ls "$W/files" | wc -l)"
fi

# 4. untar of the tar image on /dev/vda, then sync (the host checks what arrived)
if [ "$B_UNTAR" = 1 ]; then
    if [ -b /dev/vda ]; then
        mkdir "$W/untar"
        drop_caches
        t=$(now)
        if tar -xf /dev/vda -C "$W/untar" 2>/tmp/tar.err && sync; then
            echo "@@RESULT untar $(since "$t")"
        else
            fail untar "$(head -c 400 /tmp/tar.err | tr '\n' ' ')"
        fi
    else
        fail untar "no /dev/vda in the guest"
    fi
fi

# RPCs of the whole run, from the client's mount statistics: calls sent on the transport (all
# programs: NFS and, when the server offers it, the NFSACL side protocol) and NFS calls by procedure
cd /
awk -v m="$M" '$1 == "device" { on = ($5 == m) } on && $1 == "xprt:" { sends = $8 }
    on && /per-op statistics/ { ops = 1; next } on && ops && $1 ~ /:$/ && $2 > 0 { n += $2; sub(/:$/, "", $1); l = l " " $1 "=" $2 }
    END { printf "@@INFO rpc: %d calls sent, %d of them NFS:%s\n", sends, n, l }' /proc/self/mountstats
exit $status
