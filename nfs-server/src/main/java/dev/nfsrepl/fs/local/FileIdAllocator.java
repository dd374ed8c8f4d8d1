package dev.nfsrepl.fs.local;

import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Hands out FileIds that are never issued twice, even across crashes and promotions.
 *
 * <p>A FileId is {@code epoch << 48 | counter}. The epoch is raised whenever a node starts
 * issuing ids in a new role (a promoted backup), so it can never reissue an id its old primary
 * issued. Within an epoch the counter is reserved in chunks: before the first id of a chunk is
 * handed out, the end of the chunk is written durably to the state file, so after a crash the
 * allocator continues past everything it may have issued.
 *
 * <p>State file grammar ({@code fileids.properties}, java.util.Properties syntax):
 * <pre>
 *   epoch    = decimal 1..65535
 *   reserved = decimal, the first counter value not yet reserved
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class FileIdAllocator {

    static final int EPOCH_SHIFT = 48;
    static final long COUNTER_MASK = (1L << EPOCH_SHIFT) - 1;
    private static final long CHUNK = 1 << 16;

    private final Path stateFile;
    private final boolean isNew;
    private int epoch;
    private long next;
    private long reserved;

    private FileIdAllocator(Path stateFile, boolean isNew, int epoch, long next) {
        this.stateFile = stateFile;
        this.isNew = isNew;
        this.epoch = epoch;
        this.next = next;
        this.reserved = next;
    }

    /** Opens (or creates, with epoch 1) the allocator whose state lives in {@code stateDir}. */
    public static FileIdAllocator open(Path stateDir) throws IOException {
        Path file = stateDir.resolve("fileids.properties");
        if (!Files.exists(file)) {
            FileIdAllocator a = new FileIdAllocator(file, true, 1, 1);
            a.persist(1);
            return a;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            int epoch = Integer.parseInt(p.getProperty("epoch").trim());
            long reserved = Long.parseLong(p.getProperty("reserved").trim());
            if (epoch < 1 || epoch > 0xFFFF || reserved < 1 || reserved > COUNTER_MASK) {
                throw new IOException(file + ": epoch or reserved out of range: " + p);
            }
            return new FileIdAllocator(file, false, epoch, reserved);
        } catch (NullPointerException | NumberFormatException e) {
            throw new IOException(file + ": malformed FileId state (want epoch= and reserved=): " + p, e);
        }
    }

    public synchronized long next() {
        if (next >= reserved) {
            long newReserved = Math.min(next + CHUNK, COUNTER_MASK);
            if (newReserved <= next) {
                throw new IllegalStateException("FileId counter exhausted in epoch " + epoch);
            }
            try {
                persist(newReserved);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reserve FileIds in " + stateFile, e);
            }
        }
        return ((long) epoch << EPOCH_SHIFT) | next++;
    }

    /**
     * Notes that {@code id} exists (made elsewhere: a primary, a replayed journal), so that this
     * allocator never issues it: ids of its epoch are issued past it, and an id of a later epoch
     * moves the allocator to that epoch.
     */
    public synchronized void observe(long id) {
        int e = (int) (id >>> EPOCH_SHIFT);
        long counter = id & COUNTER_MASK;
        try {
            if (e > epoch) {
                newEpoch(e);
            }
            if (e == epoch && counter >= next) {
                next = counter + 1;
                if (next > reserved) {
                    persist(Math.min(next + CHUNK, COUNTER_MASK));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot reserve FileIds in " + stateFile, ex);
        }
    }

    /** True when this allocator's state file was created by this open: nothing was issued from it before. */
    public boolean isNew() {
        return isNew;
    }

    public synchronized int epoch() {
        return epoch;
    }

    /** Starts a new epoch (on promotion): ids issued from now on can never equal older ones. */
    public synchronized void newEpoch(int newEpoch) throws IOException {
        if (newEpoch <= epoch || newEpoch > 0xFFFF) {
            throw new IllegalArgumentException("epoch must grow: " + epoch + " -> " + newEpoch);
        }
        epoch = newEpoch;
        next = 1;
        persist(1);
    }

    private void persist(long newReserved) throws IOException {
        String text = "epoch=" + epoch + "\nreserved=" + newReserved + "\n";
        Durable.replace(stateFile, text.getBytes(StandardCharsets.UTF_8));
        reserved = newReserved;
    }
}
