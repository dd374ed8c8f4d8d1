package dev.nfsrepl.replication.cluster;

import dev.nfsrepl.replication.record.RecordFormatException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around one node's {@link Election}: UDP datagrams to and from the other members
 * ({@link ClusterWire}), a tick every 10 ms, the persisted {@link ClusterState}, and the role it
 * reports to the node ({@link Listener}). Everything runs on one event-loop thread; the public
 * methods hand their work to it and are thread-safe.
 */
public final class ClusterLink implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);
    private static final long TICK_MS = 10;

    /** Told of role changes, on the link's thread: must not block (hand long work to another thread). */
    public interface Listener {
        void roleChanged(Election.Role role, long epoch, String primary);
    }

    /**
     * A second path to other members (the replication connections: the primary's to each backup, a
     * backup's from its primary). Each datagram goes over UDP and, when there is one, this path too;
     * the copy that comes second is refused as a replay. Must not block.
     */
    public interface OtherPath {
        void send(String to, byte[] datagram);

        OtherPath NONE = (to, datagram) -> { };
    }

    /**
     * Where each member listens for cluster datagrams (this node's entry is where it binds). A host
     * name is looked up at each send (a container whose network is not up yet, or that came back with
     * another address).
     */
    public record Members(Map<String, InetSocketAddress> addresses) {
    }

    private final Election.Config config;
    private final Members members;
    private final ClusterState state;
    private final ClusterWire wire;
    private final Listener listener;
    private final LongSupplier ticker;
    private final long boot = new SecureRandom().nextLong();
    private final ClusterWire.Replays replays = new ClusterWire.Replays();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Election election;
    private Channel channel;
    private long counter;
    private volatile long leaseUntil;
    private volatile Election.Role role = Election.Role.BACKUP;
    private volatile long epoch;
    private volatile String primary;
    private long refused;
    private volatile OtherPath other = OtherPath.NONE;
    private final ArrayDeque<Election.Effect> pending = new ArrayDeque<>();
    private long persistFailures;
    private final Set<String> unresolvedWarned = new HashSet<>();

    /**
     * @param key    the key datagrams are authenticated with (derived from the sync key)
     * @param ticker a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public ClusterLink(Election.Config config, Members members, ClusterState state, byte[] key, Listener listener,
                       LongSupplier ticker) {
        this.config = config;
        this.members = members;
        this.state = state;
        this.wire = new ClusterWire(key);
        this.listener = listener;
        this.ticker = ticker;
        for (String m : config.members()) {
            if (!members.addresses().containsKey(m)) {
                throw new IllegalArgumentException("no address for cluster member " + m);
            }
        }
    }

    public ClusterLink start() throws IOException {
        InetSocketAddress bind = members.addresses().get(config.self());
        epoch = state.epoch();
        // made before the channel exists: the loop thread, which alone touches it afterwards, sees it
        election = new Election(config, state.epoch(), state.votedFor(), new SplittableRandom(boot), ticker.getAsLong());
        try {
            channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            byte[] bytes = new byte[p.content().readableBytes()];
                            p.content().readBytes(bytes);
                            received(bytes, p.sender());
                        }
                    }).bind(bind).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen for cluster datagrams on " + bind + ": " + e.getMessage(), e);
        }
        LOG.info("cluster: {} of {} in epoch {}, listening on {}", config.self(), config.members(), state.epoch(),
                channel.localAddress());
        channel.eventLoop().scheduleAtFixedRate(() -> step(new Election.Tick(ticker.getAsLong())), TICK_MS, TICK_MS,
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** Where it listens (the port, when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Whether this node is primary and its lease holds now: it may accept writes. */
    public boolean mayWrite() {
        return role == Election.Role.PRIMARY && ticker.getAsLong() < leaseUntil;
    }

    public Election.Role role() {
        return role;
    }

    public long epoch() {
        return epoch;
    }

    /** The primary this node follows (itself when primary), or null. */
    public String primary() {
        return primary;
    }

    /** The node's log now ends with {@code lastSeq}, of epoch {@code lastEpoch}: what its votes compare. */
    public void logEnd(long lastEpoch, long lastSeq) {
        submit(() -> step(new Election.LogEnd(lastEpoch, lastSeq, ticker.getAsLong())));
    }

    /** Whether this node may stand for election by itself ({@link Election.Eligible}). */
    public void eligible(boolean eligible) {
        submit(() -> step(new Election.Eligible(eligible, ticker.getAsLong())));
    }

    /** Candidacies of this node take an epoch of at least {@code min} ({@link Election.EpochFloor}). */
    public void epochFloor(long min) {
        submit(() -> step(new Election.EpochFloor(min, ticker.getAsLong())));
    }

    /** Stands for election now ({@code force}: voters yield their lease promise; see {@link Election.Promote}). */
    public void promote(boolean force) {
        submit(() -> step(new Election.Promote(force, ticker.getAsLong())));
    }

    /** Steps down if primary, naming {@code successor} (or null). */
    public void stepDown(String successor) {
        submit(() -> step(new Election.StepDown(successor, ticker.getAsLong())));
    }

    /** Datagrams go over {@code path} too (see {@link OtherPath}). */
    public void alsoVia(OtherPath path) {
        other = path;
    }

    /** A datagram that came over the other path ({@code path} names it in the log): handled as one over UDP. */
    public void receivedOver(String path, byte[] datagram) {
        submit(() -> received(datagram, path));
    }

    private void submit(Runnable r) {
        if (channel != null && channel.isActive()) {
            channel.eventLoop().execute(r);
        }
    }

    private void received(byte[] bytes, Object sender) {
        ClusterWire.Datagram d;
        try {
            d = wire.decode(bytes);
        } catch (RecordFormatException e) {
            if (refused++ % 100 == 0) { // (a flood of bad datagrams must not flood the log)
                LOG.warn("cluster: refused a datagram from {}: {} ({} refused so far)", sender, e.getMessage(), refused);
            }
            return;
        }
        if (!config.members().contains(d.from()) || d.from().equals(config.self())) {
            LOG.warn("cluster: a datagram from {} names {}, not another member of {}", sender, d.from(), config.members());
            return;
        }
        if (!replays.fresh(d)) {
            return; // a copy of one already taken
        }
        step(new Election.Received(d.from(), d.message(), ticker.getAsLong()));
    }

    private void step(Election.Event e) {
        boolean blocked = !pending.isEmpty();
        for (Election.Effect f : election.step(e)) {
            if (!(blocked && f instanceof Election.Send)) { // (datagrams may be lost; stale ones are not kept)
                pending.add(f);
            }
        }
        perform();
    }

    /**
     * Carries out the election's effects in order. A {@code Persist} that fails stops the queue there
     * (what follows it, a vote or a candidacy, must not go out unpersisted) and is tried again at each
     * tick; meanwhile the node may not write (its lease is dropped at once: a node that cannot keep its
     * vote is not one to take changes), the datagrams queued are dropped (as a network may drop them;
     * the election sends again), and the other effects of later events wait behind it.
     */
    private void perform() {
        while (!pending.isEmpty()) {
            Election.Effect f = pending.peek();
            if (f instanceof Election.Persist p) {
                try {
                    state.vote(p.epoch(), p.votedFor());
                } catch (IOException ex) {
                    leaseUntil = 0;
                    pending.removeIf(q -> q instanceof Election.Send);
                    if (persistFailures++ % 500 == 0) { // (tried each tick: a line every 5 s)
                        LOG.error("cluster: cannot persist epoch {} (vote: {}): {}; not answering until it can ({} tries)",
                                p.epoch(), p.votedFor(), ex.toString(), persistFailures);
                    }
                    return;
                }
                if (persistFailures > 0) {
                    LOG.warn("cluster: persisted epoch {} after {} failed tries", p.epoch(), persistFailures);
                    persistFailures = 0;
                }
                epoch = p.epoch();
            } else if (f instanceof Election.Send s) {
                send(s.to(), s.message());
            } else if (f instanceof Election.LeaseChanged l) {
                leaseUntil = l.until();
            } else if (f instanceof Election.RoleChanged r) {
                role = r.role();
                primary = r.primary();
                LOG.info("cluster: {} is now {} in epoch {} (primary: {})", config.self(), r.role(), r.epoch(),
                        r.primary() == null ? "none known" : r.primary());
                listener.roleChanged(r.role(), r.epoch(), r.primary());
            }
            pending.poll();
        }
    }

    private void send(String to, Election.Message m) {
        byte[] bytes = wire.encode(config.self(), boot, ++counter, m);
        try {
            other.send(to, bytes);
        } catch (RuntimeException e) {
            LOG.debug("cluster: the other path to {}: {}", to, e.toString());
        }
        // looked up at each send (the JVM caches answers for 30 s): a member restarted in a container may
        // come back with another address, and one that does not resolve yet may later
        InetSocketAddress given = members.addresses().get(to);
        InetSocketAddress at = given.isUnresolved() ? new InetSocketAddress(given.getHostString(), given.getPort()) : given;
        if (at.isUnresolved()) {
            if (unresolvedWarned.add(to)) {
                LOG.warn("cluster: cannot resolve member {} ({}) yet; trying again with each message", to,
                        given.getHostString());
            }
            return;
        }
        unresolvedWarned.remove(to);
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), at));
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
