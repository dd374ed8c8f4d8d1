# Restart scenarios for the Linux kernel NFS client (busybox sh), /mnt/a mounted hard.
# The host restarts the server when asked: "@@HOST restart" (SIGTERM, start again) or
# "@@HOST kill-restart" (SIGKILL, start again), and answers "ok" when it serves again.
A=/mnt/a
pass() { echo "@@CHECK $1 PASS"; }
fail() { echo "@@CHECK $1 FAIL $2"; }
ask_host() { echo "@@HOST $1"; read -r answer; [ "$answer" = ok ] || echo "@@WARN host answered '$answer'"; }

# 1. the server restarts between two steps; the client keeps using the handles it has
mkdir -p "$A/keep" && cd "$A/keep" || exit 1
echo first > f
exec 3< f
exec 4>> g
ask_host restart
read -r line <&3
if echo second >&4 && [ "$line" = first ] && [ "$(cat g)" = second ] && ls . > /dev/null && stat f > /dev/null \
        && [ "$(cat "$A/keep/f")" = first ]; then
    pass handles_survive_restart
else
    fail handles_survive_restart "line='$line' g='$(cat g 2>&1)' ls='$(ls . 2>&1 | tr '\n' ' ')'"
fi
exec 3<&- 4>&-
cd "$A" || exit 1

# 2. a large dd is running when the server is killed and started again
dd if=/dev/urandom of=/tmp/src bs=1M count=96 2>/dev/null
want=$(md5sum < /tmp/src)
dd if=/tmp/src of="$A/dd.out" bs=1M conv=fsync 2>/tmp/dd.err &
dd_pid=$!
n=0
while [ "$(stat -c %s "$A/dd.out" 2>/dev/null || echo 0)" -lt 16777216 ] && [ $n -lt 1200 ]; do
    usleep 50000
    n=$((n + 1))
done
# the size is what the client has cached; what matters is that dd (still writing or in its
# final fsync) has not finished, so data the server never committed is in flight
echo "@@KILLED_AT $(stat -c %s "$A/dd.out")"
if kill -0 $dd_pid 2>/dev/null; then echo "@@DD_RUNNING_AT_KILL yes"; else echo "@@DD_RUNNING_AT_KILL no"; fi
ask_host kill-restart
wait $dd_pid
dd_rc=$?
echo 3 > /proc/sys/vm/drop_caches
got=$(md5sum < "$A/dd.out")
if [ $dd_rc -eq 0 ] && [ "$got" = "$want" ]; then
    pass dd_survives_sigkill
else
    fail dd_survives_sigkill "dd rc=$dd_rc $(cat /tmp/dd.err | tr '\n' ' ') want=$want got=$got"
fi
echo "@@SUM dd.out $want"

# 3. data written and fsync'd before a SIGKILL is there after the restart
dd if=/dev/urandom of="$A/durable" bs=64k count=16 conv=fsync 2>/dev/null
want3=$(md5sum < "$A/durable")
ask_host kill-restart
echo 3 > /proc/sys/vm/drop_caches
got3=$(md5sum < "$A/durable")
if [ "$got3" = "$want3" ]; then pass fsynced_data_survives_sigkill; else fail fsynced_data_survives_sigkill "$want3 / $got3"; fi
echo "@@SUM durable $want3"
