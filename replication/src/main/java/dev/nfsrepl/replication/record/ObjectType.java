package dev.nfsrepl.replication.record;

/** Types of objects that records create. The code is part of the record format: never renumber. */
public enum ObjectType {
    REGULAR(1), DIRECTORY(2), SYMLINK(3), FIFO(4), SOCKET(5);

    private final int code;

    ObjectType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ObjectType of(int code) {
        for (ObjectType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new RecordFormatException("unknown object type " + code);
    }
}
