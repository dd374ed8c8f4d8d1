package dev.nfsrepl.replication.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Election} in a simulated network (one clock, messages delayed, lost, cut by partitions,
 * nodes stopped and restarted from what they persisted): never two primaries in one epoch, never
 * two nodes allowed to write at the same instant, a primary again once a quorum can talk, and a
 * new primary's log holds everything a quorum held.
 */
class ElectionTest {

    static final long MS = 1_000_000L;
    static final Election.Config BASE = new Election.Config("a", List.of("a", "b", "c"), Duration.ofMillis(100),
            Duration.ofMillis(1000), Duration.ofMillis(1500), Election.Promotion.AUTOMATIC);

    /** A cluster of nodes on one simulated clock. */
    static final class Sim {
        final Random rnd;
        final List<String> names;
        final Election.Config template;
        final Map<String, Election> nodes = new HashMap<>();
        final Map<String, long[]> persisted = new HashMap<>(); // name -> {epoch}
        final Map<String, String> persistedVote = new HashMap<>();
        final Map<String, Long> lease = new HashMap<>();
        final Map<String, Long> log = new HashMap<>(); // last seq each node holds (all in the primary's epochs)
        final Map<String, Long> logEpoch = new HashMap<>();
        final Set<String> down = new HashSet<>();
        final Set<Set<String>> cut = new HashSet<>(); // pairs that cannot talk
        final Map<Long, String> primaryOf = new HashMap<>();
        final PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
        final List<Object[]> inFlight = new ArrayList<>(); // index -> {from, to, message}
        long now = 1_000 * MS;
        double loss;

        Sim(long seed, List<String> names, Election.Config template) {
            this.rnd = new Random(seed);
            this.names = names;
            this.template = template;
            for (String n : names) {
                persisted.put(n, new long[] {0});
                log.put(n, 0L);
                logEpoch.put(n, 0L);
                lease.put(n, 0L);
            }
            names.forEach(this::start);
        }

        Election.Config config(String n) {
            return new Election.Config(n, names, template.heartbeat(), template.lease(), template.failAfter(),
                    template.promotion());
        }

        void start(String n) {
            nodes.put(n, new Election(config(n), persisted.get(n)[0], persistedVote.get(n),
                    new SplittableRandom(rnd.nextLong()), now));
            lease.put(n, 0L);
            down.remove(n);
            perform(n, nodes.get(n).step(new Election.LogEnd(logEpoch.get(n), log.get(n), now)));
        }

        void stop(String n) {
            down.add(n);
            nodes.remove(n);
            lease.put(n, 0L);
        }

        boolean linked(String a, String b) {
            return !down.contains(a) && !down.contains(b) && !cut.contains(Set.of(a, b));
        }

        void isolate(String n) {
            for (String m : names) {
                if (!m.equals(n)) {
                    cut.add(Set.of(n, m));
                }
            }
        }

        void heal() {
            cut.clear();
        }

        void perform(String n, List<Election.Effect> effects) {
            for (Election.Effect e : effects) {
                if (e instanceof Election.Persist p) {
                    assertTrue(p.epoch() >= persisted.get(n)[0], n + " persisted an older epoch");
                    persisted.get(n)[0] = p.epoch();
                    persistedVote.put(n, p.votedFor());
                } else if (e instanceof Election.Send s) {
                    boolean proposal = (s.message() instanceof Election.VoteRequest q && q.pre())
                            || (s.message() instanceof Election.Vote a && a.pre() && a.granted()); // an epoch asked about
                    assertTrue(proposal || s.message().epoch() <= persisted.get(n)[0], n + " sent " + s
                            + " before persisting its epoch");
                    if (linked(n, s.to()) && rnd.nextDouble() >= loss) {
                        inFlight.add(new Object[] {n, s.to(), s.message()});
                        queue.add(new long[] {now + rnd.nextInt(20) * MS, inFlight.size() - 1});
                    }
                } else if (e instanceof Election.RoleChanged r && r.role() == Election.Role.PRIMARY) {
                    String before = primaryOf.putIfAbsent(r.epoch(), n);
                    assertTrue(before == null || before.equals(n), "two primaries in epoch " + r.epoch() + ": "
                            + before + " and " + n);
                    // leader completeness: a new primary's log holds every position a quorum held
                    assertTrue(compare(logEpoch.get(n), log.get(n), committed[0], committed[1]) >= 0, n
                            + " became primary in epoch " + r.epoch() + " holding #" + log.get(n) + " of epoch "
                            + logEpoch.get(n) + ", behind #" + committed[1] + " of epoch " + committed[0]
                            + " that a quorum held");
                } else if (e instanceof Election.LeaseChanged l) {
                    lease.put(n, l.until());
                }
            }
            assertExclusiveLease();
        }

