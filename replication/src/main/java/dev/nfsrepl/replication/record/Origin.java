package dev.nfsrepl.replication.record;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Who asked for a change: the caller's uid and gid (after squashing), the client's address and
 * the RPC transaction id. The xid lets a restarted or promoted node rebuild its duplicate request
 * cache from the journal; the address and uid let an administrator filter by client or user.
 *
 * @param address 4 bytes (IPv4), 16 bytes (IPv6) or none (a change made by the server itself:
 *                adoption, recovery, replay)
 */
public record Origin(int uid, int gid, byte[] address, int xid) {

    /** The server itself (no client): adoption of objects made outside NFS, recovery. */
    public static final Origin SERVER = new Origin(0, 0, new byte[0], 0);

    public Origin {
        if (address.length != 0 && address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must have 0, 4 or 16 bytes, not " + address.length);
        }
        address = address.clone();
    }

    public static Origin of(int uid, int gid, InetAddress client, int xid) {
        return new Origin(uid, gid, client == null ? new byte[0] : client.getAddress(), xid);
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    /** The client's address, or null for the server itself. */
    public InetAddress client() {
        if (address.length == 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // length checked in the constructor
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Origin other && other.uid == uid && other.gid == gid && other.xid == xid
                && Arrays.equals(other.address, address);
    }

    @Override
    public int hashCode() {
        return ((uid * 31 + gid) * 31 + xid) * 31 + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        InetAddress c = client();
        return "uid=" + uid + " gid=" + gid + " client=" + (c == null ? "server" : c.getHostAddress())
                + " xid=" + Integer.toUnsignedString(xid, 16);
    }
}
