package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strangers at a backup's replication port (garbage, a frame claiming 2 GiB) are disconnected,
 * while the primary keeps serving its clients and the backup keeps replicating.
 */
class BadPeerIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private TestCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Whether the peer closed the connection (read returns -1) within 30 s. */
    private static boolean closedByPeer(Socket s) throws Exception {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                return true;
            }
        }
    }

    @Test
    void strangersAreDisconnectedAndReplicationGoesOn() throws Exception {
        cluster = new TestCluster(tmp, List.of(), List.of());
        cluster.start();
        ServerProcess primary = cluster.primary();
        int repl = cluster.replicationPort();
        try (ItRpcClient m = ItRpcClient.mount(primary.mountPort()); ItRpcClient c = ItRpcClient.nfs(primary.nfsPort());
             Socket garbage = new Socket("127.0.0.1", repl); Socket huge = new Socket("127.0.0.1", repl)) {
            byte[] root = m.mntOk("/export");
            byte[] noise = new byte[64 * 1024];
            new Random(1).nextBytes(noise);
            OutputStream g = garbage.getOutputStream();
            g.write(noise);
            g.flush();
            OutputStream h = huge.getOutputStream();
            h.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 10});
            h.flush();
            for (int i = 0; i < 50; i++) {
                c.writeOk(c.createOk(root, "f" + i, 0644), 0, ("file " + i).getBytes());
            }
            assertTrue(closedByPeer(garbage), "the backup drops a peer sending garbage");
            assertTrue(closedByPeer(huge), "the backup drops a peer announcing a 2 GiB frame");
            assertEquals(0, c.getattr(root).status, "the primary still serves");
        }
        assertNull(NfsTreeDigest.awaitEqual(primary.nfsPort(), primary.mountPort(), cluster.backupNfsPort(),
                cluster.backupMountPort(), TestCluster.EXPORT_AS,
                Duration.ofSeconds(60)), "replication went on");
    }
}
