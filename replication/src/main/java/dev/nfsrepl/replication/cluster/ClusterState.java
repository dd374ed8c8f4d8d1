package dev.nfsrepl.replication.cluster;

import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a node of a cluster keeps across restarts ({@code STATE_DIR/cluster.properties}, replaced
 * atomically and fsynced before the node acts on it): its epoch, whom it voted for in it, and the
 * history of epochs (the first record each primary wrote), which tells where two journals forked.
 * <pre>
 *   epoch    = decimal                       ; 0 before the first election
 *   votedFor = NAME                          ; absent: no vote in this epoch
 *   epochs   = EPOCH:FIRSTSEQ(,EPOCH:FIRSTSEQ)*   ; ascending; absent: none yet
 * </pre>
 * Thread-safe: the election's thread writes the vote, the node's threads the history, and each
 * write replaces the whole file (through one temporary file), so they take turns.
 */
public final class ClusterState {

    private static final String FILE = "cluster.properties";

    private final Path file;
    private long epoch;
    private String votedFor;
    private EpochHistory history;

    private ClusterState(Path file, long epoch, String votedFor, EpochHistory history) {
        this.file = file;
        this.epoch = epoch;
        this.votedFor = votedFor;
        this.history = history;
    }

    /** Reads the state in {@code stateDir} (epoch 0, no vote, no history when there is none yet). */
    public static ClusterState load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            return new ClusterState(file, 0, null, EpochHistory.EMPTY);
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        try {
            long epoch = Long.parseLong(p.getProperty("epoch", "0"));
            EpochHistory h = EpochHistory.parse(p.getProperty("epochs", ""));
            if (epoch < 0 || h.lastEpoch() > epoch) {
                throw new IOException("epoch " + epoch + " with a history up to epoch " + h.lastEpoch());
            }
            return new ClusterState(file, epoch, p.getProperty("votedFor"), h);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    public synchronized long epoch() {
        return epoch;
    }

    public synchronized String votedFor() {
        return votedFor;
    }

    public synchronized EpochHistory history() {
        return history;
    }

    /** Durably records the epoch and the vote in it (Election's {@code Persist}). */
    public synchronized void vote(long epoch, String votedFor) throws IOException {
        if (epoch < this.epoch) {
            throw new IllegalArgumentException("epoch " + epoch + " is older than " + this.epoch);
        }
        long wasEpoch = this.epoch;
        String wasVote = this.votedFor;
        this.epoch = epoch;
        this.votedFor = votedFor;
        try {
            save();
        } catch (IOException e) {
            this.epoch = wasEpoch;
            this.votedFor = wasVote;
            throw e;
        }
    }

    /** Durably records the history a primary sent (or this node's own, as it becomes primary). */
    public synchronized void history(EpochHistory h) throws IOException {
        EpochHistory was = history;
        history = h;
        try {
            save();
        } catch (IOException e) {
            history = was;
            throw e;
        }
    }

    /** Durably begins {@code epoch} at record {@code firstSeq} (as this node becomes its primary); returns the history. */
    public synchronized EpochHistory begin(long epoch, long firstSeq) throws IOException {
        history(history.begin(epoch, firstSeq));
        return history;
    }

    private void save() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# nfsrepl cluster state: the epoch, the vote in it, and where each epoch's records begin");
        lines.add("epoch = " + epoch);
        if (votedFor != null) {
            lines.add("votedFor = " + votedFor);
        }
        if (!history.isEmpty()) {
            lines.add("epochs = " + history);
        }
        Files.createDirectories(file.getParent());
        Durable.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
