package dev.nfsrepl.it;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client writing files f0, f1, ... (CREATE, then a FILE_SYNC WRITE of "content of fN") to whichever
 * member of a cluster is primary, finding it again after each failure; remembers what was
 * acknowledged and how long each outage lasted (first failure to the next acknowledged change).
 */
final class ClusterWriter extends Thread {

    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final List<Long> outagesMs = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong failedSince = new AtomicLong();
    private final Function<String, int[]> ports; // member -> {nfs, mount}
    private final Supplier<String> primary; // the member that takes changes now, or null
    private volatile String target;
    private int next;
    private java.net.InetAddress host; // null: the members' ports on loopback

    ClusterWriter(String first, Function<String, int[]> ports, Supplier<String> primary) {
        super("cluster-writer");
        this.target = first;
        this.ports = ports;
        this.primary = primary;
        setDaemon(true);
    }

    /**
     * A client of one address that moves to whichever member is primary (a service address): it
     * reconnects to the same place after each failure.
     */
    static ClusterWriter at(java.net.InetAddress host, int nfsPort, int mountPort) {
        ClusterWriter w = new ClusterWriter("service address", n -> new int[] {nfsPort, mountPort},
                () -> "service address");
        w.host = host;
        return w;
    }

    private ItRpcClient connect(int program, int port) throws IOException {
        return host == null ? ItRpcClient.connect(program, java.net.InetAddress.getLoopbackAddress(), 0, port)
                : ItRpcClient.at(program, new java.net.InetSocketAddress(host, port))
                        .withTimeout(java.time.Duration.ofSeconds(5)); // (a reply lost with its member: try again)
    }

    static String content(String name) {
        return "content of " + name;
    }

    @Override
    public void run() {
        while (!stop.get()) {
            String at = target;
            try {
                int[] p = ports.apply(at);
                try (ItRpcClient m = connect(nfs3_prot.MOUNT_PROGRAM, p[1]);
                     ItRpcClient c = connect(nfs3_prot.NFS_PROGRAM, p[0])) {
                    byte[] root = m.mntOk(TestCluster.EXPORT_AS);
                    while (!stop.get() && at.equals(target)) {
                        String name = "f" + next;
                        var r = c.create(root, name, 0644);
                        if (r.status == nfs3_prot.NFS3_OK
                                || (r.status == nfs3_prot.NFS3ERR_EXIST && failedSince.get() != 0)) {
                            // (EXIST after an outage: the create before it was made, its answer lost)
                            c.writeOk(c.lookupOk(root, name), 0, content(name).getBytes(StandardCharsets.UTF_8));
                            acked.add(name);
                            next++;
                            long since = failedSince.getAndSet(0);
                            if (since != 0) {
                                synchronized (outagesMs) {
                                    outagesMs.add((System.nanoTime() - since) / 1_000_000);
                                }
                            }
                        } else {
                            failed();
                            break;
                        }
                    }
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                failed(); // the member went away or stopped taking changes: find the primary again
            }
            if (!stop.get() && failedSince.get() != 0) {
                String p = primary.get();
                if (p != null) {
                    target = p;
                }
            }
        }
    }

    private void failed() {
        failedSince.compareAndSet(0, System.nanoTime());
    }

    /** The longest outage the client saw, ms (-1: none). */
    long longestOutageMs() {
        synchronized (outagesMs) {
            return outagesMs.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    void finish() throws InterruptedException {
        stop.set(true);
        join(60_000);
    }

    /** Fails unless every acknowledged file is at the member serving on these ports, with its content. */
    static void assertAllPresent(int[] p, Set<String> acked) throws IOException {
        try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
            byte[] root = m.mntOk(TestCluster.EXPORT_AS);
            List<String> names = c.listNames(root);
            List<String> missing = acked.stream().filter(n -> !names.contains(n)).sorted().toList();
            if (!missing.isEmpty()) {
                throw new AssertionError("acknowledged and lost: " + missing);
            }
            for (String n : acked) {
                String got = new String(c.readAll(c.lookupOk(root, n)), StandardCharsets.UTF_8);
                if (!got.equals(content(n))) {
                    throw new AssertionError(n + " holds '" + got + "'");
                }
            }
        }
    }
}