        final long[] committed = {0, 0}; // (epoch, seq): the newest log position a quorum held

        static int compare(long e1, long s1, long e2, long s2) {
            return e1 != e2 ? Long.compare(e1, e2) : Long.compare(s1, s2);
        }

        /** Notes the newest position a quorum holds (a node at (e, s) holds its epoch's history up to s). */
        void noteCommitted() {
            List<long[]> at = names.stream().map(n -> new long[] {logEpoch.get(n), log.get(n)})
                    .sorted((x, y) -> compare(y[0], y[1], x[0], x[1])).toList();
            long[] q = at.get(config(names.get(0)).quorum() - 1);
            if (compare(q[0], q[1], committed[0], committed[1]) > 0) {
                committed[0] = q[0];
                committed[1] = q[1];
            }
        }

        void assertExclusiveLease() {
            List<String> writable = names.stream().filter(n -> !down.contains(n) && lease.get(n) > now).toList();
            assertTrue(writable.size() <= 1, "at " + now / MS + " ms, " + writable + " may all write");
        }

        /** Runs for {@code ms}, ticking every node each millisecond; the writable primary appends and ships records. */
        void run(long ms) {
            long end = now + ms * MS;
            while (now < end) {
                now += MS;
                while (!queue.isEmpty() && queue.peek()[0] <= now) {
                    Object[] m = inFlight.get((int) queue.poll()[1]);
                    String from = (String) m[0];
                    String to = (String) m[1];
                    if (linked(from, to) && nodes.containsKey(to)) {
                        perform(to, nodes.get(to).step(new Election.Received(from, (Election.Message) m[2], now)));
                    }
                }
                for (String n : names) {
                    if (nodes.containsKey(n)) {
                        perform(n, nodes.get(n).step(new Election.Tick(now)));
                    }
                }
                replicate();
            }
        }

        /** The writable primary appends a record now and then; nodes it can reach copy its log. */
        void replicate() {
            for (String p : names) {
                if (down.contains(p) || lease.get(p) <= now || nodes.get(p).role() != Election.Role.PRIMARY) {
                    continue;
                }
                if (rnd.nextInt(10) == 0) {
                    log.put(p, log.get(p) + 1);
                    logEpoch.put(p, nodes.get(p).epoch());
                    perform(p, nodes.get(p).step(new Election.LogEnd(logEpoch.get(p), log.get(p), now)));
                }
                for (String b : names) {
                    if (!b.equals(p) && linked(p, b) && nodes.get(b).primary() != null
                            && nodes.get(b).primary().equals(p) && log.get(b) < log.get(p)) {
                        log.put(b, log.get(p)); // (a backup of this primary: its log is a prefix of the primary's)
                        logEpoch.put(b, logEpoch.get(p));
                        perform(b, nodes.get(b).step(new Election.LogEnd(logEpoch.get(b), log.get(b), now)));
                    }
                }
                noteCommitted();
            }
        }

        String primary() {
            List<String> p = names.stream().filter(n -> nodes.containsKey(n)
                    && nodes.get(n).role() == Election.Role.PRIMARY && lease.get(n) > now).toList();
            return p.size() == 1 ? p.get(0) : null;
        }

