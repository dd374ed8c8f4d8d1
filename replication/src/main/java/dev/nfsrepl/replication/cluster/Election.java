package dev.nfsrepl.replication.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Who is primary, as a pure state machine per node: {@link Event}s in, {@link Effect}s out, times
 * from the shell's monotonic clock (nanoseconds). A Raft-style election with leases, for the small
 * cluster state only (epoch and primary; the records themselves are replicated by the
 * {@code ship} package, whose sequence numbers stand for Raft's log index):
 *
 * <ul>
 *   <li><b>Epochs and votes.</b> Each node persists (epoch, votedFor) and votes at most once per
 *       epoch, before it answers ({@link Persist} comes before the {@link Send} it covers). A voter
 *       refuses a candidate whose (last epoch, last sequence) is behind its own, so a new primary
 *       holds every record a majority holds: in sync mode, every acknowledged change.</li>
 *   <li><b>Lease.</b> The primary sends a heartbeat every {@code heartbeat}; each backup answers
 *       with the heartbeat's send time. The primary may accept writes until L after the send time
 *       of the newest heartbeat that a quorum (itself included) answered, L being {@code lease}
 *       shortened by a tenth for clock-rate drift ({@link LeaseChanged}). A backup that answered a
 *       heartbeat received at r refuses every vote until r + {@code lease}, and stands for election
 *       {@code failAfter} (at least the lease) plus a random part of a quarter of it after the last
 *       heartbeat it heard (so that backups that lost the same primary do not split the vote). Any
 *       two quorums share a node, so no candidate wins before the old primary's lease ended.</li>
 *   <li><b>Fencing.</b> Anything of an older epoch is refused and answered with the newer one; a
 *       node that learns of a newer epoch adopts it and, if it was primary, stops at once.</li>
 *   <li><b>Hand-over.</b> A primary asked to step down stops writing at once and sends
 *       {@link Release}: its backups drop their promise, and the named successor (if any) stands
 *       for election at once (a planned switchover; the shell first waits until that successor
 *       holds every record).</li>
 * </ul>
 *
 * <p>Quorum: a majority of the members. With two members it is one (the primary alone): a primary
 * keeps writing when its backup is away, and so, in {@link Promotion#AUTOMATIC} mode, a partition
 * can make two primaries; {@link Promotion#MANUAL} (the default for two) leaves taking over to an
 * operator who knows the old primary is down ({@link Promote} with {@code force}).
 *
 * <p>Roles: {@link Role#BACKUP} (following {@link #primary()}, or none known), {@link Role#CANDIDATE}
 * (asking for votes in its epoch), {@link Role#PRIMARY} (its epoch's only primary; writable while
 * its lease lasts). Not thread-safe: the shell feeds it from one thread.
 */
public final class Election {

    public enum Role { BACKUP, CANDIDATE, PRIMARY }

    /** Whether a backup takes over by itself when its primary is silent, or only when told to. */
    public enum Promotion { AUTOMATIC, MANUAL }

    /**
     * @param self      this node's name
     * @param members   every node's name, this one's included
     * @param heartbeat how often the primary sends heartbeats
     * @param lease     see the class comment
     * @param failAfter silence after which a backup stands for election (at least {@code lease})
     */
    public record Config(String self, List<String> members, Duration heartbeat, Duration lease, Duration failAfter,
                         Promotion promotion) {
        public Config {
            if (!members.contains(self)) {
                throw new IllegalArgumentException("the members " + members + " do not include this node, " + self);
            }
            if (failAfter.compareTo(lease) < 0) {
                throw new IllegalArgumentException("a backup must wait at least the lease (" + lease.toMillis()
                        + " ms) before taking over, not " + failAfter.toMillis() + " ms");
            }
            if (heartbeat.multipliedBy(2).compareTo(lease) > 0) {
                throw new IllegalArgumentException("heartbeats every " + heartbeat.toMillis() + " ms cannot keep a "
                        + lease.toMillis() + " ms lease: send at least two per lease");
            }
        }

        /** How many nodes, this one included, elect a primary and keep its lease. */
        public int quorum() {
            return members.size() == 2 ? 1 : members.size() / 2 + 1;
        }
    }

    // ------------------------------------------------------------------ messages between nodes

    /** What nodes send each other; every message carries its sender's epoch. */
    public sealed interface Message {
        long epoch();
    }

    /** Primary → backups: alive, as of {@code sentAt} (the primary's clock; echoed back). */
    public record Heartbeat(long epoch, long sentAt) implements Message {
    }

    /** Backup → primary: heartbeat {@code sentAt} received (or, with a newer epoch, refused). */
    public record HeartbeatAck(long epoch, long sentAt) implements Message {
    }

    /**
     * Candidate → all. {@code handOver}: the primary named it successor, or an operator forces it; the
     * lease promise yields. {@code pre}: a pre-vote (would you vote for me in {@code epoch}?), which
     * changes nothing at the voter.
     */
    public record VoteRequest(long epoch, long lastEpoch, long lastSeq, boolean handOver, boolean pre) implements Message {
        public VoteRequest(long epoch, long lastEpoch, long lastSeq, boolean handOver) {
            this(epoch, lastEpoch, lastSeq, handOver, false);
        }
    }

    /** The answer to a {@link VoteRequest} (a granted pre-vote carries the epoch asked about; a refusal, the voter's). */
    public record Vote(long epoch, boolean granted, boolean pre) implements Message {
        public Vote(long epoch, boolean granted) {
            this(epoch, granted, false);
        }
    }

    /** A primary stepping down: its lease is over; {@code successor} (or null) stands for election now. */
    public record Release(long epoch, String successor) implements Message {
    }

    // ------------------------------------------------------------------ events and effects

    public sealed interface Event {
        long now();
    }

    public record Tick(long now) implements Event {
    }

    public record Received(String from, Message message, long now) implements Event {
    }

    /** The node's replicated log now ends with record {@code lastSeq}, written in epoch {@code lastEpoch}. */
    public record LogEnd(long lastEpoch, long lastSeq, long now) implements Event {
    }

    /**
     * A candidacy of this node takes an epoch of at least {@code min} (the FileIds a primary issues
     * carry its epoch: a node that saw ids of epoch e stands in e + 1 at least, even if the cluster's
     * epochs are lower, e.g. an export served before the cluster existed).
     */
    public record EpochFloor(long min, long now) implements Event {
    }

    /**
     * Whether this node may stand for election by itself (and without {@code force}): not while its
     * copy of the tree is not one a primary gave it (a new member, holding nothing yet, must not
     * become the primary whose tree the others copy).
     */
    public record Eligible(boolean eligible, long now) implements Event {
    }

    /**
     * An operator asks this node to take over. Without {@code force} it stands for election as on a
     * primary's silence (voters still keep their lease promise); with it, voters grant despite
     * their promise (the operator knows the primary is down, or it named this node successor).
     */
    public record Promote(boolean force, long now) implements Event {
    }

    /** An operator (or a planned switchover) asks the primary to step down, naming its successor (or null). */
    public record StepDown(String successor, long now) implements Event {
    }

    public sealed interface Effect {
    }

    /** Write (epoch, votedFor) durably before performing the effects after this one. */
    public record Persist(long epoch, String votedFor) implements Effect {
    }

    public record Send(String to, Message message) implements Effect {
    }

    /** The node's role or its knowledge of the primary changed. */
    public record RoleChanged(Role role, long epoch, String primary) implements Effect {
    }

    /** The primary may accept writes until {@code until} (its clock; {@code Long.MAX_VALUE}: while it is primary; 0: not). */
    public record LeaseChanged(long until) implements Effect {
    }

    // ------------------------------------------------------------------ state

    private final Config config;
    private final RandomGenerator random;
    private final long heartbeatNanos;
    private final long leaseNanos;
    private final long failAfterNanos;
    private long epoch;
    private String votedFor;
    private Role role = Role.BACKUP;
    private String primary;
    private long lastHeard; // last heartbeat of the primary (or the start, or a vote granted)
    private long jitter; // drawn anew each time: backups that lost the same primary do not stand at the same instant
    private long promisedUntil; // no vote for another candidate before this
    private long electionEnds; // a candidate's election: given up and retried after this
    private long nextHeartbeat;
    private long leaseUntil;
    private long logEpoch;
    private long logSeq;
    private long floor;
    private long preEpoch; // the epoch a pre-vote in progress asks about
    private long preEnds; // when it is given up (0: none in progress)
    private final Set<String> preVotes = new HashSet<>();
    private boolean eligible = true;
    private Releasing releasing; // a step-down's Release, sent again until it is surely heard
    private long standUntil; // told to stand (a promotion, a hand-over): it asks again until this, even in MANUAL mode

    private record Releasing(long epoch, String successor, long until) {
    }
    private final Set<String> votes = new HashSet<>();
    private final Map<String, Long> answered = new HashMap<>(); // backup -> newest heartbeat send time it answered

    /**
     * A node that starts from its persisted {@code epoch} and {@code votedFor}, following no one
     * yet. It stands for election (when automatic) only after {@code failAfter}: a primary may be
     * out there.
     */
    public Election(Config config, long epoch, String votedFor, RandomGenerator random, long now) {
        this.config = config;
        this.random = random;
        this.heartbeatNanos = config.heartbeat().toNanos();
        this.leaseNanos = config.lease().toNanos();
        this.failAfterNanos = config.failAfter().toNanos();
        this.epoch = epoch;
        this.votedFor = votedFor;
        heard(now);
        // it may have promised before it stopped (at epoch 0 it never heard a primary: nothing to keep)
        this.promisedUntil = epoch == 0 ? now : now + leaseNanos;
    }

    public Role role() {
        return role;
    }

    public long epoch() {
        return epoch;
    }

    /** The primary this node follows (itself when primary), or null when it knows none. */
    public String primary() {
        return primary;
    }

    public List<Effect> step(Event e) {
        List<Effect> out = new ArrayList<>();
        if (e instanceof Tick t) {
            tick(t.now(), out);
        } else if (e instanceof Received r) {
            received(r.from(), r.message(), r.now(), out);
        } else if (e instanceof LogEnd l) {
            logEpoch = l.lastEpoch();
            logSeq = l.lastSeq();
        } else if (e instanceof Eligible g) {
            eligible = g.eligible();
        } else if (e instanceof EpochFloor f) {
            floor = Math.max(floor, f.min());
        } else if (e instanceof Promote p) {
            if (role != Role.PRIMARY && eligible) {
                standUntil = p.now() + 2 * failAfterNanos;
            }
            if (role != Role.PRIMARY && p.force()) {
                campaign(true, p.now(), out);
            } else if (role == Role.BACKUP && eligible && p.now() >= promisedUntil) {
                preVote(p.now(), out); // (its own promise holds as the others' do: only force yields it)
            }
        } else if (e instanceof StepDown s) {
            stepDown(s.successor(), s.now(), out);
        }
        return out;
    }

    private void tick(long now, List<Effect> out) {
        switch (role) {
            case PRIMARY -> {
                if (now >= nextHeartbeat) {
                    nextHeartbeat = now + heartbeatNanos;
                    for (String m : others()) {
                        out.add(new Send(m, new Heartbeat(epoch, now)));
                    }
                }
                renewLease(now, out);
            }
            case CANDIDATE -> {
                if (now >= electionEnds) {
                    // split vote or lost messages: ask again before taking an epoch, as any candidate (only
                    // the first try of a hand-over or a forced promotion asks voters to yield their promise)
                    role = Role.BACKUP;
                    out.add(new RoleChanged(role, epoch, null));
                    preVote(now, out);
                }
            }
            case BACKUP -> {
                if (releasing != null && now >= nextHeartbeat) {
                    if (now >= releasing.until || releasing.epoch != epoch) {
                        releasing = null;
                    } else { // (a datagram may be lost: sent again each heartbeat until failAfter)
                        nextHeartbeat = now + heartbeatNanos;
                        sendRelease(out);
                    }
                }
                boolean told = now < standUntil; // (an operator's promotion or a hand-over that failed once)
                if ((config.promotion() == Promotion.AUTOMATIC || told) && eligible
                        && (told || now - lastHeard >= failAfterNanos + jitter)
                        && now >= promisedUntil && (preEnds == 0 || now >= preEnds)) {
                    preVote(now, out);
                }
            }
        }
    }

    /**
     * Asks the others whether they would vote for this node in the next epoch, changing nothing
     * (Raft's pre-vote): only with a quorum's yes does it take the epoch and stand. A member cut off
     * from the others so never raises its epoch, and cannot depose a healthy primary when it returns.
     */
    private void preVote(long now, List<Effect> out) {
        preEpoch = Math.max(epoch + 1, floor);
        preVotes.clear();
        preVotes.add(config.self());
        preEnds = now + failAfterNanos / 2 + random.nextLong(Math.max(1, failAfterNanos / 2));
        if (preVotes.size() >= config.quorum()) {
            preEnds = 0;
            campaign(false, now, out);
            return;
        }
        for (String m : others()) {
            out.add(new Send(m, new VoteRequest(preEpoch, logEpoch, logSeq, false, true)));
        }
    }

    private void campaign(boolean handOver, long now, List<Effect> out) {
        epoch = Math.max(epoch + 1, floor);
        votedFor = config.self();
        role = Role.CANDIDATE;
        primary = null;
        votes.clear();
        votes.add(config.self());
        // a randomized timeout, so that candidates of a split vote do not collide again
        electionEnds = now + failAfterNanos / 2 + random.nextLong(Math.max(1, failAfterNanos / 2));
        out.add(new Persist(epoch, votedFor));
        out.add(new RoleChanged(role, epoch, null));
        for (String m : others()) {
            out.add(new Send(m, new VoteRequest(epoch, logEpoch, logSeq, handOver)));
        }
        maybeWin(now, out);
    }

    private void stepDown(String successor, long now, List<Effect> out) {
        if (role != Role.PRIMARY) {
            return;
        }
        role = Role.BACKUP;
        primary = null;
        heard(now);
        promisedUntil = 0;
        setLease(0, out);
        out.add(new RoleChanged(role, epoch, null));
        releasing = new Releasing(epoch, successor, now + failAfterNanos);
        nextHeartbeat = now + heartbeatNanos;
        sendRelease(out);
    }

    private void sendRelease(List<Effect> out) {
        for (String m : others()) {
            out.add(new Send(m, new Release(releasing.epoch, releasing.successor)));
        }
    }

    private void received(String from, Message m, long now, List<Effect> out) {
        if (!config.members().contains(from) || from.equals(config.self())) {
            return; // not of this cluster (the shell authenticates; this guards the names)
        }
        if (m instanceof VoteRequest v) {
            if (v.pre()) {
                preVoteRequested(from, v, now, out);
            } else {
                voteRequested(from, v, now, out);
            }
            return;
        }
        if (m.epoch() > epoch && !(m instanceof Vote v && v.pre() && v.granted())) {
            adopt(m.epoch(), out); // (a granted pre-vote carries the epoch asked about, not one anybody has)
        }
        if (m instanceof Heartbeat h) {
            if (h.epoch() < epoch) {
                out.add(new Send(from, new HeartbeatAck(epoch, h.sentAt()))); // tells the stale primary
                return;
            }
            if (role != Role.BACKUP || !from.equals(primary)) {
                if (role == Role.PRIMARY) { // two primaries of one epoch (two members, automatic mode)
                    setLease(0, out);
                }
                role = Role.BACKUP;
                primary = from;
                out.add(new RoleChanged(role, epoch, primary));
            }
            heard(now);
            promisedUntil = now + leaseNanos;
            standUntil = 0; // a primary is heard: nothing to stand for
            out.add(new Send(from, new HeartbeatAck(epoch, h.sentAt())));
        } else if (m instanceof HeartbeatAck a) {
            if (role == Role.PRIMARY && a.epoch() == epoch) {
                answered.merge(from, a.sentAt(), Math::max);
                renewLease(now, out);
            }
        } else if (m instanceof Vote v && v.pre()) {
            if (v.granted() && role == Role.BACKUP && preEnds != 0 && v.epoch() == preEpoch) {
                preVotes.add(from);
                if (preVotes.size() >= config.quorum()) {
                    preEnds = 0;
                    campaign(false, now, out);
                }
            }
        } else if (m instanceof Vote v) {
            if (role == Role.CANDIDATE && v.epoch() == epoch && v.granted()) {
                votes.add(from);
                maybeWin(now, out);
            }
        } else if (m instanceof Release r) {
            if (r.epoch() == epoch && from.equals(primary)) {
                primary = null;
                promisedUntil = 0;
                out.add(new RoleChanged(role, epoch, null));
                if (config.self().equals(r.successor())) {
                    standUntil = now + 2 * failAfterNanos;
                    campaign(true, now, out);
                }
            }
        }
    }

    /** Would this node vote for {@code from} in {@code v.epoch()}? Answers, and changes nothing. */
    private void preVoteRequested(String from, VoteRequest v, long now, List<Effect> out) {
        boolean leased = role == Role.PRIMARY ? now < leaseUntil : now < promisedUntil;
        boolean upToDate = v.lastEpoch() > logEpoch || (v.lastEpoch() == logEpoch && v.lastSeq() >= logSeq);
        boolean grant = !leased && v.epoch() > epoch && upToDate;
        out.add(new Send(from, new Vote(grant ? v.epoch() : epoch, grant, true)));
    }

    private void voteRequested(String from, VoteRequest v, long now, List<Effect> out) {
        boolean leased = role == Role.PRIMARY ? now < leaseUntil : now < promisedUntil;
        if (v.epoch() < epoch || (leased && !v.handOver())) {
            // an old candidate, or one that would cut a live primary's lease short: not even its epoch is taken
            out.add(new Send(from, new Vote(epoch, false)));
            return;
        }
        if (v.epoch() > epoch) {
            adopt(v.epoch(), out);
        }
        boolean upToDate = v.lastEpoch() > logEpoch || (v.lastEpoch() == logEpoch && v.lastSeq() >= logSeq);
        boolean grant = upToDate && (votedFor == null || votedFor.equals(from));
        if (grant) {
            votedFor = from;
            heard(now); // give it time to win before standing ourselves
            out.add(new Persist(epoch, votedFor));
        }
        out.add(new Send(from, new Vote(epoch, grant)));
    }

    /** A newer epoch: no vote in it yet; a primary or candidate of an older one stops. */
    private void adopt(long newer, List<Effect> out) {
        epoch = newer;
        votedFor = null;
        out.add(new Persist(epoch, null));
        if (role != Role.BACKUP || primary != null) {
            boolean wasPrimary = role == Role.PRIMARY;
            role = Role.BACKUP;
            primary = null;
            if (wasPrimary) {
                setLease(0, out);
            }
            out.add(new RoleChanged(role, epoch, null));
        }
    }

    private void maybeWin(long now, List<Effect> out) {
        if (votes.size() < config.quorum()) {
            return;
        }
        role = Role.PRIMARY;
        primary = config.self();
        answered.clear();
        out.add(new RoleChanged(role, epoch, primary));
        nextHeartbeat = now;
        tick(now, out); // heartbeats at once: the lease starts with their answers
    }

    /** The lease runs until L after the newest heartbeat a quorum (this node included) answered. */
    private void renewLease(long now, List<Effect> out) {
        long until;
        if (config.quorum() == 1) {
            until = Long.MAX_VALUE;
        } else {
            List<Long> times = new ArrayList<>(answered.values());
            times.sort(java.util.Comparator.reverseOrder());
            int needed = config.quorum() - 1; // answers besides this node's own
            until = times.size() < needed ? 0 : times.get(needed - 1) + leaseNanos - leaseNanos / 10;
        }
        setLease(until, out);
    }

    private void setLease(long until, List<Effect> out) {
        if (until != leaseUntil) {
            leaseUntil = until;
            out.add(new LeaseChanged(until));
        }
    }

    private void heard(long now) {
        lastHeard = now;
        preEnds = 0;
        jitter = random.nextLong(Math.max(1, failAfterNanos / 4));
    }

    private List<String> others() {
        return config.members().stream().filter(m -> !m.equals(config.self())).toList();
    }
}
