package dev.nfsrepl.replication.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochHistoryTest {

    @TempDir
    Path tmp;

    @Test
    void theForkIsTheFirstRecordTwoHistoriesGiveToDifferentEpochs() {
        EpochHistory common = EpochHistory.parse("1:1,2:500");
        // the old primary of epoch 2 wrote up to #620; the new primary (epoch 4) began at #600
        EpochHistory promoted = common.begin(4, 600);
        assertEquals(600, common.forkWith(promoted));
        assertEquals(600, promoted.forkWith(common));
        // a primary of epoch 3 that wrote from #590 and was never heard of by the epoch-5 primary from #595
        EpochHistory lost = common.begin(3, 590);
        EpochHistory winner = common.begin(5, 595);
        assertEquals(590, lost.forkWith(winner), "from #590 the lost primary's records are its own");
        assertEquals(700, common.forkWith(common.begin(3, 700)),
                "a history that goes on: a journal of the first that ends before #700 holds nothing of the fork");
        assertEquals(Long.MAX_VALUE, common.forkWith(EpochHistory.parse("1:1,2:500")));
        assertEquals(2, promoted.epochOf(599));
        assertEquals(4, promoted.epochOf(600));
        assertEquals(0, promoted.epochOf(0));
    }

    @Test
    void anEpochThatWroteNothingLeavesNoTraceAndOrderIsEnforced() {
        EpochHistory h = EpochHistory.parse("1:1").begin(2, 40).begin(3, 40);
        assertEquals("1:1,3:40", h.toString());
        assertEquals(h, EpochHistory.parse(h.toString()));
        assertThrows(IllegalArgumentException.class, () -> h.begin(3, 50), "an epoch begins once");
        assertThrows(IllegalArgumentException.class, () -> h.begin(4, 39), "records only go forward");
        assertThrows(IllegalArgumentException.class, () -> EpochHistory.parse("1:1,x"));
    }

    @Test
    void theClusterStateSurvivesARestartAndADamagedFileIsNamed() throws IOException {
        ClusterState s = ClusterState.load(tmp);
        assertEquals(0, s.epoch());
        assertNull(s.votedFor());
        s.vote(3, "b");
        s.history(EpochHistory.parse("1:1,3:77"));
        ClusterState again = ClusterState.load(tmp);
        assertEquals(3, again.epoch());
        assertEquals("b", again.votedFor());
        assertEquals("1:1,3:77", again.history().toString());
        assertThrows(IllegalArgumentException.class, () -> again.vote(2, null), "epochs never go back");
        Files.writeString(tmp.resolve("cluster.properties"), "epoch = 2\nepochs = 1:1,3:77\n");
        IOException e = assertThrows(IOException.class, () -> ClusterState.load(tmp));
        assertEquals(true, e.getMessage().contains("cluster.properties"), e.getMessage());
    }
}