        /** Runs until a writable primary that every live node follows, within {@code ms}; returns it. */
        String awaitPrimary(long ms) {
            long end = now + ms * MS;
            while (now < end) {
                run(10);
                String p = primary();
                if (p != null && names.stream().filter(nodes::containsKey)
                        .allMatch(n -> p.equals(nodes.get(n).primary()) || !linked(p, n))) {
                    return p;
                }
            }
            fail("no primary within " + ms + " ms; roles " + roles());
            return null;
        }

        Map<String, String> roles() {
            Map<String, String> r = new HashMap<>();
            nodes.forEach((n, e) -> r.put(n, e.role() + "@" + e.epoch()));
            return r;
        }
    }

    @Test
    void threeNodesElectOnePrimaryAndAKilledPrimaryIsReplacedAfterItsLease() {
        Sim s = new Sim(1, List.of("a", "b", "c"), BASE);
        String first = s.awaitPrimary(5_000);
        long epoch = s.nodes.get(first).epoch();
        s.run(500);
        assertEquals(first, s.primary(), "it keeps its lease while its backups answer");
        long killedAt = s.now;
        s.stop(first);
        String second = s.awaitPrimary(5_000);
        assertNotEquals(first, second);
        long took = (s.now - killedAt) / MS;
        assertTrue(took >= 1000, "taken over after " + took + " ms: not before the lease could have ended");
        assertTrue(took < 1500 + 1500 + 500, "taken over after " + took + " ms");
        assertTrue(s.nodes.get(second).epoch() > epoch);
        s.start(first); // it comes back as a backup of the new primary
        s.run(1_000);
        assertEquals(second, s.primary());
        assertEquals(second, s.nodes.get(first).primary());
        assertEquals(Election.Role.BACKUP, s.nodes.get(first).role());
    }

    @Test
    void aPrimaryCutOffAloneStopsWritingBeforeTheOthersElectANewOne() {
        Sim s = new Sim(2, List.of("a", "b", "c"), BASE);
        String first = s.awaitPrimary(5_000);
        s.isolate(first);
        long cutAt = s.now;
        long stoppedAt = -1;
        while (s.now - cutAt < 5_000 * MS) {
            s.run(1);
            if (stoppedAt < 0 && s.lease.get(first) <= s.now) {
                stoppedAt = s.now; // its lease ran out: no more writes
            }
            String p = s.primary();
            if (p != null && !p.equals(first)) {
                assertTrue(stoppedAt > 0 && stoppedAt <= s.now, "a new primary while the old one could still write");
                break;
            }
        }
        assertTrue(stoppedAt > 0 && (stoppedAt - cutAt) / MS <= 1000, "the isolated primary stopped after "
                + (stoppedAt - cutAt) / MS + " ms");
        assertNotNull(s.primary(), "the majority side elected a primary");
        assertEquals(Election.Role.PRIMARY, s.nodes.get(first).role(), "alone, it still thinks so, but may not write");
        s.heal();
        String after = s.awaitPrimary(3_000);
        assertNotEquals(first, after);
        assertEquals(Election.Role.BACKUP, s.nodes.get(first).role(), "the newer epoch reached it: it follows");
    }

    @Test
    void aBackupCutOffRaisesNoEpochAndDoesNotDeposeThePrimaryWhenItReturns() {
        Sim s = new Sim(5, List.of("a", "b", "c"), BASE);
        String primary = s.awaitPrimary(5_000);
        long epoch = s.nodes.get(primary).epoch();
        String away = s.names.stream().filter(n -> !n.equals(primary)).findFirst().orElseThrow();
        s.isolate(away);
        s.run(10_000); // many election timeouts: it asks, nobody answers
        assertEquals(epoch, s.nodes.get(away).epoch(), "pre-votes alone never raise the epoch");
        s.heal();
        s.run(2_000);
        assertEquals(primary, s.primary(), "the primary was not deposed");
        assertEquals(epoch, s.nodes.get(primary).epoch());
        assertEquals(primary, s.nodes.get(away).primary(), "it follows the primary again");
    }

