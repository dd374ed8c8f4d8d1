package dev.nfsrepl.journal;

/** A restore or replay refused, with what kind of refusal it is (the admin API answers 400, 404 or 409). */
public final class RestoreException extends Exception {

    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public RestoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
