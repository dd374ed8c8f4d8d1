package dev.nfsrepl.replication.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.ship.LinkMachine.Acked;
import dev.nfsrepl.replication.ship.LinkMachine.Appended;
import dev.nfsrepl.replication.ship.LinkMachine.Connect;
import dev.nfsrepl.replication.ship.LinkMachine.Connected;
import dev.nfsrepl.replication.ship.LinkMachine.DeleteSpill;
import dev.nfsrepl.replication.ship.LinkMachine.Disconnect;
import dev.nfsrepl.replication.ship.LinkMachine.Effect;
import dev.nfsrepl.replication.ship.LinkMachine.FullResync;
import dev.nfsrepl.replication.ship.LinkMachine.Lost;
import dev.nfsrepl.replication.ship.LinkMachine.Ready;
import dev.nfsrepl.replication.ship.LinkMachine.Resynced;
import dev.nfsrepl.replication.ship.LinkMachine.Send;
import dev.nfsrepl.replication.ship.LinkMachine.Spill;
import dev.nfsrepl.replication.ship.LinkMachine.SpillDropped;
import dev.nfsrepl.replication.ship.LinkMachine.State;
import dev.nfsrepl.replication.ship.LinkMachine.Tick;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-backup link as a pure machine: events in, effects out, time given by the test. */
class LinkMachineTest {

    private static final long MS = 1_000_000;
    private static final LinkMachine.Config CONFIG = new LinkMachine.Config(1000, Duration.ofMillis(5), 2, 100,
            Duration.ofSeconds(2), 100_000, Duration.ofSeconds(1), Duration.ofSeconds(8));

    long now;
    long seq;

    /** A machine streaming to a backup that holds everything up to {@code last}. */
    LinkMachine streaming(long last) {
        LinkMachine m = new LinkMachine(CONFIG, last, last, now);
        seq = last;
        assertEquals(List.of(new Connect()), m.on(new Tick(now)));
        assertEquals(List.of(), m.on(new Connected(now)));
        assertEquals(List.of(), m.on(new Ready(last, last, 1, now)));
        assertEquals(State.STREAMING, m.state());
        return m;
    }

    List<Effect> append(LinkMachine m, long bytes) {
        return m.on(new Appended(++seq, bytes, now));
    }

    @Test
    void recordsLeaveInBatchesWhenEnoughBytesWaitOrTheOldestHasWaitedLongEnough() {
        LinkMachine m = streaming(0);
        assertEquals(List.of(), append(m, 400));
        assertEquals(List.of(), append(m, 400));
        assertEquals(List.of(new Send(1, 2)), append(m, 400), "1,200 bytes wait: a batch of what fits in 1,000");
        now += 4 * MS;
        assertEquals(List.of(), m.on(new Tick(now)));
        now += MS;
        assertEquals(List.of(new Send(3, 3)), m.on(new Tick(now)), "#3 has waited 5 ms");
    }

    @Test
    void theNextDeadlineIsWhenATickWouldActAndNothingHappensBeforeIt() {
        LinkMachine m = streaming(0);
        assertEquals(Long.MAX_VALUE, m.nextDeadline(), "nothing waits and nothing is in flight");
        long t0 = now;
        append(m, 400);
        assertEquals(t0 + 5 * MS, m.nextDeadline(), "the batch delay of the waiting record");
        now = m.nextDeadline() - 1;
        assertEquals(List.of(), m.on(new Tick(now)));
        now++;
        assertEquals(List.of(new Send(1, 1)), m.on(new Tick(now)));
        assertEquals(now + 2_000 * MS, m.nextDeadline(), "the acknowledgement timeout of the batch in flight");
        assertEquals(List.of(new Send(2, 2)), append(m, 1000));
        append(m, 10);
        assertEquals(t0 + 5 * MS + 2_000 * MS, m.nextDeadline(), "the window is full: #3 waits for an ACK, not a delay");
        now = m.nextDeadline();
        m.on(new Tick(now));
        assertEquals(State.UNREACHABLE, m.state());
        assertEquals(now + 1_000 * MS, m.nextDeadline(), "the retry");
        now = m.nextDeadline();
        assertEquals(List.of(new Connect()), m.on(new Tick(now)));
        assertEquals(Long.MAX_VALUE, m.nextDeadline(), "connecting: the connection's outcome is the next event");
    }