    @Test
    void aPlannedSwitchoverHandsTheLeaseToTheNamedSuccessorAtOnce() {
        Sim s = new Sim(3, List.of("a", "b", "c"), BASE);
        String first = s.awaitPrimary(5_000);
        String next = s.names.stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();
        long at = s.now;
        s.perform(first, s.nodes.get(first).step(new Election.StepDown(next, s.now)));
        assertNull(s.primary(), "the old primary stops writing at once");
        assertEquals(next, s.awaitPrimary(2_000));
        assertTrue((s.now - at) / MS < 500, "handed over in " + (s.now - at) / MS + " ms, without waiting for a lease");
    }

    @Test
    void twoNodesInManualModeTakeOverOnlyWhenTold() {
        Election.Config two = new Election.Config("a", List.of("a", "b"), Duration.ofMillis(100), Duration.ofMillis(1000),
                Duration.ofMillis(1500), Election.Promotion.MANUAL);
        Sim s = new Sim(4, List.of("a", "b"), two);
        s.run(5_000);
        assertNull(s.primary(), "nobody stands by itself");
        s.perform("a", s.nodes.get("a").step(new Election.Promote(true, s.now)));
        assertEquals("a", s.awaitPrimary(1_000));
        s.stop("b");
        s.run(3_000);
        assertEquals("a", s.primary(), "with two nodes the primary writes alone");
        s.start("b");
        s.run(500);
        s.stop("a");
        s.run(5_000);
        assertNull(s.primary(), "b does not take over by itself");
        s.perform("b", s.nodes.get("b").step(new Election.Promote(true, s.now)));
        assertEquals("b", s.awaitPrimary(1_000));
    }

    @Test
    void aCandidateBehindTheVotersLogIsRefused() {
        Election c = new Election(new Election.Config("c", List.of("a", "b", "c"), Duration.ofMillis(100),
                Duration.ofMillis(1000), Duration.ofMillis(1500), Election.Promotion.AUTOMATIC), 3, null,
                new SplittableRandom(1), 0);
        c.step(new Election.LogEnd(3, 500, 0));
        long later = 2_000 * MS; // past the promise a restarted node keeps
        List<Election.Effect> out = c.step(new Election.Received("a", new Election.VoteRequest(4, 3, 499, false), later));
        assertTrue(out.contains(new Election.Send("a", new Election.Vote(4, false))), out.toString());
        out = c.step(new Election.Received("b", new Election.VoteRequest(4, 3, 500, false), later));
        assertEquals(List.of(new Election.Persist(4, "b"), new Election.Send("b", new Election.Vote(4, true))), out,
                "persisted before it answers");
        out = c.step(new Election.Received("a", new Election.VoteRequest(4, 3, 900, false), later));
        assertTrue(out.contains(new Election.Send("a", new Election.Vote(4, false))), "one vote per epoch: " + out);
    }

    static Election node(String self, List<String> members, Election.Promotion p, long epoch) {
        return new Election(new Election.Config(self, members, Duration.ofMillis(100), Duration.ofMillis(1000),
                Duration.ofMillis(1500), p), epoch, null, new SplittableRandom(1), 0);
    }

    static boolean sends(List<Election.Effect> out, Class<? extends Election.Message> type) {
        return out.stream().anyMatch(f -> f instanceof Election.Send s && type.isInstance(s.message()));
    }

    @Test
    void anOperatorsPromotionWithoutForceKeepsTheNodesOwnLeasePromise() {
        Election c = node("c", List.of("a", "b", "c"), Election.Promotion.AUTOMATIC, 3);
        c.step(new Election.Received("a", new Election.Heartbeat(3, 0), 10 * MS)); // promised a: no vote for 1 s
        assertTrue(c.step(new Election.Promote(false, 500 * MS)).isEmpty(), "it stood while its promise held");
        List<Election.Effect> out = c.step(new Election.Promote(false, 1_100 * MS));
        assertTrue(out.contains(new Election.Send("a", new Election.VoteRequest(4, 0, 0, false, true))), out.toString());
        Election fresh = node("a", List.of("a", "b"), Election.Promotion.MANUAL, 0);
        fresh.step(new Election.Promote(false, 0));
        assertEquals(Election.Role.PRIMARY, fresh.role(), "at epoch 0 it never promised anything: a new cluster's "
                + "first member stands");
    }

