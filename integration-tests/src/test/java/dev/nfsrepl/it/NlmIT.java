package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nlm4_cancargs;
import dev.nfsrepl.nfs.xdr.nlm4_lock;
import dev.nfsrepl.nfs.xdr.nlm4_lockargs;
import dev.nfsrepl.nfs.xdr.nlm4_notify;
import dev.nfsrepl.nfs.xdr.nlm4_prot;
import dev.nfsrepl.nfs.xdr.nlm4_res;
import dev.nfsrepl.nfs.xdr.nlm4_shareargs;
import dev.nfsrepl.nfs.xdr.nlm4_shareres;
import dev.nfsrepl.nfs.xdr.nlm4_testargs;
import dev.nfsrepl.nfs.xdr.nlm4_testres;
import dev.nfsrepl.nfs.xdr.nlm4_unlockargs;
import dev.nfsrepl.nfs.xdr.sm_name;
import dev.nfsrepl.nfs.xdr.sm_stat_res;
import dev.nfsrepl.node.LockConfig;
import java.time.Duration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NLM v4 over TCP from a Java client (two client hosts by their caller names): locks exclude each
 * other, a blocked request is granted once the holder unlocks, FREE_ALL frees a vanished client's
 * locks, share reservations, and bad input (unknown handles, ranges past 2^64, unlocking what is
 * not held, a flood of blocked requests) gets the right answers while other clients are served.
 */
class NlmIT {

    @TempDir
    Path tmp;
    TestServer server;
    byte[] file;
    byte[] other;