    @Test
    void atMostMaxInFlightBatchesAreUnacknowledged() {
        LinkMachine m = streaming(0);
        assertEquals(List.of(new Send(1, 1)), append(m, 1000));
        assertEquals(List.of(new Send(2, 2)), append(m, 1000));
        assertEquals(List.of(), append(m, 1000), "two batches in flight: #3 waits");
        assertEquals(List.of(new Send(3, 3)), m.on(new Acked(1, 1, now)));
        assertEquals(1, m.acked());
    }

    @Test
    void noAcknowledgementInTimeSpillsEverythingUnacknowledgedAndTheSpillIsDeliveredFirstOnReturn() {
        LinkMachine m = streaming(0);
        append(m, 1000);
        append(m, 1000);
        m.on(new Acked(1, 1, now));
        now += 2_000 * MS;
        List<Effect> out = m.on(new Tick(now));
        assertInstanceOf(Disconnect.class, out.get(0));
        assertEquals(new Spill(2, 2), out.get(1), "#2 was never acknowledged");
        assertEquals(State.UNREACHABLE, m.state());
        assertEquals(List.of(new Spill(3, 3)), append(m, 10), "while away, every record goes to the spill file");
        assertEquals(List.of(), m.on(new Tick(now + 999 * MS)), "retry after 1 s");
        now += 1000 * MS;
        assertEquals(List.of(new Connect()), m.on(new Tick(now)));
        assertEquals(List.of(new Spill(4, 4)), append(m, 10), "still spilling while connecting");
        m.on(new Connected(now));
        assertEquals(List.of(new Send(2, 4)), m.on(new Ready(1, 1, 1, now)), "the missed records first, by count");
        assertEquals(State.STREAMING, m.state());
        assertEquals(List.of(), append(m, 10), "newer records wait behind");
        assertEquals(List.of(new DeleteSpill()), m.on(new Acked(4, 4, now)));
        now += 5 * MS;
        assertEquals(List.of(new Send(5, 5)), m.on(new Tick(now)));
    }

    @Test
    void aLongGapIsCaughtUpInBatchesOfCatchUpRecordsBeforeNewerRecords() {
        LinkMachine m = new LinkMachine(CONFIG, 0, 250, now);
        seq = 250;
        m.on(new Tick(now));
        m.on(new Connected(now));
        assertEquals(List.of(new Send(1, 100), new Send(101, 200)), m.on(new Ready(0, 0, 1, now)));
        assertEquals(State.CATCHING_UP, m.state());
        assertEquals(List.of(), append(m, 2000), "#251 waits for the catch-up");
        assertEquals(List.of(new Send(201, 250)), m.on(new Acked(100, 100, now)));
        assertEquals(State.STREAMING, m.state());
        assertEquals(List.of(new Send(251, 251)), m.on(new Acked(200, 200, now)));
    }

