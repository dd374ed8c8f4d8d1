package dev.nfsrepl.replication.ship;

/** A backup's tree does not match what a record expects; applying stops until an operator or a resync acts. */
public final class DivergedException extends Exception {

    private static final long serialVersionUID = 1L;

    public DivergedException(String message) {
        super(message);
    }
}
