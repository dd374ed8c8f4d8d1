# Replication scenarios (busybox sh). /mnt/a is the primary's export, mounted hard; a backup
# replicates it. The host acts on "@@HOST request" and answers "ok" or "FAIL why":
#   converged        waits until the backup's tree equals the primary's (read over NFS on each)
#   kill-backup      SIGKILLs the backup
#   spilled          checks that the primary keeps the backup's records in a spill file
#   restart-backup   starts the backup again, waits until converged and the spill file is gone
#   kill-restart-primary  SIGKILLs the primary and starts it again on the same ports
A=/mnt/a
ask_host() { echo "@@HOST $1"; read -r answer; echo "@@ANSWER $1 $answer"; }

# steps of a random-ish workload in $A/$1 (every namespace change and a few data patterns)
workload() {
    tag=$1; n=$2; i=0
    mkdir -p "$A/$tag" || return 1
    while [ $i -lt $n ]; do
        d="$A/$tag/d$((i % 7))"
        mkdir -p "$d"
        case $((i % 12)) in
            0) dd if=/dev/urandom of="$d/f$i" bs=1k count=$((i % 40 + 1)) 2>/dev/null ;;
            1) echo "line $i" >> "$d/log" ;;
            2) ln -s "f$((i - 2))" "$d/s$i" ;;
            3) [ -f "$d/f$((i - 3))" ] && ln "$d/f$((i - 3))" "$d/h$i" ;;
            4) [ -f "$d/f$((i - 4))" ] && mv "$d/f$((i - 4))" "$A/$tag/d$(((i + 1) % 7))/m$i" ;;
            5) chmod 0640 "$d/log" 2>/dev/null; touch -d "2020-01-02 03:04:05" "$d/log" 2>/dev/null ;;
            6) rm -f "$d/h$((i - 3))" ;;
            7) mkdir -p "$d/sub$i/deeper" && echo x > "$d/sub$i/deeper/x" ;;
            8) rm -rf "$d/sub$((i - 1))" ;;
            9) [ -f "$d/f$((i - 9))" ] && dd if=/dev/urandom of="$d/f$((i - 9))" bs=4k count=3 seek=2 conv=notrunc 2>/dev/null ;;
            10) mv "$d/log" "$d/log.old" 2>/dev/null; echo again > "$d/log" ;;
            11) [ $((i % 48)) -eq 11 ] && dd if=/dev/urandom of="$d/big$i" bs=1M count=3 2>/dev/null ;;
        esac
        i=$((i + 1))
    done
    sync
}

# 1. a workload reaches the backup
workload r1 240
ask_host converged

# 2. the backup is away while the workload goes on; it catches up from the spill file
ask_host kill-backup
workload r2 120
ask_host spilled
ask_host restart-backup

# 3. the backup is killed in the middle of a stream
workload r3 360 &
w=$!
usleep 1500000
ask_host kill-backup
wait $w
ask_host restart-backup

# 4. the primary is killed in the middle of a stream and comes back
workload r4 360 &
w=$!
usleep 1500000
ask_host kill-restart-primary
wait $w
ask_host converged
echo "@@DONE"
