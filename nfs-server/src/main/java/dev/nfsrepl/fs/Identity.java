package dev.nfsrepl.fs;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * The identity a file-system operation runs as: the caller's uid, primary gid and
 * supplementary groups (after any squashing by the export rules), and where the request came
 * from (the client's address and the RPC's xid; null and 0 for the server's own work), which the
 * journal records. Immutable.
 */
public record Identity(int uid, int gid, int[] groups, InetAddress client, int xid) {

    public static final Identity ROOT = new Identity(0, 0, new int[0]);

    public Identity {
        groups = groups.clone();
    }

    public Identity(int uid, int gid, int[] groups) {
        this(uid, gid, groups, null, 0);
    }

    /** This identity, for a request from {@code client} with transaction id {@code xid}. */
    public Identity from(InetAddress client, int xid) {
        return new Identity(uid, gid, groups, client, xid);
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
        return o instanceof Identity i && i.uid == uid && i.gid == gid && Arrays.equals(i.groups, groups)
                && Objects.equals(i.client, client) && i.xid == xid;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * uid + gid) + Arrays.hashCode(groups)) + xid;
    }

    @Override
    public String toString() {
        return "uid=" + uid + ",gid=" + gid + (groups.length == 0 ? "" : ",groups=" + Arrays.toString(groups))
                + (client == null ? "" : " from " + client.getHostAddress() + " xid " + Integer.toUnsignedString(xid, 16));
    }
}
