# POSIX checks run by the Linux kernel NFS client in the test guest (busybox sh).
# /mnt/a: an export with no_root_squash; /mnt/b: one with root_squash (its root is mode 0777).
# The host made /mnt/a/big with 20,000 entries before the guest booted.
# Each check prints "@@CHECK <name> PASS" or "@@CHECK <name> FAIL <output>".
A=/mnt/a
B=/mnt/b
W=$A/posix
mkdir -p "$W" && cd "$W" || exit 1

check() {
    name=$1
    shift
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "@@CHECK $name PASS"
    else
        echo "@@CHECK $name FAIL rc=$rc $(echo "$out" | tr '\n' '|' | cut -c1-400)"
    fi
}

t_create_read_write_append() {
    echo one > f1 && [ "$(cat f1)" = one ] && echo two >> f1 && [ "$(cat f1)" = "$(printf 'one\ntwo')" ]
}
t_o_excl_create() { nfscheck excl "$W/excl"; }
t_rename_replaces_existing() {
    echo new > r1 && echo old > r2 && mv r1 r2 && [ "$(cat r2)" = new ] && [ ! -e r1 ]
}
t_rename_dir_into_own_subtree_refused() {
    mkdir -p d1/sub && ! mv d1 d1/sub/ && [ -d d1/sub ]
}
t_rmdir_nonempty_refused() { mkdir -p d2 && touch d2/x && ! rmdir d2 && [ -e d2/x ]; }
t_unlink_open_file_silly_rename() { mkdir -p uo && nfscheck unlinkopen "$W/uo"; }
t_truncate_and_extend() {
    printf 0123456789 > t1 && truncate -s 4 t1 && [ "$(cat t1)" = 0123 ] && truncate -s 8 t1 \
        && [ "$(stat -c %s t1)" = 8 ] && [ "$(od -An -c t1 | tr -d ' \n')" = '0123\0\0\0\0' ]
}
t_sparse_file_beyond_4g() { nfscheck sparse "$W/sparse"; }
t_mmap_write() { nfscheck mmapwrite "$W/mm"; }
t_name_of_255_bytes() {
    n=$(printf 'n%.0s' $(seq 255))
    touch "$n" && [ -e "$n" ] && ls | grep -qx "$n" && ! touch "${n}x"
}
t_directory_of_20000_listed() { [ "$(ls "$A/big" | wc -l)" -eq 20000 ]; }
t_rm_rf_of_20000() { rm -rf "$A/big" && [ ! -e "$A/big" ]; }
t_cp_a_keeps_links_modes_times() {
    mkdir -p src/sub && echo data > src/f && chmod 0640 src/f && ln src/f src/hard && ln -s f src/link \
        && touch -d '2001-02-03 04:05:06' src/f src/sub && gnucp -a src dst \
        && [ "$(readlink dst/link)" = f ] && [ "$(stat -c %h dst/f)" = 2 ] \
        && [ "$(stat -c %i dst/f)" = "$(stat -c %i dst/hard)" ] && [ "$(stat -c %a dst/f)" = 640 ] \
        && [ "$(stat -c %Y dst/f)" = "$(stat -c %Y src/f)" ] && [ "$(stat -c %Y dst/sub)" = "$(stat -c %Y src/sub)" ] \
        && [ "$(cat dst/hard)" = data ]
}
t_touch_d() {
    touch -d '2010-06-07 08:09:10' td && [ "$(stat -c %Y td)" = 1275898150 ]
}
t_chmod() {
    touch cm && chmod 0754 cm && [ "$(stat -c %a cm)" = 754 ] && chmod 4754 cm && [ "$(stat -c %a cm)" = 4754 ]
}
t_chown_as_root_no_root_squash() { touch co && chown 1234:5678 co && [ "$(stat -c %u:%g co)" = 1234:5678 ]; }
t_chown_refused_under_root_squash() {
    touch "$B/sq" && [ "$(stat -c %u "$B/sq")" = 65534 ] && ! chown 1234 "$B/sq" && [ "$(stat -c %u "$B/sq")" = 65534 ]
}
t_o_append_from_two_processes() { nfscheck append "$W/ap" 2000; }

for t in create_read_write_append o_excl_create rename_replaces_existing rename_dir_into_own_subtree_refused \
         rmdir_nonempty_refused unlink_open_file_silly_rename truncate_and_extend sparse_file_beyond_4g \
         mmap_write name_of_255_bytes directory_of_20000_listed rm_rf_of_20000 cp_a_keeps_links_modes_times \
         touch_d chmod chown_as_root_no_root_squash chown_refused_under_root_squash o_append_from_two_processes; do
    check "$t" "t_$t"
done
