package dev.nfsrepl.replication.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.wire.Ack;
import dev.nfsrepl.replication.wire.Authenticated;
import dev.nfsrepl.replication.wire.Commit;
import dev.nfsrepl.replication.wire.Frame;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.HandshakeFailed;
import dev.nfsrepl.replication.wire.ReplicationPipelines;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup's replication endpoint over real loopback sockets, with a hand-driven primary end. */
class ReplicaServerTest {

    private static final SyncKey KEY = SyncKey.of("a cluster key of some length".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    static final Hello HELLO = new Hello(0x1234, 77);

    final List<Long> applied = new CopyOnWriteArrayList<>();
    SegmentLog log;
    Receiver receiver;
    ReplicaServer server;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @BeforeEach
    void start() throws IOException {
        log = SegmentLog.open(tmp.resolve("received"), LogKind.RECEIVED, LogConfig.DEFAULTS, Clock.systemUTC());
        receiver = new Receiver(log, r -> applied.add(r.seq()), 0);
        server = new ReplicaServer(new InetSocketAddress("127.0.0.1", 0), KEY, ReplicationTls.OFF, h -> {
            if (!h.equals(HELLO)) {
                throw new IOException("this backup holds " + HELLO + ", not " + h);
            }
            return receiver;
        }, 1 << 20, Duration.ofSeconds(5)).start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        receiver.close();
        log.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A primary end: what it receives, events first. */
    final class PrimaryEnd extends SimpleChannelInboundHandler<Frame> {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
            seen.add(f);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        Object next() throws InterruptedException {
            Object o = seen.poll(10, TimeUnit.SECONDS);
            assertNotNull(o, "nothing arrived within 10 s");
            return o;
        }

        /** The next ACK; PROGRESS frames before it are kept for {@link #progressReaching}. */
        Ack nextAck() throws InterruptedException {
            while (true) {
                Frame f = assertInstanceOf(Frame.class, next());
                if (f.type() == Frame.Type.PROGRESS) {
                    progress.add(Ack.decode(f.payload()));
                    continue;
                }
                assertEquals(Frame.Type.ACK, f.type());
                return Ack.decode(f.payload());
            }
        }

        final List<Ack> progress = new java.util.ArrayList<>();

        /** Waits for a PROGRESS frame saying {@code applied} was reached (no ACK may come between). */
        Ack progressReaching(long applied) throws InterruptedException {
            for (Ack p : progress) {
                if (p.applied() >= applied) {
                    return p;
                }
            }
            while (true) {
                Frame f = assertInstanceOf(Frame.class, next());
                assertEquals(Frame.Type.PROGRESS, f.type(), "only PROGRESS frames come unasked");
                Ack p = Ack.decode(f.payload());
                if (p.applied() >= applied) {
                    return p;
                }
            }
        }
    }

    Channel connect(SyncKey key, PrimaryEnd end) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ReplicationPipelines.primary(ch.pipeline(), key, ReplicationTls.OFF,
                        new InetSocketAddress("127.0.0.1", server.port()), "test-primary", 1 << 20, end);
            }
        }).connect("127.0.0.1", server.port()).sync().channel();
    }

    Channel hello(PrimaryEnd end) throws InterruptedException {
        Channel ch = connect(KEY, end);
        assertInstanceOf(Authenticated.class, end.next());
        ch.writeAndFlush(new Frame(Frame.Type.HELLO, HELLO.encode()));
        return ch;
    }

    void waitApplied(long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receiver.applied() < seq && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void anAuthenticatedPrimaryLearnsThePositionShipsBatchesAndGetsThemAcknowledgedAndApplied() throws Exception {
        PrimaryEnd end = new PrimaryEnd();
        Channel ch = hello(end);
        assertEquals(new Ack(0, 0), end.nextAck(), "the position answers the HELLO");
        ch.writeAndFlush(new Frame(Frame.Type.BATCH, ReceiverTest.batch(1, 10, 6).encode()));
        assertEquals(10, end.nextAck().durable());
        waitApplied(6);
        assertEquals(6, applied.size(), "applied up to the batch's commit point");
        ch.writeAndFlush(new Frame(Frame.Type.COMMIT, new Commit(10).encode()));
        waitApplied(10);
        assertEquals(10, applied.size(), "a COMMIT frame moves the point");
        assertEquals(new Ack(10, 10), end.progressReaching(10), "unasked, the backup tells how far it applied");
        ch.close().sync();

        PrimaryEnd again = new PrimaryEnd();
        hello(again);
        assertEquals(new Ack(10, 10), again.nextAck(), "a reconnecting primary learns where to go on");
    }

    @Test
    void aBatchWithARecordNamingSomethingOutsideItsDirectoryIsRefusedAndNothingStored() throws Exception {
        PrimaryEnd end = new PrimaryEnd();
        Channel ch = hello(end);
        end.nextAck();
        long dir = 1L << 48;
        var escape = new dev.nfsrepl.replication.record.Op.Mkdir(dir, "../../outside", dir + 5,
                new dev.nfsrepl.replication.record.Attrs(0755, 0, 0, 0, 0, 0), 0);
        ch.writeAndFlush(new Frame(Frame.Type.BATCH, dev.nfsrepl.replication.wire.BatchTest.forged(1, escape).encode()));
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "dropped");
        assertEquals(0, log.lastSeq(), "nothing stored");
        assertTrue(applied.isEmpty(), "nothing applied");
    }

    @Test
    void aPrimaryOfAnotherExportIsRefused() throws Exception {
        PrimaryEnd end = new PrimaryEnd();
        Channel ch = connect(KEY, end);
        assertInstanceOf(Authenticated.class, end.next());
        ch.writeAndFlush(new Frame(Frame.Type.HELLO, new Hello(0x999, 1).encode()));
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "dropped");
        assertEquals(0, log.lastSeq());
    }

    @Test
    void inAClusterAPrimaryOfAnOlderEpochIsRefusedAndOneAcceptedBeforeIsCutWhenANewerBegins() throws Exception {
        server.close();
        java.util.concurrent.atomic.AtomicLong known = new java.util.concurrent.atomic.AtomicLong(5);
        server = new ReplicaServer(new InetSocketAddress("127.0.0.1", 0), KEY, ReplicationTls.OFF, h -> receiver,
                1 << 20, Duration.ofSeconds(5), h -> {
                    if (h.epoch() < known.get()) {
                        throw new IOException("a primary of epoch " + h.epoch() + "; this backup knows epoch " + known);
                    }
                }).start();
        var history = dev.nfsrepl.replication.cluster.EpochHistory.parse("1:1,5:40");
        PrimaryEnd stale = new PrimaryEnd();
        Channel old = connect(KEY, stale);
        assertInstanceOf(Authenticated.class, stale.next());
        old.writeAndFlush(new Frame(Frame.Type.HELLO, HELLO.of(4, dev.nfsrepl.replication.cluster.EpochHistory.parse("1:1"))
                .encode()));
        assertTrue(old.closeFuture().await(10, TimeUnit.SECONDS), "the primary of epoch 4 is refused");

        PrimaryEnd current = new PrimaryEnd();
        Channel ch = connect(KEY, current);
        assertInstanceOf(Authenticated.class, current.next());
        ch.writeAndFlush(new Frame(Frame.Type.HELLO, HELLO.of(5, history).encode()));
        assertEquals(new Ack(0, 0), current.nextAck(), "the primary of the epoch it knows is served");
        known.set(6);
        server.fence(6);
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "cut once epoch 6 began");
        assertEquals(0, log.lastSeq());
    }

    @Test
    void aStoreThatReopenedItselfServesTheNextHelloWithItsNewReceiver() throws Exception {
        // a backup's store diverges (or resumes a resync) between two HELLOs: attach hands out a new receiver
        server.close();
        try (SegmentLog started = SegmentLog.open(tmp.resolve("started-over"), LogKind.RECEIVED, LogConfig.DEFAULTS,
                Clock.systemUTC()); Receiver reopened = new Receiver(started, r -> { }, 0)) {
            java.util.concurrent.atomic.AtomicBoolean diverged = new java.util.concurrent.atomic.AtomicBoolean();
            server = new ReplicaServer(new InetSocketAddress("127.0.0.1", 0), KEY, ReplicationTls.OFF,
                    h -> diverged.get() ? reopened : receiver, 1 << 20, Duration.ofSeconds(5)).start();
            PrimaryEnd first = new PrimaryEnd();
            Channel ch = hello(first);
            first.nextAck();
            ch.writeAndFlush(new Frame(Frame.Type.BATCH, ReceiverTest.batch(1, 10, 10).encode()));
            assertEquals(10, first.nextAck().durable());
            ch.close().sync();
            diverged.set(true); // (the store started over between the two connections)

            PrimaryEnd second = new PrimaryEnd();
            Channel again = hello(second);
            assertEquals(new Ack(0, 0), second.nextAck(), "the reopened store's position answers");
            again.writeAndFlush(new Frame(Frame.Type.BATCH, ReceiverTest.batch(1, 4, 4).encode()));
            assertEquals(4, second.nextAck().durable(), "batches go to the new receiver");
            assertEquals(4, started.lastSeq());
            assertEquals(10, log.lastSeq(), "the old one is left as it was");
        }
    }

    @Test
    void aHelloRoundTripsItsEpochAndHistoryAndABadOneIsRefused() {
        Hello h = HELLO.of(9, dev.nfsrepl.replication.cluster.EpochHistory.parse("1:1,4:300,9:1200"));
        assertEquals(h, Hello.decode(h.encode()));
        assertEquals(HELLO, Hello.decode(HELLO.encode()));
        byte[] bad = HELLO.of(3, dev.nfsrepl.replication.cluster.EpochHistory.parse("1:1,4:300")).encode();
        assertThrows(dev.nfsrepl.replication.record.RecordFormatException.class, () -> Hello.decode(bad),
                "a history past its own epoch");
        assertThrows(dev.nfsrepl.replication.record.RecordFormatException.class,
                () -> Hello.decode(java.util.Arrays.copyOf(h.encode(), h.encode().length - 3)));
    }

    @Test
    void aBatchBeforeTheHelloIsRefused() throws Exception {
        PrimaryEnd end = new PrimaryEnd();
        Channel ch = connect(KEY, end);
        assertInstanceOf(Authenticated.class, end.next());
        ch.writeAndFlush(new Frame(Frame.Type.BATCH, ReceiverTest.batch(1, 3, 3).encode()));
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "dropped");
        assertEquals(0, log.lastSeq());
    }

    @Test
    void aPrimaryWithTheWrongKeyIsRefusedAndNothingIsStored() throws Exception {
        PrimaryEnd end = new PrimaryEnd();
        Channel ch = connect(SyncKey.of("not this cluster's key at all".getBytes(StandardCharsets.UTF_8)), end);
        HandshakeFailed f = assertInstanceOf(HandshakeFailed.class, end.next());
        assertTrue(f.reason().contains("authentication failed"), f.reason());
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "the connection is closed");
        assertEquals(0, log.lastSeq());
    }

    @Test
    void aBatchThatDoesNotFollowWhatIsHeldDropsTheConnectionAndStoresNothing() throws Exception {
        PrimaryEnd end = new PrimaryEnd();
        Channel ch = hello(end);
        end.nextAck();
        ch.writeAndFlush(new Frame(Frame.Type.BATCH, ReceiverTest.batch(5, 3, 7).encode()));
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "dropped");
        assertEquals(0, log.lastSeq());
    }
}
