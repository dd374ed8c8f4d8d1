package dev.nfsrepl.it;

import dev.nfsrepl.nfs.xdr.READLINK3res;
import dev.nfsrepl.nfs.xdr.fattr3;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * A tree as an NFS client sees it on one node, read over NFSv3 (MNT, READDIR, LOOKUP, GETATTR,
 * READ, READLINK): one line per path with its type, FileId (fileid3), mode, owner, link count,
 * size (not for directories, whose sizes are the local file system's business), mtime, and the
 * SHA-256 of a file's content or a symlink's target. Two nodes hold the same tree when their
 * lines are equal.
 */
final class NfsTreeDigest {

    private NfsTreeDigest() {
    }

    static List<String> lines(int nfsPort, int mountPort, String export) throws IOException {
        List<String> out = new ArrayList<>();
        try (ItRpcClient mount = ItRpcClient.mount(mountPort); ItRpcClient nfs = ItRpcClient.nfs(nfsPort)) {
            byte[] root = mount.mntOk(export);
            out.add("/ " + describe(nfs, root, nfs.attrs(root)));
            walk(nfs, root, "", out);
        }
        return out;
    }

    private static void walk(ItRpcClient nfs, byte[] dir, String path, List<String> out) throws IOException {
        List<String> names = nfs.listNames(dir);
        Collections.sort(names);
        for (String name : names) {
            byte[] fh = nfs.lookupOk(dir, name);
            fattr3 a = nfs.attrs(fh);
            String p = path + "/" + name;
            out.add(p + " " + describe(nfs, fh, a));
            if (a.type == nfs3_prot.NF3DIR) {
                walk(nfs, fh, p, out);
            }
        }
    }

    private static String describe(ItRpcClient nfs, byte[] fh, fattr3 a) throws IOException {
        StringBuilder sb = new StringBuilder().append("type=").append(a.type).append(" id=")
                .append(Long.toHexString(a.fileid)).append(" mode=").append(Integer.toOctalString(a.mode & 07777))
                .append(" owner=").append(a.uid).append(':').append(a.gid).append(" nlink=").append(a.nlink)
                .append(" mtime=").append(a.mtime.seconds).append('.').append(a.mtime.nseconds);
        if (a.type == nfs3_prot.NF3REG) {
            sb.append(" size=").append(a.size).append(" sha256=").append(sha256(nfs.readAll(fh)));
        } else if (a.type == nfs3_prot.NF3LNK) {
            READLINK3res r = nfs.readlink(fh);
            ItRpcClient.expect(nfs3_prot.NFS3_OK, r.status, "READLINK");
            sb.append(" target=").append(r.resok.data);
        }
        return sb.toString();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until two nodes serve the same tree (reading both over NFS, again and again); returns
     * null once they do, else (after {@code timeout}) the last difference seen.
     */
    static String awaitEqual(int nfsA, int mountA, int nfsB, int mountB, String export, java.time.Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                List<String> a = lines(nfsA, mountA, export);
                List<String> b = lines(nfsB, mountB, export);
                if (a.equals(b)) {
                    return null;
                }
                last = difference(a, b);
            } catch (IOException | AssertionError e) {
                last = e.toString(); // a node not serving yet, or the tree moved under the walk
            }
            Thread.sleep(200);
        }
        return last;
    }

    /** A TCP port free right now on loopback. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The first lines where {@code a} and {@code b} differ, for failure messages. */
    static String difference(List<String> a, List<String> b) {
        List<String> onlyA = new ArrayList<>(a);
        onlyA.removeAll(b);
        List<String> onlyB = new ArrayList<>(b);
        onlyB.removeAll(a);
        return "only on the first (" + onlyA.size() + "): " + onlyA.subList(0, Math.min(5, onlyA.size()))
                + "\nonly on the second (" + onlyB.size() + "): " + onlyB.subList(0, Math.min(5, onlyB.size()));
    }
}