    @BeforeEach
    void start() throws IOException {
        Path export = Files.createDirectories(tmp.resolve("export"));
        // a short grace period, for the restart test; the others start with nobody to wait for
        server = TestServer.withLocks(export, tmp.resolve("state"), new LockConfig(0, GRACE, null));
        try (ItRpcClient m = ItRpcClient.mount(server.mountPort()); ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
            byte[] root = m.mntOk(export.toAbsolutePath().normalize().toString());
            file = c.createOk(root, "locked", 0644);
            other = c.createOk(root, "other", 0644);
            c.writeOk(file, 0, "some data".getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    static final Duration GRACE = Duration.ofSeconds(3);

    static nlm4_lock lock(String host, int svid, byte[] fh, long offset, long len) {
        nlm4_lock l = new nlm4_lock();
        l.caller_name = host;
        l.svid = svid;
        l.oh = (host + "-" + svid).getBytes(StandardCharsets.US_ASCII);
        l.fh = fh;
        l.l_offset = offset;
        l.l_len = len;
        return l;
    }

    static int lock(ItRpcClient c, nlm4_lock l, boolean exclusive, boolean block) throws IOException {
        return lock(c, l, exclusive, block, false);
    }

    static int reclaim(ItRpcClient c, nlm4_lock l) throws IOException {
        return lock(c, l, true, false, true);
    }

    static int lock(ItRpcClient c, nlm4_lock l, boolean exclusive, boolean block, boolean reclaim) throws IOException {
        nlm4_lockargs a = new nlm4_lockargs();
        a.reclaim = reclaim;
        a.cookie = new byte[] {1, 2, 3};
        a.block = block;
        a.exclusive = exclusive;
        a.alock = l;
        nlm4_res r = c.call(nlm4_prot.NLMPROC4_LOCK, a, new nlm4_res());
        assertArrayEquals(a.cookie, r.cookie, "the cookie comes back");
        return r.stat;
    }

    static int unlock(ItRpcClient c, nlm4_lock l) throws IOException {
        nlm4_unlockargs a = new nlm4_unlockargs();
        a.alock = l;
        return c.call(nlm4_prot.NLMPROC4_UNLOCK, a, new nlm4_res()).stat;
    }

    static nlm4_testres test(ItRpcClient c, nlm4_lock l, boolean exclusive) throws IOException {
        nlm4_testargs a = new nlm4_testargs();
        a.exclusive = exclusive;
        a.alock = l;
        return c.call(nlm4_prot.NLMPROC4_TEST, a, new nlm4_testres());
    }

    @Test
    void locksOfTwoClientsExcludeEachOtherAndAWaiterGetsTheLockOnceFree() throws Exception {
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort()); ItRpcClient b = ItRpcClient.nlm(server.mountPort())) {
            a.call(nlm4_prot.NLMPROC4_NULL, XdrVoid.XDR_VOID, XdrVoid.XDR_VOID);
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 10, file, 0, 100), true, false));
            nlm4_testres t = test(b, lock("client-b", 20, file, 50, 10), false);
            assertEquals(nlm4_prot.NLM4_DENIED, t.stat);
            assertEquals(10, t.svid, "the holder is named");
            assertEquals(0, t.l_offset);
            assertEquals(100, t.l_len);
            assertTrue(t.exclusive);
            assertEquals(nlm4_prot.NLM4_GRANTED, test(b, lock("client-b", 20, file, 100, 0), true).stat,
                    "past the lock: free");
            assertEquals(nlm4_prot.NLM4_GRANTED, test(b, lock("client-b", 20, other, 0, 0), true).stat,
                    "another file: free");
            assertEquals(nlm4_prot.NLM4_DENIED, lock(b, lock("client-b", 20, file, 0, 0), false, false));
            assertEquals(nlm4_prot.NLM4_BLOCKED, lock(b, lock("client-b", 20, file, 0, 0), false, true));
            assertEquals(nlm4_prot.NLM4_GRANTED, unlock(a, lock("client-a", 10, file, 0, 100)));
            // the client asks again (Linux does every 30 s, or on the GRANTED callback): it holds it now
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(b, lock("client-b", 20, file, 0, 0), false, true));
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 11, file, 0, 10), false, false),
                    "shared locks coexist");
            assertEquals(nlm4_prot.NLM4_DENIED, lock(a, lock("client-a", 11, file, 0, 10), true, false),
                    "no upgrade while client-b shares the range");

            nlm4_notify gone = new nlm4_notify();
            gone.name = "client-b";
            a.call(nlm4_prot.NLMPROC4_FREE_ALL, gone, XdrVoid.XDR_VOID);
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 11, file, 0, 10), true, false),
                    "client-b's locks went with it");
        }
    }

    @Test
    void aCancelledWaiterNeverHoldsTheLock() throws Exception {
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort())) {
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 1, file, 0, 0), true, false));
            assertEquals(nlm4_prot.NLM4_BLOCKED, lock(a, lock("client-b", 2, file, 0, 0), true, true));
            nlm4_cancargs cancel = new nlm4_cancargs();
            cancel.block = true;
            cancel.exclusive = true;
            cancel.alock = lock("client-b", 2, file, 0, 0);
            assertEquals(nlm4_prot.NLM4_GRANTED, a.call(nlm4_prot.NLMPROC4_CANCEL, cancel, new nlm4_res()).stat);
            assertEquals(nlm4_prot.NLM4_GRANTED, unlock(a, lock("client-a", 1, file, 0, 0)));
            assertEquals(nlm4_prot.NLM4_GRANTED, test(a, lock("client-c", 3, file, 0, 0), true).stat,
                    "nobody holds it: the cancelled request was not granted");
        }
    }

    @Test
    void badInputGetsTheRightAnswersAndOthersAreStillServed() throws Exception {
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort())) {
            assertEquals(nlm4_prot.NLM4_GRANTED, unlock(a, lock("client-a", 1, file, 0, 10)), "never held: fine");
            assertEquals(nlm4_prot.NLM4_FBIG, lock(a, lock("client-a", 1, file, -10L, 20), true, false),
                    "offset + length past 2^64");
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 1, file, -10L, 10), true, false),
                    "up to 2^64 - 1 exactly");
            byte[] forged = file.clone();
            forged[19] ^= 0x55; // a FileId that is not there
            assertEquals(nlm4_prot.NLM4_STALE_FH, lock(a, lock("client-a", 1, forged, 0, 0), true, false));
            assertEquals(nlm4_prot.NLM4_STALE_FH, lock(a, lock("client-a", 1, new byte[] {1, 2, 3}, 0, 0), true, false));
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("flooder", 0, other, 0, 0), true, false));
            int blocked = 0;
            int refused = 0;
            for (int i = 1; i <= 1100; i++) { // one client floods with blocked requests
                int s = lock(a, lock("flooder-waits", i, other, i, 1), true, true);
                blocked += s == nlm4_prot.NLM4_BLOCKED ? 1 : 0;
                refused += s == nlm4_prot.NLM4_DENIED_NOLOCKS ? 1 : 0;
            }
            assertEquals(1024, blocked, "a client's waiting requests are bounded");
            assertEquals(1100 - 1024, refused);
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-c", 1, file, 100, 1), true, false),
                    "another client is still served");
        }
    }

    @Test
    void shareReservationsDenyWhatOthersAskToDo() throws Exception {
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort())) {
            nlm4_shareargs s = new nlm4_shareargs();
            s.caller_name = "client-a";
            s.fh = file;
            s.oh = new byte[] {1};
            s.access = 3; // read and write
            s.mode = 2; // deny others writing
            assertEquals(nlm4_prot.NLM4_GRANTED, a.call(nlm4_prot.NLMPROC4_SHARE, s, new nlm4_shareres()).stat);
            s.caller_name = "client-b";
            s.access = 2;
            s.mode = 0;
            assertEquals(nlm4_prot.NLM4_DENIED, a.call(nlm4_prot.NLMPROC4_SHARE, s, new nlm4_shareres()).stat);
            s.caller_name = "client-a";
            assertEquals(nlm4_prot.NLM4_GRANTED, a.call(nlm4_prot.NLMPROC4_UNSHARE, s, new nlm4_shareres()).stat);
            s.caller_name = "client-b";
            assertEquals(nlm4_prot.NLM4_GRANTED, a.call(nlm4_prot.NLMPROC4_SHARE, s, new nlm4_shareres()).stat);
        }
    }

    /**
     * The server restarts while client-a holds a lock: it remembered client-a, so for the grace
     * period it accepts only reclaims (a new lock, even of a free file, and a TEST answer
     * DENIED_GRACE_PERIOD); client-a's reclaim is granted and after the grace period client-b
     * is refused the reclaimed lock, and a late reclaim is refused.
     */
    @Test
    void afterARestartOnlyReclaimsAreAcceptedUntilTheGracePeriodEnds() throws Exception {
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort())) {
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 1, file, 0, 0), true, false));
        }
        server.restart();
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort()); ItRpcClient b = ItRpcClient.nlm(server.mountPort())) {
            assertEquals(nlm4_prot.NLM4_DENIED_GRACE_PERIOD, lock(b, lock("client-b", 1, other, 0, 0), true, false));
            assertEquals(nlm4_prot.NLM4_DENIED_GRACE_PERIOD, test(b, lock("client-b", 1, file, 0, 0), true).stat);
            assertEquals(nlm4_prot.NLM4_GRANTED, reclaim(a, lock("client-a", 1, file, 0, 0)));
            assertTrue(Await.within(GRACE.multipliedBy(4),
                    () -> lock(b, lock("client-b", 1, other, 0, 0), true, false) == nlm4_prot.NLM4_GRANTED),
                    "new locks are granted once the grace period is over");
            assertEquals(nlm4_prot.NLM4_DENIED, lock(b, lock("client-b", 1, file, 0, 1), true, false),
                    "client-a reclaimed its lock");
            assertEquals(nlm4_prot.NLM4_DENIED_GRACE_PERIOD, reclaim(a, lock("client-a", 2, file, 10, 1)),
                    "a reclaim after the grace period");
        }
    }

    /**
     * A client host that says it restarted (SM_NOTIFY to the status monitor, as Linux's sm-notify
     * does) loses its locks; the same message from another address is not believed.
     */
    @Test
    void aClientThatSaysItRestartedLosesItsLocks() throws Exception {
        try (ItRpcClient a = ItRpcClient.nlm(server.mountPort()); ItRpcClient b = ItRpcClient.nlm(server.mountPort())) {
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 1, file, 0, 0), true, false));
            nlm4_notify n = new nlm4_notify();
            n.name = "client-a";
            n.state = 7;
            try (ItRpcClient forged = nsm(java.net.InetAddress.getByName("127.0.0.2"))) {
                forged.call(nlm4_prot.SM_NOTIFY, n, XdrVoid.XDR_VOID);
            }
            assertEquals(nlm4_prot.NLM4_DENIED, lock(b, lock("client-b", 1, file, 0, 0), true, false),
                    "a notice from another address changes nothing");
            try (ItRpcClient nsm = nsm(java.net.InetAddress.getLoopbackAddress())) {
                sm_stat_res st = nsm.call(nlm4_prot.SM_STAT, new sm_name(), new sm_stat_res());
                assertEquals(1, st.state % 2, "the server's state number is odd while it runs: " + st.state);
                nsm.call(nlm4_prot.SM_NOTIFY, n, XdrVoid.XDR_VOID);
            }
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(b, lock("client-b", 1, file, 0, 0), true, false));
            // client-a locks again; the same notice again (a retransmission) must not free that
            assertEquals(nlm4_prot.NLM4_GRANTED, lock(a, lock("client-a", 1, other, 0, 0), true, false));
            try (ItRpcClient nsm = nsm(java.net.InetAddress.getLoopbackAddress())) {
                nsm.call(nlm4_prot.SM_NOTIFY, n, XdrVoid.XDR_VOID);
                assertEquals(nlm4_prot.NLM4_DENIED, lock(b, lock("client-b", 1, other, 0, 0), true, false),
                        "a repeated notice (same state) changes nothing");
                n.state = 9;
                nsm.call(nlm4_prot.SM_NOTIFY, n, XdrVoid.XDR_VOID);
                assertEquals(nlm4_prot.NLM4_GRANTED, lock(b, lock("client-b", 1, other, 0, 0), true, false),
                        "a new restart frees it");
            }
        }
    }

    private ItRpcClient nsm(java.net.InetAddress from) throws IOException {
        return ItRpcClient.nsm(server.node().nsmPort(), from);
    }
}
