package dev.nfsrepl.replication.record;

/** Record types. The code is the first byte of a record body: never renumber. */
public enum OpType {
    CREATE(1), MKDIR(2), SYMLINK(3), MKNOD(4), WRITE(5), SETATTR(6), REMOVE(7), RMDIR(8), RENAME(9),
    LINK(10), COMMIT(11), ADOPT(12), ABORT(13), MARK(14), MONITOR(15);

    private static final OpType[] BY_CODE = new OpType[16];

    static {
        for (OpType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    OpType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static OpType of(int code) {
        OpType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) {
            throw new RecordFormatException("unknown record type " + code);
        }
        return t;
    }

    /** True for types that change the tree (all but COMMIT, ABORT, MARK and MONITOR). */
    public boolean changesTree() {
        return this != COMMIT && this != ABORT && this != MARK && this != MONITOR;
    }
}
