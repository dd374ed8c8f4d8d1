package dev.nfsrepl.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting for a condition with a deadline (polling it, not sleeping in place of synchronisation). */
final class Await {

    private Await() {
    }

    /** Whether {@code condition} held within {@code timeout} (polled every 100 ms). */
    static boolean within(Duration timeout, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Waits until {@code condition} holds; fails, naming {@code what}, when it does not within {@code timeout}. */
    static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        if (!within(timeout, condition)) {
            throw new AssertionError("waited " + timeout + " for " + what);
        }
    }
}
