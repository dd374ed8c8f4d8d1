package dev.nfsrepl.replication.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.record.RecordFormatException;
import dev.nfsrepl.replication.wire.SyncKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterWireTest {

    static final byte[] KEY = SyncKey.of("a cluster's shared secret".getBytes(StandardCharsets.UTF_8)).derive("cluster");
    final ClusterWire wire = new ClusterWire(KEY);

    @Test
    void everyMessageRoundTrips() {
        List<Election.Message> all = List.of(new Election.Heartbeat(7, 123_456_789L), new Election.HeartbeatAck(7, 42),
                new Election.VoteRequest(8, 7, 99_000, true), new Election.VoteRequest(8, 0, 0, false),
                new Election.VoteRequest(8, 7, 5, false, true), new Election.Vote(8, true, true),
                new Election.Vote(8, true), new Election.Vote(9, false), new Election.Release(7, "node-β"),
                new Election.Release(7, null));
        long counter = 0;
        for (Election.Message m : all) {
            byte[] bytes = wire.encode("node-α", 5, ++counter, m);
            assertEquals(new ClusterWire.Datagram("node-α", 5, counter, m), wire.decode(bytes));
        }
    }

    @Test
    void anotherKeyAnAlteredByteAndATruncationAreRefused() {
        byte[] bytes = wire.encode("a", 1, 1, new Election.VoteRequest(3, 2, 10, false));
        ClusterWire other = new ClusterWire(SyncKey.of("another cluster's secret!".getBytes(StandardCharsets.UTF_8))
                .derive("cluster"));
        assertThrows(RecordFormatException.class, () -> other.decode(bytes));
        Random rnd = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] altered = bytes.clone();
            altered[rnd.nextInt(altered.length)] ^= (byte) (1 + rnd.nextInt(255));
            assertThrows(RecordFormatException.class, () -> wire.decode(altered));
            byte[] cut = Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
            assertThrows(RecordFormatException.class, () -> wire.decode(cut));
        }
        assertThrows(RecordFormatException.class, () -> wire.decode(new byte[ClusterWire.MAX_BYTES + 1]));
    }

    @Test
    void aDatagramReplayedWithinOneBootIsRefused() {
        ClusterWire.Replays replays = new ClusterWire.Replays();
        ClusterWire.Datagram first = wire.decode(wire.encode("a", 1, 1, new Election.Heartbeat(3, 10)));
        ClusterWire.Datagram second = wire.decode(wire.encode("a", 1, 2, new Election.Heartbeat(3, 20)));
        assertTrue(replays.fresh(first));
        assertTrue(replays.fresh(second));
        assertFalse(replays.fresh(first), "an old one again");
        assertFalse(replays.fresh(second), "the same one again");
        assertTrue(replays.fresh(wire.decode(wire.encode("a", 2, 1, new Election.Heartbeat(3, 30)))),
                "the sender restarted: a new boot counts from 1");
        assertTrue(replays.fresh(wire.decode(wire.encode("b", 1, 1, new Election.Heartbeat(3, 30)))), "another sender");
    }
}
