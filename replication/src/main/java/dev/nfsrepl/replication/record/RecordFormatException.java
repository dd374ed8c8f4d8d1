package dev.nfsrepl.replication.record;

/** Bytes that do not decode as a record: bad type, field out of range, record shorter than its fields. */
public final class RecordFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RecordFormatException(String message) {
        super(message);
    }
}