    @Test
    void twoPrimariesOfOneEpochBothStopWritingWhenTheyHearEachOther() {
        // two members in automatic mode, cut off from each other: each promoted itself into epoch 1
        Election a = node("a", List.of("a", "b"), Election.Promotion.AUTOMATIC, 0);
        a.step(new Election.Promote(true, 0));
        assertEquals(Election.Role.PRIMARY, a.role());
        List<Election.Effect> out = a.step(new Election.Received("b", new Election.Heartbeat(1, 5), 10 * MS));
        assertTrue(out.contains(new Election.LeaseChanged(0)), "it follows b but may still write: " + out);
        assertEquals(Election.Role.BACKUP, a.role());
    }

    @Test
    void aSteppedDownPrimarySendsItsReleaseAgainUntilTheSuccessorHasSurelyHeardIt() {
        Election a = node("a", List.of("a", "b", "c"), Election.Promotion.AUTOMATIC, 0);
        a.step(new Election.Promote(true, 0));
        a.step(new Election.Received("b", new Election.Vote(1, true), MS));
        assertEquals(Election.Role.PRIMARY, a.role());
        List<Election.Effect> out = a.step(new Election.StepDown("b", 2 * MS));
        assertTrue(out.contains(new Election.Send("b", new Election.Release(1, "b"))), out.toString());
        assertTrue(sends(a.step(new Election.Tick(110 * MS)), Election.Release.class), "sent again a heartbeat later");
        a.step(new Election.Tick(1_600 * MS));
        assertTrue(!sends(a.step(new Election.Tick(1_750 * MS)), Election.Release.class), "not past failAfter");
    }

    @Test
    void aSuccessorThatFailsToWinAsksAgainAsAnyCandidateWouldNotAsAHandOver() {
        Election b = node("b", List.of("a", "b", "c"), Election.Promotion.AUTOMATIC, 0);
        b.step(new Election.Received("a", new Election.Heartbeat(1, 0), MS));
        List<Election.Effect> out = b.step(new Election.Received("a", new Election.Release(1, "b"), 2 * MS));
        assertTrue(out.contains(new Election.Send("c", new Election.VoteRequest(2, 0, 0, true))), out.toString());
        out = b.step(new Election.Tick(3_000 * MS)); // no votes came
        assertTrue(out.contains(new Election.Send("c", new Election.VoteRequest(3, 0, 0, false, true))),
                "a pre-vote for the next epoch, yielding no promise: " + out);
        assertTrue(out.stream().noneMatch(f -> f instanceof Election.Send s && s.message() instanceof Election.VoteRequest v
                && v.handOver()), out.toString());
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void underRandomFailuresThereIsNeverMoreThanOneWriterAndAlwaysOneAgain(long seed) {
        List<String> names = seed % 2 == 0 ? List.of("a", "b", "c") : List.of("a", "b", "c", "d", "e");
        Sim s = new Sim(seed, names, BASE);
        s.loss = 0.05;
        Random r = new Random(seed);
        for (int round = 0; round < 30; round++) {
            switch (r.nextInt(5)) {
                case 0 -> {
                    String n = names.get(r.nextInt(names.size()));
                    if (s.nodes.containsKey(n) && s.down.size() < names.size() / 2) {
                        s.stop(n);
                    }
                }
                case 1 -> new ArrayList<>(s.down).forEach(s::start);
                case 2 -> s.isolate(names.get(r.nextInt(names.size())));
                case 3 -> {
                    int x = r.nextInt(names.size());
                    s.cut.add(Set.of(names.get(x), names.get((x + 1 + r.nextInt(names.size() - 1)) % names.size())));
                }
                default -> s.heal();
            }
            s.run(200 + r.nextInt(3_000)); // the invariants are checked at every step
        }
        s.heal();
        new ArrayList<>(s.down).forEach(s::start);
        s.loss = 0;
        assertNotNull(s.awaitPrimary(10_000));
    }
}