    @Test
    void aDroppedSpillOrAGapNoLongerKeptMeansAFullResyncThenStreamingFromItsPoint() {
        LinkMachine m = streaming(0);
        m.on(new Lost("connection reset", now));
        assertEquals(List.of(new Spill(1, 1)), append(m, 10));
        m.on(new SpillDropped("over 8 GiB", now));
        assertEquals(List.of(), append(m, 10), "no spill any more");
        assertTrue(m.needsResync());
        now += 1000 * MS;
        m.on(new Tick(now));
        m.on(new Lost("cannot connect to b1", now)); // a later failure does not hide the resync to come
        assertTrue(m.why().contains("cannot connect to b1") && m.why().contains("over 8 GiB"), m.why());
        now += 2000 * MS;
        m.on(new Tick(now));
        m.on(new Connected(now));
        List<Effect> out = m.on(new Ready(0, 0, 1, now));
        assertEquals(1, out.size());
        assertTrue(((FullResync) out.get(0)).reason().contains("over 8 GiB"), out.toString());
        assertEquals(List.of(), append(m, 10), "nothing is sent during the resync");
        assertEquals(List.of(new Send(3, 3)), m.on(new Resynced(2, now)), "then from the resync's point on");

        LinkMachine fresh = new LinkMachine(CONFIG, 5, 900, now);
        fresh.on(new Tick(now));
        fresh.on(new Connected(now));
        out = fresh.on(new Ready(5, 5, 600, now));
        assertTrue(((FullResync) out.get(0)).reason().contains("no longer kept"), out.toString());
    }

    @Test
    void aNewBackupOfAJournalBegunOnATreeThatHeldFilesIsResyncedFirst() {
        LinkMachine m = new LinkMachine(CONFIG, 0, 10, now);
        m.on(new Tick(now));
        m.on(new Connected(now));
        List<Effect> out = m.on(new Ready(0, 0, 1, false, now));
        assertEquals(1, out.size(), out.toString());
        assertTrue(((FullResync) out.get(0)).reason().contains("already held files"), out.toString());

        LinkMachine known = new LinkMachine(CONFIG, 0, 10, now);
        known.on(new Tick(now));
        known.on(new Connected(now));
        assertEquals(List.of(new Send(4, 10)), known.on(new Ready(3, 3, 1, false, now)),
                "a backup that holds records already had the tree: it streams");
    }

    @Test
    void aBackupAheadOfThePrimaryIsDivergedAndLeftAlone() {
        LinkMachine m = new LinkMachine(CONFIG, 0, 10, now);
        m.on(new Tick(now));
        m.on(new Connected(now));
        assertInstanceOf(Disconnect.class, m.on(new Ready(12, 12, 1, now)).get(0));
        assertEquals(State.DIVERGED, m.state());
        assertEquals(List.of(), m.on(new Tick(now + 3600_000 * MS)), "no reconnecting");
        assertTrue(m.why().contains("#12"), m.why());
    }

    @Test
    void retriesBackOffUpToTheLimit() {
        LinkMachine m = new LinkMachine(CONFIG, 0, 0, now);
        assertEquals(List.of(new Connect()), m.on(new Tick(now)));
        long[] waits = new long[6];
        for (int i = 0; i < waits.length; i++) {
            m.on(new Lost("connection refused", now));
            long start = now;
            do {
                now += 100 * MS;
            } while (m.on(new Tick(now)).isEmpty());
            waits[i] = (now - start) / MS;
        }
        assertEquals("[1000, 2000, 4000, 8000, 8000, 8000]", java.util.Arrays.toString(waits));
    }

    @Test
    void aBackupTooSlowForTheQueueIsTreatedAsAway() {
        LinkMachine m = streaming(0);
        List<Effect> out = List.of();
        for (int i = 0; i < 150 && out.stream().noneMatch(e -> e instanceof Disconnect); i++) {
            out = append(m, 1000);
        }
        assertInstanceOf(Disconnect.class, out.get(0));
        assertTrue(((Disconnect) out.get(0)).reason().contains("too slow"));
        assertEquals(new Spill(1, seq), out.get(1));
    }

    @Test
    void staleAndImpossibleAcknowledgementsChangeNothing() {
        LinkMachine m = streaming(0);
        append(m, 1000);
        assertEquals(List.of(), m.on(new Acked(5, 5, now)), "never sent");
        assertEquals(0, m.acked());
        m.on(new Acked(1, 1, now));
        m.on(new Acked(0, 0, now));
        assertEquals(1, m.acked(), "acknowledgements never go backwards");
    }
}
