package dev.nfsrepl.replication.log;

/** What a segment log holds. The code is stored in every segment header: never renumber. */
public enum LogKind {
    /** A primary's journal: every change, in the order it took effect. */
    JOURNAL(1),
    /** Records kept for one unreachable backup. */
    SPILL(2),
    /** A backup's copy of what it received. */
    RECEIVED(3);

    private final int code;

    LogKind(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /**
     * Whether segments of {@code other} may be part of a log of this kind: a journal and a receive
     * journal hold the same history (the primary's records, under its sequence numbers), so when a
     * backup is promoted its receive journal goes on as its journal, and when an old primary returns
     * as a backup, the other way round.
     */
    public boolean sameHistory(LogKind other) {
        return this == other || (this != SPILL && other != SPILL);
    }

    static LogKind of(int code) {
        for (LogKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown log kind " + code);
    }
}
