package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.wire.Hello;
import java.io.IOException;

/**
 * A backup's store for one replicated export, as the {@link ReplicaServer} sees it: on the
 * primary's HELLO, the receiver for its export (a new backup opens its tree with the primary's
 * root identity; a backup holding another export refuses).
 */
public interface Replica {

    /** The receiver for the export {@code hello} names; throws (the connection is refused) when this backup holds another. */
    Receiver attach(Hello hello) throws IOException;
}
