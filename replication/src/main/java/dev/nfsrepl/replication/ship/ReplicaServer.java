package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.RecordFormatException;
import dev.nfsrepl.replication.wire.Authenticated;
import dev.nfsrepl.replication.wire.Batch;
import dev.nfsrepl.replication.wire.Commit;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.ResyncBegin;
import dev.nfsrepl.replication.wire.ResyncHave;
import dev.nfsrepl.replication.wire.ResyncPoint;
import dev.nfsrepl.replication.wire.Ack;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.wire.Frame;
import dev.nfsrepl.replication.wire.ReplicationPipelines;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup's replication endpoint: accepts the primary's connection, authenticates it (see
 * {@code Handshake}), takes its HELLO (the export it replicates) to the {@link Replica}, tells it
 * what this backup holds (an ACK), and hands each BATCH to the {@link Receiver}, answering with an
 * ACK, and each COMMIT too. Frames are handled one at a time, in order, off the network threads;
 * once one fails, the connection's later frames are ignored. One primary at a time: a new authenticated connection
 * replaces the old one (a primary reconnecting after a cut it noticed first).
 *
 * <p>Bad input — a wrong key, a frame failing its checks, a malformed batch, a batch that does
 * not follow what is held — closes that connection (logged with the peer's address); nothing of
 * it is stored or applied.
 */
public final class ReplicaServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaServer.class);

    private final InetSocketAddress bind;
    private final SyncKey key;
    private final ReplicationTls tls;
    private final Replica replica;
    private volatile Receiver receiver; // set by each HELLO
    private final int maxFrameBytes;
    private final Duration handshakeTimeout;
    private final ScheduledThreadPoolExecutor receiving = receivingThread();
    private EventLoopGroup group;
    private Channel server;
    private volatile Channel primary;
    private volatile Peer peer; // the primary's connection and its name, as the handshake gave them
    private volatile java.util.function.Consumer<byte[]> clusterIn = b -> { };
    private Channel helloFrom; // the connection whose HELLO was accepted; only on the receiving thread
    private long helloEpoch; // its epoch; only on the receiving thread
    private final Fencing fencing;
    private Replica.Resync resync; // a full resync in progress; only on the receiving thread
    private Channel resyncFrom;
    private final java.util.concurrent.atomic.AtomicBoolean progressDue = new java.util.concurrent.atomic.AtomicBoolean();

    /** Frames are handled on it one at a time, in order; a PROGRESS waiting there is dropped when it shuts down. */
    private static ScheduledThreadPoolExecutor receivingThread() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "replica-receiver"));
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return e;
    }

    private record Begin(ResyncBegin p) {
    }

    private record Data(Batch batch) {
    }

    private record End(ResyncPoint p) {
    }

    public ReplicaServer(InetSocketAddress bind, SyncKey key, ReplicationTls tls, Replica replica, int maxFrameBytes,
                         Duration handshakeTimeout) {
        this(bind, key, tls, replica, maxFrameBytes, handshakeTimeout, Fencing.NONE);
    }

    /** @param fencing which primaries to accept (in a cluster with failover: none of an older epoch) */
    public ReplicaServer(InetSocketAddress bind, SyncKey key, ReplicationTls tls, Replica replica, int maxFrameBytes,
                         Duration handshakeTimeout, Fencing fencing) {
        this.fencing = fencing;
        this.bind = bind;
        this.key = key;
        this.tls = tls;
        this.replica = replica;
        this.maxFrameBytes = maxFrameBytes;
        this.handshakeTimeout = handshakeTimeout;
    }

    public ReplicaServer start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ReplicationPipelines.backup(ch.pipeline(), key, tls, maxFrameBytes, handshakeTimeout, new FromPrimary());
                    }
                });
        try {
            server = b.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted binding " + bind, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IOException("cannot listen for replication on " + bind + ": " + e.getMessage(), e);
        }
        LOG.info("replication: listening on {} (TLS: {})", server.localAddress(), tls);
        return this;
    }

    /**
     * This node learned of epoch {@code epoch}: the connection of a primary of an older one is closed
     * (it will be refused if it comes back: {@link Fencing}).
     */
    public void fence(long epoch) {
        receiving.execute(() -> {
            Channel from = helloFrom;
            if (from != null && from.isActive() && helloEpoch < epoch) {
                LOG.warn("replication: closing the connection of the primary of epoch {} ({}): epoch {} began",
                        helloEpoch, from.remoteAddress(), epoch);
                from.close();
                helloFrom = null;
            }
        });
    }

    /** Where the cluster datagrams the primary sends over this connection go ({@link Frame.Type#CLUSTER}). */
    public void onClusterFrame(java.util.function.Consumer<byte[]> in) {
        clusterIn = in;
    }

    /** Sends a cluster datagram to {@code to} over its replication connection, if it is the primary connected now. */
    public void sendCluster(String to, byte[] datagram) {
        Peer p = peer;
        if (p != null && p.channel() == primary && p.channel().isActive() && to.equals(p.name())) {
            p.channel().writeAndFlush(new Frame(Frame.Type.CLUSTER, datagram));
        }
    }

    private record Peer(Channel channel, String name) {
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Frames of an authenticated primary. */
    private final class FromPrimary extends SimpleChannelInboundHandler<Frame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Authenticated a) {
                Channel old = primary;
                peer = new Peer(ctx.channel(), a.peer());
                primary = ctx.channel();
                if (old != null && old != ctx.channel()) {
                    LOG.warn("replication: a new connection from the primary ({}) replaces {}", ctx.channel().remoteAddress(),
                            old.remoteAddress());
                    old.close();
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
            if (f.type() == Frame.Type.CLUSTER) {
                if (ctx.channel() == primary) {
                    clusterIn.accept(f.payload()); // (the datagram carries its own checks)
                }
                return;
            }
            Object payload;
            try {
                payload = switch (f.type()) {
                    case HELLO -> Hello.decode(f.payload());
                    case BATCH -> Batch.decode(f.payload());
                    case COMMIT -> Commit.decode(f.payload());
                    case RESYNC_BEGIN -> new Begin(ResyncBegin.decode(f.payload()));
                    case RESYNC_DATA -> new Data(Batch.decode(f.payload()));
                    case RESYNC_END -> new End(ResyncPoint.decode(f.payload()));
                    default -> throw new RecordFormatException("unexpected " + f.type() + " frame from the primary");
                };
            } catch (RecordFormatException e) {
                drop(ctx, e.getMessage());
                return;
            }
            receiving.execute(() -> {
                if (ctx.channel() != primary || !ctx.channel().isActive()) {
                    return; // replaced, gone or failed: the primary starts again from our position
                }
                try {
                    handle(ctx, payload);
                } catch (IOException | RuntimeException e) {
                    drop(ctx, e.getMessage());
                }
            });
        }

        private void handle(ChannelHandlerContext ctx, Object payload) throws IOException {
            Receiver rx = receiver;
            if (payload instanceof Hello h) {
                resync = null; // one a lost connection left unfinished: the store abandons it
                // opened first (a swap a failure cut short is completed), so that fencing sees what the copy
                // holds; then fencing, which may make the store start over (a divergence); then the receiver
                // the store has now (the replica checks the export's identity)
                replica.attach(h);
                fencing.accept(h);
                Receiver attached = replica.attach(h);
                receiver = attached;
                helloFrom = ctx.channel();
                helloEpoch = h.epoch();
                ctx.writeAndFlush(new Frame(Frame.Type.ACK, attached.position().encode()));
                attached.onProgress(() -> progress(ctx, attached));
                return;
            }
            if (rx == null || helloFrom != ctx.channel()) {
                throw new IOException("a " + payload.getClass().getSimpleName() + " before the HELLO");
            }
            if (payload instanceof Begin b) {
                LOG.warn("replication: the primary starts a FULL RESYNC of this backup from record #{}", b.p().start());
                resync = replica.beginResync(b.p());
                resyncFrom = ctx.channel();
                ResyncHave have = resync.have();
                ctx.writeAndFlush(have != null ? new Frame(Frame.Type.RESYNC_HAVE, have.encode()) // resume this
                        : new Frame(Frame.Type.ACK, new Ack(0, 0).encode())); // a credit for the next frame
                return;
            }
            if (payload instanceof Data || payload instanceof End) {
                if (resync == null || resyncFrom != ctx.channel()) {
                    throw new IOException("resync data without a RESYNC_BEGIN on this connection");
                }
                if (payload instanceof Data d) {
                    for (OpRecord r : d.batch().records()) {
                        resync.apply(r);
                    }
                    ctx.writeAndFlush(new Frame(Frame.Type.ACK, new Ack(0, 0).encode()));
                } else {
                    Receiver fresh = resync.finish(((End) payload).p());
                    resync = null;
                    receiver = fresh;
                    fresh.onProgress(() -> progress(ctx, fresh));
                    LOG.info("replication: full resync done; going on after record #{}", ((End) payload).p().asOf());
                    ctx.writeAndFlush(new Frame(Frame.Type.ACK, fresh.position().encode()));
                }
                return;
            }
            if (resync != null) {
                throw new IOException("a " + payload.getClass().getSimpleName() + " in the middle of a full resync");
            }
            if (payload instanceof Batch b) {
                try {
                    ctx.writeAndFlush(new Frame(Frame.Type.ACK, rx.receive(b).encode()));
                } catch (IOException e) {
                    throw new IOException("cannot store batch #" + b.firstSeq() + "..#" + b.lastSeq() + ": " + e.getMessage(), e);
                }
            } else if (payload instanceof Commit c) {
                rx.commit(c.seq());
            }
        }

        /**
         * Applying moved: a PROGRESS frame within 100 ms (one for every change in that time), on the
         * receiving thread, while this connection is the primary's and no full resync runs on it.
         */
        private void progress(ChannelHandlerContext ctx, Receiver rx) {
            if (!progressDue.compareAndSet(false, true)) {
                return;
            }
            try {
                receiving.schedule(() -> {
                    progressDue.set(false);
                    if (ctx.channel() == primary && ctx.channel().isActive() && resync == null && receiver == rx) {
                        ctx.writeAndFlush(new Frame(Frame.Type.PROGRESS, rx.position().encode()));
                    }
                }, 100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                progressDue.set(false); // closing
            }
        }

        private void drop(ChannelHandlerContext ctx, String why) {
            if (primary == ctx.channel()) {
                primary = null; // nothing more of this connection is handled
            }
            LOG.warn("replication connection from {}: {}; closing", ctx.channel().remoteAddress(), why);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            drop(ctx, cause.toString());
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        Channel p = primary;
        if (p != null) {
            p.close().syncUninterruptibly();
        }
        receiving.shutdown();
        try {
            receiving.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
