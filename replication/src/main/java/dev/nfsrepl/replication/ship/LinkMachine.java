package dev.nfsrepl.replication.ship;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the primary does for one backup, as a pure state machine: {@link Event}s in, {@link Effect}s
 * out. Sockets, files and the clock live in the shell around it, which performs the effects and
 * reports what happened as events (times are the shell's clock, in nanoseconds).
 *
 * <p>States and their invariants:
 * <ul>
 *   <li>{@link State#CONNECTING}: a connection attempt is under way; nothing is in flight.</li>
 *   <li>{@link State#HANDSHAKE}: connected; authenticating and learning what the backup holds;
 *       nothing is in flight.</li>
 *   <li>{@link State#CATCHING_UP}: sending the records the backup missed (from the spill file or
 *       the journal: the shell's choice) in batches of {@code catchUpRecords}; records appended
 *       meanwhile wait behind them.</li>
 *   <li>{@link State#STREAMING}: every record after the backup's acknowledged one is in flight (at
 *       most {@code maxInFlight} batches) or waiting for the next batch, which leaves when
 *       {@code batchBytes} are waiting or the oldest has waited {@code batchDelay}.</li>
 *   <li>{@link State#UNREACHABLE}: no connection. Every record after the acknowledged one is in the
 *       backup's spill file (the shell appends what {@link Spill} names), unless the shell dropped
 *       it ({@link SpillDropped}): then the backup needs a full resync. A new attempt is made after
 *       {@code retryDelay}, doubling up to {@code maxRetryDelay}.</li>
 *   <li>{@link State#DIVERGED}: the backup holds records this primary does not; nothing is sent
 *       and no attempt made until an operator acts.</li>
 * </ul>
 * While connected, a batch unacknowledged for {@code ackTimeout}, or more than {@code queueBytes}
 * appended and not acknowledged, makes the backup unreachable.
 *
 * <p>Not thread-safe: the shell feeds it from one thread (its event loop).
 */
public final class LinkMachine {

    public enum State { CONNECTING, HANDSHAKE, CATCHING_UP, STREAMING, UNREACHABLE, DIVERGED }

    /** Limits and timers; see the class comment. */
    public record Config(long batchBytes, Duration batchDelay, int maxInFlight, int catchUpRecords, Duration ackTimeout,
                         long queueBytes, Duration retryDelay, Duration maxRetryDelay) {
    }

    public sealed interface Event {
    }

    /** The primary's journal got record {@code seq} of {@code bytes} bytes. */
    public record Appended(long seq, long bytes, long now) implements Event {
    }

    /** Time passed (for batch delays, acknowledgement timeouts and retries). */
    public record Tick(long now) implements Event {
    }

    /** The connection attempt succeeded (the handshake begins). */
    public record Connected(long now) implements Event {
    }

    /**
     * The handshake succeeded: the backup holds every record up to {@code durable} and applied up
     * to {@code applied}; the shell can still read every record from {@code oldestAvailable} on
     * (spill file or journal). {@code journalFromEmptyTree}: the journal began when the tree was
     * empty, so its records alone rebuild the tree; when not, a backup holding nothing yet needs a
     * full resync.
     */
    public record Ready(long durable, long applied, long oldestAvailable, boolean journalFromEmptyTree,
                        boolean backupWantsResync, long now) implements Event {

        public Ready(long durable, long applied, long oldestAvailable, long now) {
            this(durable, applied, oldestAvailable, true, false, now);
        }

        public Ready(long durable, long applied, long oldestAvailable, boolean journalFromEmptyTree, long now) {
            this(durable, applied, oldestAvailable, journalFromEmptyTree, false, now);
        }
    }

    /** The backup holds every record up to {@code durable} on disk and applied those up to {@code applied}. */
    public record Acked(long durable, long applied, long now) implements Event {
    }

    /** The connection failed, closed, or was refused. */
    public record Lost(String reason, long now) implements Event {
    }

    /** The shell dropped the spill file (it outgrew its limit, or could not be written). */
    public record SpillDropped(String reason, long now) implements Event {
    }

    /** A full resync brought the backup to {@code upTo}. */
    public record Resynced(long upTo, long now) implements Event {
    }

    public sealed interface Effect {
    }

    /** Open a connection to the backup. */
    public record Connect() implements Effect {
    }

    /** Close the connection, saying why. */
    public record Disconnect(String reason) implements Effect {
    }

    /** Send records {@code fromSeq}..{@code toSeq} as one batch (acknowledged as a whole). */
    public record Send(long fromSeq, long toSeq) implements Effect {
    }

    /** Append records {@code fromSeq}..{@code toSeq} to the backup's spill file. */
    public record Spill(long fromSeq, long toSeq) implements Effect {
    }

    /** The backup holds everything the spill file has: delete it. */
    public record DeleteSpill() implements Effect {
    }

    /** Bring the backup up to date by a full resync, then report {@link Resynced}. */
    public record FullResync(String reason) implements Effect {
    }

    private final Config config;
    private volatile State state = State.UNREACHABLE;
    private long last; // the primary's newest record
    private volatile long acked; // the backup's durable point
    private volatile long applied;
    private long sent; // newest record sent on this connection
    private long catchUpTo; // records in (sent, catchUpTo] are sent by count (their sizes are not known here)
    private final ArrayDeque<long[]> waiting = new ArrayDeque<>(); // {seq, bytes} appended, > catchUpTo, not sent
    private long waitingBytes;
    private final ArrayDeque<long[]> flying = new ArrayDeque<>(); // {seq, bytes} sent, not acknowledged
    private long flyingBytes;
    private final ArrayDeque<long[]> batches = new ArrayDeque<>(); // {toSeq, sentAt} in flight
    private long waitingSince = -1; // when the oldest waiting record was appended; -1: none
    private boolean spilling; // records in (acked, spilledTo] are in the spill file
    private long spilledTo;
    private volatile boolean needsResync;
    private boolean resyncing;
    private long nextAttempt;
    private long retryDelay;
    private volatile String why = "not connected yet";
    private String resyncReason;

    /** A link to a backup known to hold every record up to {@code acked}, while the journal ends at {@code last}. */
    public LinkMachine(Config config, long acked, long last, long now) {
        this.config = config;
        this.acked = acked;
        this.applied = acked;
        this.last = last;
        this.retryDelay = config.retryDelay().toNanos();
        this.nextAttempt = now;
    }

    public State state() {
        return state;
    }

    public long acked() {
        return acked;
    }

    public long applied() {
        return applied;
    }

    public boolean needsResync() {
        return needsResync;
    }

    /** Why the link is not streaming (the last failure), for status pages and logs. */
    public String why() {
        return why;
    }

    /**
     * When a {@link Tick} would next do something, on the events' clock (nanoseconds): try an
     * unreachable backup again, give up on a batch unacknowledged for {@code ackTimeout}, or send
     * records that waited {@code batchDelay}. {@link Long#MAX_VALUE}: only other events change
     * anything. The shell sleeps until then instead of ticking.
     */
    public long nextDeadline() {
        if (state == State.UNREACHABLE) {
            return nextAttempt;
        }
        if (!connected()) {
            return Long.MAX_VALUE;
        }
        long d = Long.MAX_VALUE;
        long[] oldest = batches.peekFirst();
        if (oldest != null) {
            d = oldest[1] + config.ackTimeout().toNanos();
        }
        if (!resyncing && !waiting.isEmpty() && sent >= catchUpTo && batches.size() < config.maxInFlight()) {
            d = Math.min(d, waitingSince + config.batchDelay().toNanos());
        }
        return d;
    }

    public List<Effect> on(Event e) {
        List<Effect> out = new ArrayList<>();
        if (e instanceof Appended a) {
            appended(a, out);
        } else if (e instanceof Tick t) {
            tick(t.now(), out);
        } else if (e instanceof Connected) {
            if (state == State.CONNECTING) {
                state = State.HANDSHAKE;
            }
        } else if (e instanceof Ready r) {
            ready(r, out);
        } else if (e instanceof Acked a) {
            acked(a, out);
        } else if (e instanceof Lost l) {
            if (state != State.UNREACHABLE && state != State.DIVERGED) {
                unreachable(l.reason(), l.now(), false, out);
            }
        } else if (e instanceof SpillDropped d) {
            spilling = false;
            resyncReason = "the spill file was dropped: " + d.reason();
            why = resyncReason;
            needsResync = true; // last: a status read from another thread that sees it sees why
        } else if (e instanceof Resynced r) {
            resynced(r, out);
        }
        return out;
    }

    private boolean connected() {
        return state == State.CATCHING_UP || state == State.STREAMING;
    }

    private void appended(Appended a, List<Effect> out) {
        last = a.seq();
        if (connected() && !resyncing) {
            waiting.addLast(new long[] {a.seq(), a.bytes()});
            waitingBytes += a.bytes();
            if (waitingSince < 0) {
                waitingSince = a.now();
            }
            if (waitingBytes + flyingBytes > config.queueBytes()) {
                unreachable("more than " + config.queueBytes() + " bytes unacknowledged (the backup is too slow)",
                        a.now(), true, out);
                return;
            }
            sendDue(a.now(), out);
        } else if (spilling && !needsResync) {
            spill(a.seq(), a.seq(), out); // also while (re)connecting: the spill stays whole until drained
        }
        // otherwise the record stays in the journal, read from there once the backup is back
    }

    private void tick(long now, List<Effect> out) {
        if (state == State.UNREACHABLE && now >= nextAttempt) {
            state = State.CONNECTING;
            out.add(new Connect());
        } else if (connected()) {
            long[] oldest = batches.peekFirst();
            if (oldest != null && now - oldest[1] >= config.ackTimeout().toNanos()) {
                unreachable("no acknowledgement within " + config.ackTimeout().toMillis() + " ms", now, true, out);
                return;
            }
            sendDue(now, out);
        }
    }

    private void ready(Ready r, List<Effect> out) {
        if (state != State.HANDSHAKE) {
            return;
        }
        if (r.durable() > last) {
            state = State.DIVERGED;
            why = "the backup holds #" + r.durable() + ", beyond this primary's last record #" + last;
            out.add(new Disconnect(why));
            return;
        }
        retryDelay = config.retryDelay().toNanos();
        acked = Math.max(acked, r.durable());
        applied = Math.max(applied, r.applied());
        startStreaming(r.now());
        if (spilling && acked >= spilledTo) {
            spilling = false;
            out.add(new DeleteSpill());
        }
        boolean fresh = acked == 0 && !r.journalFromEmptyTree();
        if (needsResync || r.backupWantsResync() || acked + 1 < r.oldestAvailable() || fresh) {
            resyncing = true;
            out.add(new FullResync(needsResync ? resyncReason : r.backupWantsResync() ? "the backup asks for one: it "
                    + "held records this primary does not (an older primary's, kept in its divergence directory)"
                    : fresh ? "a new backup, and the journal began when "
                    + "the tree already held files" : "records after #" + acked + " are no longer kept (the oldest is #"
                    + r.oldestAvailable() + ")"));
            return;
        }
        sendDue(r.now(), out);
    }

    private void startStreaming(long now) {
        sent = acked;
        catchUpTo = last;
        waiting.clear();
        waitingBytes = 0;
        flying.clear();
        flyingBytes = 0;
        batches.clear();
        waitingSince = -1;
        state = catchUpTo > sent ? State.CATCHING_UP : State.STREAMING;
        why = null;
    }

    private void acked(Acked a, List<Effect> out) {
        if (!connected() || a.durable() > sent || a.durable() < acked) {
            return; // stale, or claims records it was never sent: ignored (the shell refuses such frames)
        }
        acked = a.durable();
        applied = Math.max(applied, a.applied());
        while (!batches.isEmpty() && batches.peekFirst()[0] <= acked) {
            batches.removeFirst();
        }
        while (!flying.isEmpty() && flying.peekFirst()[0] <= acked) {
            flyingBytes -= flying.removeFirst()[1];
        }
        if (spilling && acked >= spilledTo) {
            spilling = false;
            out.add(new DeleteSpill());
        }
        sendDue(a.now(), out);
    }

    private void resynced(Resynced r, List<Effect> out) {
        if (!resyncing || !connected()) {
            return;
        }
        resyncing = false;
        needsResync = false;
        acked = Math.max(acked, r.upTo());
        applied = Math.max(applied, r.upTo());
        startStreaming(r.now());
        sendDue(r.now(), out);
    }

    /** Sends batches while the window allows and one is due. */
    private void sendDue(long now, List<Effect> out) {
        while (!resyncing && batches.size() < config.maxInFlight()) {
            long from = sent + 1;
            if (sent < catchUpTo) {
                sent = Math.min(catchUpTo, sent + config.catchUpRecords());
            } else if (!waiting.isEmpty()) {
                boolean due = waitingBytes >= config.batchBytes() || now - waitingSince >= config.batchDelay().toNanos();
                if (!due) {
                    return;
                }
                long bytes = 0;
                while (!waiting.isEmpty() && (bytes == 0 || bytes + waiting.peekFirst()[1] <= config.batchBytes())) {
                    long[] r = waiting.removeFirst();
                    waitingBytes -= r[1];
                    bytes += r[1];
                    flying.addLast(r);
                    flyingBytes += r[1];
                    sent = r[0];
                }
                waitingSince = waiting.isEmpty() ? -1 : now;
            } else {
                return;
            }
            out.add(new Send(from, sent));
            batches.addLast(new long[] {sent, now});
            if (state == State.CATCHING_UP && sent >= catchUpTo) {
                state = State.STREAMING;
            }
        }
    }

    private void unreachable(String reason, long now, boolean disconnect, List<Effect> out) {
        if (disconnect) {
            out.add(new Disconnect(reason));
        }
        why = needsResync ? reason + "; it needs a FULL RESYNC (" + resyncReason + ")" : reason; // both stay visible
        state = State.UNREACHABLE;
        resyncing = false;
        batches.clear();
        waiting.clear();
        waitingBytes = 0;
        flying.clear();
        flyingBytes = 0;
        waitingSince = -1;
        nextAttempt = now + retryDelay;
        retryDelay = Math.min(retryDelay * 2, config.maxRetryDelay().toNanos());
        if (needsResync) {
            return;
        }
        long from = (spilling ? spilledTo : acked) + 1;
        spilling = true; // from now on every record goes to the spill file until the backup holds it
        spilledTo = Math.max(spilledTo, acked);
        if (from <= last) {
            spill(from, last, out);
        }
    }

    private void spill(long from, long to, List<Effect> out) {
        spilling = true;
        spilledTo = to;
        out.add(new Spill(from, to));
    }
}
