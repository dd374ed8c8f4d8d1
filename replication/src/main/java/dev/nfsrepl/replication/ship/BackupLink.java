package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.RecordFormatException;
import dev.nfsrepl.replication.wire.Ack;
import dev.nfsrepl.replication.wire.Authenticated;
import dev.nfsrepl.replication.wire.Batch;
import dev.nfsrepl.replication.wire.Commit;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.ResyncBegin;
import dev.nfsrepl.replication.wire.ResyncHave;
import dev.nfsrepl.replication.wire.ResyncPoint;
import dev.nfsrepl.replication.wire.Frame;
import dev.nfsrepl.replication.wire.HandshakeFailed;
import dev.nfsrepl.replication.wire.ReplicationPipelines;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's link to one backup: the shell around a {@link LinkMachine}. All events reach the
 * machine on the event loop of the link's connection (one of the group's, a thread the link does not
 * share when the group has a thread per link), which also performs the effects: connecting (Netty,
 * with the authenticated pipeline), sending batches read from the spill file or the journal,
 * appending to and deleting the spill file ({@code spillDir}, a segment log of kind SPILL). Frames
 * of a batch stay under the frame limit; a Send too large for one frame goes as several.
 *
 * <p>The loop does not tick: it runs the machine when something happens (a record appended, a frame
 * from the backup, the commit point moving, a connection's outcome) and sleeps until the machine's
 * {@link LinkMachine#nextDeadline next deadline}. A record appended while a batch is due within the
 * batch delay does not wake it: the batch takes it then (unless enough bytes wait for a batch).
 *
 * <p>After the handshake the link sends the export's HELLO. Each batch, and a COMMIT frame whenever
 * the point moves, carries the newest {@link CommitPoint.Offer} this connection can honour: one
 * whose {@code needs} it has sent. A spill file that grows past its limit is dropped and the
 * backup marked for a full resync.
 *
 * <p>A full resync (the backup missed records no longer kept, or its spill file was dropped) walks
 * the primary's {@link TreeSource} on a thread of its own and sends the ops in RESYNC_DATA frames
 * between RESYNC_BEGIN and RESYNC_END, one frame per acknowledgement credit (four ahead); then the
 * link streams from the resync's start. A backup holding the copy of an interrupted resync answers
 * RESYNC_BEGIN with its directories' digests (RESYNC_HAVE): the walk then resumes from that
 * resync's start and leaves out the subtrees the backup already holds as they are here.
 *
 * <p>Thread-safe: {@link #appended} may be called from any thread.
 */
public final class BackupLink implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(BackupLink.class);

    private final String name;
    private final InetSocketAddress backup;
    private final String where; // host:port, for messages
    private final SyncKey key;
    private final ReplicationTls tls;
    private final String self;
    private final SegmentLog journal;
    private final Path spillDir;
    private final int maxFrameBytes;
    private final Clock clock;
    private final LinkMachine machine;
    private final Hello hello;
    private final java.util.concurrent.ConcurrentLinkedQueue<long[]> appends = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final CommitPoint commits;
    private final Runnable onAck;
    private final long spillLimitBytes;
    private final ArrayDeque<CommitPoint.Offer> offers = new ArrayDeque<>(); // sampled, needs increasing
    private final TreeSource tree; // null: this link cannot resync
    private RecentRecords recent; // the journal's newest records in memory, or null
    private volatile Semaphore resyncCredits; // a full resync in progress on this connection
    private volatile long resyncEnding = -1; // its start, once RESYNC_END is sent
    private volatile long resyncEndFrame = -1; // which frame of the resync RESYNC_END is (from 1), once sent
    private final java.util.concurrent.atomic.AtomicLong resyncAnswered = new java.util.concurrent.atomic.AtomicLong();
    private volatile CompletableFuture<ResyncHave> resyncAnswer; // the backup's answer to RESYNC_BEGIN (null: a new copy)
    private long shipped; // newest record written on this connection
    private long commitSent; // newest commit point written on this connection
    private final Bootstrap bootstrap;
    private final EventLoop loop; // the link's thread
    private final long batchBytes;
    private final long batchDelayNanos;
    private final AtomicBoolean wakeQueued = new AtomicBoolean(); // a pump was posted and has not started
    private final AtomicLong queuedBytes = new AtomicLong(); // of the records in appends
    private volatile boolean timerSoon; // the timer pumps within the batch delay: appends need not wake the loop
    private volatile boolean commitBehind; // records were sent that no commit point sent covers yet
    private volatile boolean closed;
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private volatile SegmentLog spill; // read by spilling() from any thread
    private volatile boolean backupDiverged; // the backup's last ACK said its applying stopped
    private boolean journalFromEmptyTree = true;
    private Channel channel;
    private volatile Channel authenticated; // the connection whose handshake succeeded, for cluster frames
    private volatile java.util.function.Consumer<byte[]> clusterIn = b -> { };
    private boolean positionKnown;

    /** Where a link goes and what it says there. */
    public record Target(String name, InetSocketAddress address, SyncKey key, ReplicationTls tls, String self,
                         Hello hello) {
    }

    /**
     * @param acked           what the backup was last known to hold (0: nothing known)
     * @param commits         how far backups may apply
     * @param onAck           told (on the link's thread) whenever the backup acknowledged more
     * @param spillLimitBytes a spill file beyond this is dropped, and the backup needs a full resync
     */
    public BackupLink(Target target, SegmentLog journal, Path spillDir, LinkMachine.Config config, int maxFrameBytes,
                      long spillLimitBytes, CommitPoint commits, Runnable onAck, EventLoopGroup group, Clock clock,
                      long acked) {
        this(target, journal, spillDir, config, maxFrameBytes, spillLimitBytes, commits, onAck, null, group, clock, acked);
    }

    /** @param tree the primary's tree, for a full resync (null: a backup needing one is left behind, said in the log) */
    public BackupLink(Target target, SegmentLog journal, Path spillDir, LinkMachine.Config config, int maxFrameBytes,
                      long spillLimitBytes, CommitPoint commits, Runnable onAck, TreeSource tree, EventLoopGroup group,
                      Clock clock, long acked) {
        this.tree = tree;
        this.name = target.name();
        this.backup = target.address();
        this.where = backup.getHostString() + ":" + backup.getPort();
        this.key = target.key();
        this.tls = target.tls();
        this.self = target.self();
        this.hello = target.hello();
        this.journal = journal;
        this.spillDir = spillDir;
        this.maxFrameBytes = maxFrameBytes;
        this.spillLimitBytes = spillLimitBytes;
        this.commits = commits;
        this.onAck = onAck;
        this.clock = clock;
        this.machine = new LinkMachine(config, acked, journal.lastSeq(), now());
        this.loop = group.next();
        this.batchBytes = config.batchBytes();
        this.batchDelayNanos = config.batchDelay().toNanos();
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
    }

    /** Sends records from {@code r} when it holds them (instead of reading the journal). Before {@link #start}. */
    BackupLink keeping(RecentRecords r) {
        this.recent = r;
        return this;
    }

    /** Whether the journal began when the tree was empty (if not, a new backup needs a full resync). */
    BackupLink journalFromEmptyTree(boolean fromEmpty) {
        this.journalFromEmptyTree = fromEmpty;
        return this;
    }

    public BackupLink start() throws IOException {
        if (Files.isDirectory(spillDir)) {
            spill = SegmentLog.open(spillDir, LogKind.SPILL, LogConfig.DEFAULTS, clock);
            LOG.info("replication to {}: a spill file holds #{}..#{}", name, spill.firstSeq(), spill.lastSeq());
        }
        wake();
        return this;
    }

    /**
     * The journal got record {@code seq} ({@code bytes}: about its size); told in order. Wakes the
     * link's thread unless a batch leaves within the batch delay anyway.
     */
    public void appended(long seq, long bytes) {
        appends.add(new long[] {seq, bytes});
        if (queuedBytes.addAndGet(bytes) >= batchBytes) {
            wake();
        } else {
            wakeSoon();
        }
    }

    /**
     * The commit point may have moved (a record settled, a backup acknowledged): the backup hears of
     * it now, or with the batch due within the batch delay.
     */
    public void commitMayMove() {
        if (commitBehind) {
            wakeSoon();
        }
    }

    private void wakeSoon() {
        if (!timerSoon) {
            wake();
        }
    }

    private void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            post(() -> { });
        }
    }

    /** Runs {@code r}, then the machine's pending work, on the link's thread; after {@link #close} nothing runs any more. */
    private void post(Runnable r) {
        if (closed) {
            return;
        }
        try {
            loop.execute(() -> {
                if (!closed) {
                    r.run();
                    pump();
                }
            });
        } catch (RejectedExecutionException e) {
            // the event loop is shut down: closed
        }
    }

    /** Where the cluster datagrams the backup sends over this connection go ({@link Frame.Type#CLUSTER}). */
    public BackupLink onClusterFrame(java.util.function.Consumer<byte[]> in) {
        clusterIn = in;
        return this;
    }

    /** Sends a cluster datagram to the backup over the replication connection, when one is up. */
    public void sendCluster(byte[] datagram) {
        Channel c = authenticated;
        if (c != null && c.isActive()) {
            c.writeAndFlush(new Frame(Frame.Type.CLUSTER, datagram));
        }
    }

    public String name() {
        return name;
    }

    public LinkMachine.State state() {
        return machine.state();
    }

    public long acked() {
        return machine.acked();
    }

    public long appliedOnBackup() {
        return machine.applied();
    }

    /** What a link reports about its backup. */
    public record Status(String name, String address, LinkMachine.State state, long acked, long applied, boolean spilling,
                         long spillBytes, boolean needsResync, boolean diverged, String why) {
    }

    /** A snapshot for status displays (read without the link's thread: values may be a moment apart). */
    public Status status() {
        SegmentLog s = spill;
        return new Status(name, where, machine.state(), machine.acked(), machine.applied(), s != null,
                s == null ? 0 : s.bytes(), machine.needsResync(), backupDiverged, machine.why());
    }

    /** Whether a spill file exists for this backup. */
    public boolean spilling() {
        return spill != null;
    }

    private long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * On the link's thread: the records appended since, time passed, the commit point; then sleeps
     * until the machine's next deadline. (The flags are cleared first: a record appended after a
     * flag was read as set is drained below.)
     */
    private void pump() {
        wakeQueued.set(false);
        timerSoon = false;
        long now = now();
        List<LinkMachine.Effect> effects = new ArrayList<>();
        for (long[] a; (a = appends.poll()) != null; ) {
            queuedBytes.addAndGet(-a[1]);
            effects.addAll(effectsOf(new LinkMachine.Appended(a[0], a[1], now)));
        }
        effects.addAll(effectsOf(new LinkMachine.Tick(now)));
        performAll(effects);
        sendCommit();
        commitBehind = positionKnown && shipped > commitSent;
        arm(now);
    }

    /** Sets the timer for the machine's next deadline, unless it is set for an earlier one. */
    private void arm(long now) {
        long deadline = machine.nextDeadline();
        if (deadline < timerAt) {
            if (timer != null) {
                timer.cancel(false);
            }
            timerAt = deadline;
            timer = loop.schedule(() -> {
                timer = null;
                timerAt = Long.MAX_VALUE;
                if (!closed) {
                    pump();
                }
            }, Math.max(deadline - now, 100_000), TimeUnit.NANOSECONDS);
        }
        timerSoon = timerAt - now <= batchDelayNanos;
    }

    /** A COMMIT frame when the point this connection can honour moved past the one sent. */
    private void sendCommit() {
        CommitPoint.Offer o = commits.offer();
        CommitPoint.Offer newest = offers.peekLast();
        if ((newest == null || o.upTo() > newest.upTo()) && offers.size() < 4096) {
            offers.addLast(o);
        }
        long c = commitFor(shipped);
        if (positionKnown && channel != null && channel.isActive() && c > commitSent) {
            commitSent = c;
            channel.writeAndFlush(new Frame(Frame.Type.COMMIT, new Commit(c).encode()));
        }
    }

    /** The newest commit point a backup may use once it holds every record up to {@code held}. */
    private long commitFor(long held) {
        long c = commitSent;
        while (!offers.isEmpty() && offers.peekFirst().needs() <= held) {
            c = Math.max(c, offers.removeFirst().upTo());
        }
        if (c > commitSent) {
            offers.addFirst(new CommitPoint.Offer(c, held)); // still usable by later frames
        }
        return c;
    }

    /** On the link's thread: one event in, its effects performed (the caller's {@link #post} then pumps). */
    private void feed(LinkMachine.Event e) {
        performAll(effectsOf(e));
    }

    private List<LinkMachine.Effect> effectsOf(LinkMachine.Event e) {
        try {
            return machine.on(e);
        } catch (RuntimeException ex) {
            LOG.error("replication to {}: {} failed", name, e, ex);
            return List.of();
        }
    }

    /** Performs effects in order; consecutive spills of adjacent records become one (one read, one fsync). */
    private void performAll(List<LinkMachine.Effect> effects) {
        List<LinkMachine.Effect> merged = new ArrayList<>(effects.size());
        for (LinkMachine.Effect f : effects) {
            if (f instanceof LinkMachine.Spill s && !merged.isEmpty()
                    && merged.get(merged.size() - 1) instanceof LinkMachine.Spill prev && prev.toSeq() + 1 == s.fromSeq()) {
                merged.set(merged.size() - 1, new LinkMachine.Spill(prev.fromSeq(), s.toSeq()));
            } else {
                merged.add(f);
            }
        }
        for (LinkMachine.Effect f : merged) {
            try {
                perform(f);
            } catch (IOException | RuntimeException ex) {
                LOG.warn("replication to {}: {} failed: {}", name, f, ex.toString());
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    private void perform(LinkMachine.Effect f) throws IOException {
        if (f instanceof LinkMachine.Connect) {
            connect();
        } else if (f instanceof LinkMachine.Disconnect d) {
            LOG.warn("replication to {}: {}", name, d.reason());
            if (channel != null) {
                channel.close();
            }
        } else if (f instanceof LinkMachine.Send s) {
            send(s.fromSeq(), s.toSeq());
        } else if (f instanceof LinkMachine.Spill s) {
            spill(s.fromSeq(), s.toSeq());
        } else if (f instanceof LinkMachine.DeleteSpill) {
            deleteSpill("caught up");
        } else if (f instanceof LinkMachine.FullResync r) {
            if (tree == null) {
                LOG.error("replication to {}: needs a full resync ({}), and this link has no tree to send", name, r.reason());
            } else {
                startResync(r.reason());
            }
        }
    }

    /** Starts a full resync on a thread of its own (the walk may be long); the link's thread goes on. */
    private void startResync(String reason) {
        Channel ch = channel;
        long start = journal.lastSeq();
        LOG.warn("replication to {}: FULL RESYNC ({}); the copy will hold every record up to #{} and then stream", name,
                reason, start);
        Semaphore credits = new Semaphore(4);
        CompletableFuture<ResyncHave> answer = new CompletableFuture<>();
        resyncAnswer = answer;
        resyncEnding = -1;
        resyncEndFrame = -1;
        resyncAnswered.set(0);
        resyncCredits = credits;
        Thread t = new Thread(() -> {
            try {
                long[] sent = resync(ch, start, credits, answer);
                LOG.info("replication to {}: full resync walk sent {} objects, {} bytes of content", name, sent[0], sent[1]);
            } catch (IOException | RuntimeException | InterruptedException e) {
                LOG.error("replication to {}: full resync failed: {}; it starts again on the next connection", name,
                        e.toString());
                ch.close();
            }
        }, "resync-" + name);
        t.setDaemon(true);
        t.start();
    }

    private long[] resync(Channel ch, long newStart, Semaphore credits, CompletableFuture<ResyncHave> answer)
            throws IOException, InterruptedException {
        send(ch, credits, new Frame(Frame.Type.RESYNC_BEGIN, new ResyncBegin(newStart,
                Math.min(journal.firstSeq(), newStart + 1)).encode()));
        long[] frames = {1};
        ResyncHave have = await(ch, answer);
        long start = newStart;
        java.util.SortedMap<String, String> digests = java.util.Collections.emptySortedMap();
        if (have != null) {
            digests = have.digests();
            LOG.warn("replication to {}: RESUMING the interrupted full resync from #{} (the backup holds {} directories "
                    + "of it; the content of files in those equal to ours is not sent again)", name, have.start(),
                    digests.size());
        }
        int epoch = (int) (hello.rootId() >>> 48);
        long time = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        Parts parts = new Parts(part -> {
            sendPart(ch, credits, part);
            frames[0]++;
        });
        long[] next = {1};
        long[] counts = {0, 0};
        long asOf = tree.walk(digests, op -> {
            parts.add(new OpRecord(next[0]++, epoch, time, dev.nfsrepl.replication.record.Origin.SERVER, op));
            if (op instanceof Op.Mkdir || op instanceof Op.Create || op instanceof Op.Symlink
                    || op instanceof Op.Mknod || op instanceof Op.Link) {
                counts[0]++; // an object, or a further name of one (not every op, as it counted before)
            } else if (op instanceof Op.Write w) {
                counts[1] += w.data().remaining();
            }
        });
        parts.finish();
        resyncEnding = asOf;
        resyncEndFrame = frames[0] + 1; // the backup answers every frame once: the answer to this one ends it
        send(ch, credits, new Frame(Frame.Type.RESYNC_END, new ResyncPoint(start, asOf).encode()));
        return counts;
    }

    private void sendPart(Channel ch, Semaphore credits, List<OpRecord> part) throws IOException {
        try {
            send(ch, credits, new Frame(Frame.Type.RESYNC_DATA, new Batch(0, part).encode()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The backup's answer to RESYNC_BEGIN, while the connection lasts. */
    private static ResyncHave await(Channel ch, CompletableFuture<ResyncHave> answer)
            throws IOException, InterruptedException {
        while (true) {
            try {
                return answer.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (!ch.isActive()) {
                    throw new IOException("the connection closed");
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    /** Sends once the backup has room (it acknowledges every resync frame), while the connection lasts. */
    private static void send(Channel ch, Semaphore credits, Frame f) throws IOException, InterruptedException {
        while (!credits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (!ch.isActive()) {
                throw new IOException("the connection closed");
            }
        }
        ch.writeAndFlush(f);
    }

    private void connect() {
        positionKnown = false;
        resyncCredits = null;
        resyncAnswer = null;
        shipped = 0;
        commitSent = 0;
        ChannelFuture cf = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ReplicationPipelines.primary(ch.pipeline(), key, tls, backup, self, maxFrameBytes, new FromBackup());
            }
        }).connect(backup);
        channel = cf.channel();
        cf.addListener(done -> post(() -> {
            if (done.isSuccess()) {
                feed(new LinkMachine.Connected(now()));
            } else {
                feed(new LinkMachine.Lost("cannot connect to " + where + ": " + done.cause().getMessage(), now()));
            }
        }));
        channel.closeFuture().addListener(x -> post(() -> {
            if (channel == cf.channel() && cf.isSuccess()) { // a failed attempt is reported above, with its cause
                feed(new LinkMachine.Lost("connection to " + where + " closed", now()));
            }
        }));
    }

    /** Frames from the backup, passed to the link's thread. */
    private final class FromBackup extends SimpleChannelInboundHandler<Frame> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
            if (f.type() == Frame.Type.CLUSTER) {
                clusterIn.accept(f.payload()); // (no credit, no position: the datagram carries its own checks)
                return;
            }
            Ack a;
            try {
                CompletableFuture<ResyncHave> answer = resyncAnswer;
                if (f.type() == Frame.Type.RESYNC_HAVE && resyncCredits != null && answer != null && !answer.isDone()) {
                    answer.complete(ResyncHave.decode(f.payload()));
                    resyncAnswered.incrementAndGet(); // the answer to RESYNC_BEGIN, in place of its ACK
                    resyncCredits.release();
                    return;
                }
                if (f.type() == Frame.Type.PROGRESS) {
                    progress(Ack.decode(f.payload()));
                    return;
                }
                if (f.type() != Frame.Type.ACK) {
                    throw new RecordFormatException("unexpected " + f.type() + " frame");
                }
                a = Ack.decode(f.payload());
                if (answer != null && !answer.isDone()) {
                    answer.complete(null); // the credit answering RESYNC_BEGIN: a new copy
                }
                noteDiverged(a);
            } catch (RecordFormatException e) {
                LOG.warn("replication to {}: {}; closing", name, e.getMessage());
                ctx.close();
                return;
            }
            Semaphore credits = resyncCredits;
            if (credits != null) { // a full resync: each ACK answers one frame
                if (resyncAnswered.incrementAndGet() == resyncEndFrame) { // not by position: a credit may equal it
                    resyncCredits = null;
                    long upTo = resyncEnding;
                    LOG.info("replication to {}: full resync done; streaming after #{}", name, upTo);
                    post(() -> {
                        shipped = upTo;
                        feed(new LinkMachine.Resynced(upTo, now()));
                    });
                } else {
                    credits.release();
                }
                onAck.run();
                return;
            }
            post(() -> {
                if (!positionKnown) {
                    positionKnown = true;
                    shipped = a.durable();
                    feed(new LinkMachine.Ready(a.durable(), a.applied(), oldestAvailable(), journalFromEmptyTree,
                            a.wantsResync(), now()));
                } else {
                    feed(new LinkMachine.Acked(a.durable(), a.applied(), now()));
                }
                onAck.run();
            });
        }

        private void noteDiverged(Ack a) {
            if (a.diverged() && !backupDiverged) {
                LOG.error("replication to {}: the backup reports DIVERGED (applying stopped at #{}; it keeps "
                        + "receiving); see its log", name, a.applied());
            }
            backupDiverged = a.diverged();
        }

        /** The backup's applying moved (or stopped): no credit, and nothing while a full resync runs. */
        private void progress(Ack a) {
            if (resyncCredits != null) {
                return; // sent before the backup saw RESYNC_BEGIN: about the copy being replaced
            }
            noteDiverged(a);
            post(() -> {
                if (positionKnown) {
                    feed(new LinkMachine.Acked(a.durable(), a.applied(), now()));
                    onAck.run();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeFailed h) {
                LOG.error("replication to {}: {}", name, h.reason());
            } else if (evt instanceof Authenticated) {
                LOG.info("replication to {}: connected to {}", name, where);
                authenticated = ctx.channel();
                ctx.writeAndFlush(new Frame(Frame.Type.HELLO, hello.encode()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("replication to {}: {}; closing", name, cause.toString());
            ctx.close();
        }
    }

    private long oldestAvailable() {
        long fromJournal = journal.firstSeq();
        return spill != null && spill.lastSeq() >= spill.firstSeq() ? Math.min(spill.firstSeq(), fromJournal) : fromJournal;
    }

    /** Sends records {@code from}..{@code to} (from the spill file when it holds them), in frames under the limit. */
    private void send(long from, long to) throws IOException {
        Parts parts = new Parts(this::flush);
        List<OpRecord> inMemory = recent == null ? null : recent.get(from, to);
        if (inMemory != null) {
            for (OpRecord r : inMemory) {
                parts.add(r);
            }
            parts.finish();
            return;
        }
        SegmentLog source = spill != null && spill.firstSeq() <= from && spill.lastSeq() >= from ? spill : journal;
        try (LogCursor c = source.readFromSeq(from)) {
            for (long seq = from; seq <= to; seq++) {
                OpRecord r = c.next();
                if (r == null && source == spill) { // the spill ends here: the rest is in the journal
                    parts.finish();
                    send(seq, to);
                    return;
                }
                if (r == null || r.seq() != seq) {
                    throw new IOException("record #" + seq + " is not in " + source.dir());
                }
                parts.add(r);
            }
        }
        parts.finish();
    }

    /** Records cut into frame-sized parts (half the frame limit, so that one large record still fits). */
    private final class Parts {
        private final PartSink out;
        private final List<OpRecord> part = new ArrayList<>();
        private long bytes;

        Parts(PartSink out) {
            this.out = out;
        }

        void add(OpRecord r) throws IOException {
            long size = approximateSize(r);
            if (!part.isEmpty() && bytes + size > maxFrameBytes / 2) {
                finish();
            }
            part.add(r);
            bytes += size;
        }

        void finish() throws IOException {
            if (!part.isEmpty()) {
                out.send(List.copyOf(part));
                part.clear();
                bytes = 0;
            }
        }
    }

    private interface PartSink {
        void send(List<OpRecord> part) throws IOException;
    }

    private void flush(List<OpRecord> part) {
        shipped = part.get(part.size() - 1).seq();
        commitSent = commitFor(shipped);
        channel.writeAndFlush(new Frame(Frame.Type.BATCH, new Batch(commitSent, part).encode()));
    }

    static long approximateSize(OpRecord r) {
        if (r.op() instanceof dev.nfsrepl.replication.record.Op.Write w) {
            return 64 + w.data().remaining();
        }
        if (r.op() instanceof dev.nfsrepl.replication.record.Op.Adopt a) {
            return 64 + a.content().remaining();
        }
        return 128;
    }

    private void spill(long from, long to) throws IOException {
        if (spill == null) {
            spill = SegmentLog.open(spillDir, LogKind.SPILL, LogConfig.DEFAULTS, clock);
            LOG.warn("replication to {}: unreachable; keeping its records in {}", name, spillDir);
        }
        long start = Math.max(from, spill.lastSeq() + 1);
        try (LogCursor c = journal.readFromSeq(start)) {
            for (OpRecord r; (r = c.next()) != null && r.seq() <= to; ) {
                spill.appendRecord(r);
            }
        }
        if (spill.lastSeq() >= start) {
            spill.sync(spill.lastSeq());
        }
        if (spill.bytes() > spillLimitBytes) {
            String why = "its spill file grew past its limit of " + spillLimitBytes + " bytes";
            LOG.error("replication to {}: {}; dropping it: the backup will need a FULL RESYNC", name, why);
            deleteSpill("dropped");
            feed(new LinkMachine.SpillDropped(why, now()));
        }
    }

    private void deleteSpill(String why) throws IOException {
        if (spill == null) {
            return;
        }
        spill.close();
        MoreFiles.deleteRecursively(spillDir, RecursiveDeleteOption.ALLOW_INSECURE);
        spill = null;
        LOG.info("replication to {}: {}; spill file deleted", name, why);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try { // a pump under way ends before the spill file closes; later ones do nothing
            loop.submit(() -> {
                if (timer != null) {
                    timer.cancel(false);
                }
            }).await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            // the event loop is shut down: nothing runs on it any more
        }
        Channel c = channel;
        if (c != null) {
            c.close().syncUninterruptibly();
        }
        if (spill != null) {
            spill.close();
        }
    }
}
