package dev.nfsrepl.fs;

import java.util.Arrays;

/**
 * The identity a file-system operation runs as: the caller's uid, primary gid and
 * supplementary groups (after any squashing by the export rules). Immutable.
 */
public record Identity(int uid, int gid, int[] groups) {

    public static final Identity ROOT = new Identity(0, 0, new int[0]);

    public Identity {
        groups = groups.clone();
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** True when {@code g} is the primary or one of the supplementary groups. */
    public boolean inGroup(int g) {
        if (g == gid) {
            return true;
        }
        for (int x : groups) {
            if (x == g) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int[] groups() {
        return groups.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity i && i.uid == uid && i.gid == gid && Arrays.equals(i.groups, groups);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * uid + gid) + Arrays.hashCode(groups);
    }

    @Override
    public String toString() {
        return "uid=" + uid + ",gid=" + gid + (groups.length == 0 ? "" : ",groups=" + Arrays.toString(groups));
    }
}
