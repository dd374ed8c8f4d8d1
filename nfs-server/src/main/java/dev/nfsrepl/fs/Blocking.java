package dev.nfsrepl.fs;

import java.util.function.Supplier;

/**
 * Which threads may wait. A network thread answers cheap requests (a GETATTR, a LOOKUP) itself,
 * because handing each one to a worker costs more than the request; but it serves many clients,
 * so it must never wait long. A {@link FileSystem} calls {@link #mayBlock} before work that can
 * take long (walking the tree, writing identity durably); on a thread running
 * {@link #forbidden} that throws {@link WouldBlockException}, and the caller runs the operation
 * again on a worker. Operations run this way must have no effect before their first
 * {@code mayBlock}, so that running them again is safe.
 */
public final class Blocking {

    private static final ThreadLocal<Boolean> FORBIDDEN = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Blocking() {
    }

    /** Runs {@code work} on this thread with waiting forbidden; it may throw {@link WouldBlockException}. */
    public static <T> T forbidden(Supplier<T> work) {
        boolean outer = FORBIDDEN.get();
        FORBIDDEN.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            FORBIDDEN.set(outer);
        }
    }

    /** Called before slow work: throws if this thread must not wait, else returns. */
    public static void mayBlock(String what) {
        if (FORBIDDEN.get()) {
            throw new WouldBlockException(what);
        }
    }

    /** Slow work was needed on a thread that must not wait; run the operation on a worker. */
    public static final class WouldBlockException extends RuntimeException {
        WouldBlockException(String what) {
            super(what, null, false, false); // control flow, not an error: no stack trace
        }
    }
}
