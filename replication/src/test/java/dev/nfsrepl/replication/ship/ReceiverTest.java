package dev.nfsrepl.replication.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.wire.Ack;
import dev.nfsrepl.replication.wire.Batch;
import dev.nfsrepl.replication.wire.BatchTest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiverTest {

    @TempDir
    Path tmp;

    final List<Long> appliedSeqs = new CopyOnWriteArrayList<>();
    volatile long failAt = -1;

    final RecordSink sink = r -> {
        if (r.seq() == failAt) {
            throw new DivergedException("the name maps to another object");
        }
        appliedSeqs.add(r.seq());
    };

    SegmentLog open() throws IOException {
        return SegmentLog.open(tmp.resolve("received"), LogKind.RECEIVED, LogConfig.DEFAULTS, Clock.systemUTC());
    }

    static Batch batch(long from, int n, long commit) {
        return new Batch(commit, BatchTest.records(from, n));
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void batchesAreStoredAcknowledgedAndAppliedInOrderOnlyUpToTheCommitPoint() throws Exception {
        try (SegmentLog log = open(); Receiver rx = new Receiver(log, sink, 0)) {
            Ack a = rx.receive(batch(1, 10, 5));
            assertEquals(10, a.durable());
            waitFor(() -> rx.applied() == 5, "#5 is applied");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), appliedSeqs, "nothing beyond the commit point");
            rx.receive(batch(11, 2, 12));
            waitFor(() -> rx.applied() == 12, "#12 is applied");
            assertEquals(12, appliedSeqs.size());
            assertEquals(new Ack(12, 12), rx.position());
        }
    }

    @Test
    void aResentBatchIsStoredOnceAndAGapIsRefused() throws Exception {
        try (SegmentLog log = open(); Receiver rx = new Receiver(log, sink, 0)) {
            rx.receive(batch(1, 10, 0));
            assertEquals(12, rx.receive(batch(5, 8, 0)).durable(), "#5..#10 again, #11, #12 new");
            assertEquals(12, log.lastSeq());
            IOException e = assertThrows(IOException.class, () -> rx.receive(batch(20, 1, 0)));
            assertTrue(e.getMessage().contains("does not follow #12"), e.getMessage());
        }
    }

    @Test
    void aRecordThatDoesNotFitStopsApplyingButReceivingGoesOn() throws Exception {
        failAt = 3;
        try (SegmentLog log = open(); Receiver rx = new Receiver(log, sink, 0)) {
            rx.receive(batch(1, 5, 5));
            waitFor(() -> rx.diverged() != null, "applying stops");
            assertEquals(2, rx.applied(), "never skipped past #3");
            assertTrue(rx.diverged().contains("#3") || rx.diverged().contains("3"), rx.diverged());
            assertEquals(new Ack(7, 2, true), rx.receive(batch(6, 2, 7)), "still stored, and acknowledged as DIVERGED");
        }
    }

    @Test
    void afterARestartApplyingGoesOnFromTheCheckpoint() throws Exception {
        try (SegmentLog log = open(); Receiver rx = new Receiver(log, sink, 0)) {
            rx.receive(batch(1, 6, 4));
            waitFor(() -> rx.applied() == 4, "#4 is applied");
        }
        appliedSeqs.clear();
        try (SegmentLog log = open(); Receiver rx = new Receiver(log, sink, 4)) {
            assertEquals(new Ack(6, 4), rx.position());
            rx.receive(batch(7, 1, 7));
            waitFor(() -> rx.applied() == 7, "#7 is applied");
            assertEquals(List.of(5L, 6L, 7L), appliedSeqs);
        }
    }
}
