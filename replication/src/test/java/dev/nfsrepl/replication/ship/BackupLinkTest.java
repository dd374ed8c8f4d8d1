package dev.nfsrepl.replication.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.wire.BatchTest;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary's journal shipped by a BackupLink to a ReplicaServer over loopback, with the backup going away. */
class BackupLinkTest {

    private static final SyncKey KEY = SyncKey.of("the test cluster's sync key".getBytes(StandardCharsets.UTF_8));
    private static final LinkMachine.Config CONFIG = new LinkMachine.Config(256 * 1024, Duration.ofMillis(2), 4, 64,
            Duration.ofSeconds(2), 64L << 20, Duration.ofMillis(100), Duration.ofMillis(400));

    @TempDir
    Path tmp;

    final List<Long> applied = new CopyOnWriteArrayList<>();
    long seq;

    void append(SegmentLog journal, BackupLink link, int n) throws IOException {
        for (OpRecord r : BatchTest.records(seq + 1, n)) {
            journal.appendRecord(r);
            link.appended(r.seq(), 100);
        }
        seq += n;
        journal.sync(seq);
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    static final Hello HELLO = new Hello(0x42, 7);

    static BackupLink link(SegmentLog journal, int port, Path spillDir, long spillLimit, EventLoopGroup group, Clock clock)
            throws IOException {
        CommitPoint all = () -> new CommitPoint.Offer(journal.lastSeq(), journal.lastSeq());
        return new BackupLink(new BackupLink.Target("backup-1", new InetSocketAddress("127.0.0.1", port), KEY, ReplicationTls.OFF, "primary",
                HELLO), journal, spillDir, CONFIG, 1 << 20, spillLimit, all, () -> { }, group, clock, 0).start();
    }

    @Test
    void aSpillFileOverItsLimitIsDroppedAndTheBackupMarkedForAFullResync() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Clock clock = Clock.systemUTC();
        Path spillDir = tmp.resolve("spill-backup-1");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        try (SegmentLog journal = SegmentLog.open(tmp.resolve("journal"), LogKind.JOURNAL, LogConfig.DEFAULTS, clock);
             BackupLink link = link(journal, port, spillDir, 20_000, group, clock)) {
            waitFor(() -> link.state() == LinkMachine.State.UNREACHABLE && link.status().why().contains("cannot connect"),
                    "the link finds the backup unreachable");
            append(journal, link, 50);
            waitFor(link::spilling, "records go to the spill file");
            append(journal, link, 500);
            waitFor(() -> link.status().needsResync(), "the link gives the spill file up");
            assertFalse(link.spilling());
            assertFalse(Files.exists(spillDir), "the spill file is deleted");
            assertTrue(link.status().why().contains("spill file"), link.status().why());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void recordsReachTheBackupAndABackupThatWasAwayCatchesUpFromTheSpillFileWhichIsThenDeleted() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Clock clock = Clock.systemUTC();
        Path spillDir = tmp.resolve("spill-backup-1");
        try (SegmentLog journal = SegmentLog.open(tmp.resolve("journal"), LogKind.JOURNAL, LogConfig.DEFAULTS, clock);
             SegmentLog received = SegmentLog.open(tmp.resolve("received"), LogKind.RECEIVED, LogConfig.DEFAULTS, clock);
             Receiver receiver = new Receiver(received, r -> applied.add(r.seq()), 0)) {
            ReplicaServer server = new ReplicaServer(new InetSocketAddress("127.0.0.1", 0), KEY, ReplicationTls.OFF, h -> receiver, 1 << 20,
                    Duration.ofSeconds(5)).start();
            int port = server.port();
            try (BackupLink link = link(journal, port, spillDir, 1L << 30, group, clock)) {
                append(journal, link, 500);
                waitFor(() -> receiver.applied() == 500 && link.acked() == 500, "the backup applied #500");
                assertEquals(LinkMachine.State.STREAMING, link.state());

                server.close(); // the backup goes away
                waitFor(() -> link.state() != LinkMachine.State.STREAMING, "the link notices");
                append(journal, link, 200);
                waitFor(() -> link.spilling(), "records go to the spill file");
                assertTrue(Files.isDirectory(spillDir));

                server = new ReplicaServer(new InetSocketAddress("127.0.0.1", port), KEY, ReplicationTls.OFF, h -> receiver, 1 << 20,
                        Duration.ofSeconds(5)).start();
                waitFor(() -> receiver.applied() == 700 && link.acked() == 700, "the backup caught up");
                waitFor(() -> !link.spilling(), "the spill file is deleted");
                assertFalse(Files.exists(spillDir));
                append(journal, link, 10);
                waitFor(() -> receiver.applied() == 710, "streaming again");
                assertEquals(710, applied.size(), "every record applied once, in order");
                for (int i = 0; i < applied.size(); i++) {
                    assertEquals(i + 1, applied.get(i));
                }
            } finally {
                server.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
