package dev.nfsrepl.replication.log;

import java.nio.file.Path;
import java.util.List;

/**
 * What opening a log found: how many records it holds, and every place where damage (a torn tail
 * after a crash, a bad checksum, garbage) cut it. Nothing is deleted: a cut segment keeps its bytes
 * and gets a cut marker beside it; segments after the damage are moved to {@code damaged/}.
 */
public record RecoveryReport(Path dir, long records, long firstSeq, long lastSeq, List<Cut> cuts) {

    /**
     * @param segment       the damaged segment
     * @param position      the first byte not accepted
     * @param bytesCut      bytes of that segment after {@code position}
     * @param lastGoodSeq   the last record kept (every record after it is dropped from the log)
     * @param reason        what was wrong at {@code position}
     * @param movedAside    later segments moved to {@code damaged/}
     */
    public record Cut(Path segment, long position, long bytesCut, long lastGoodSeq, String reason,
                      List<Path> movedAside) {
        @Override
        public String toString() {
            return segment + ": cut at byte " + position + " (" + bytesCut + " bytes after it; last record kept #"
                    + lastGoodSeq + "): " + reason
                    + (movedAside.isEmpty() ? "" : "; later segments moved aside: " + movedAside);
        }
    }

    public boolean clean() {
        return cuts.isEmpty();
    }
}
