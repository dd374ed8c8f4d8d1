package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.wire.Hello;
import java.io.IOException;

/**
 * Which primaries a backup accepts, in a cluster with failover: none of an epoch older than the
 * newest this node knows (its HELLO is refused, and a connection accepted before is closed once
 * the node learns of a newer epoch: {@link ReplicaServer#fence}).
 */
public interface Fencing {

    /** Accepts the primary that sent {@code hello}, or throws (naming both epochs) to refuse it. */
    void accept(Hello hello) throws IOException;

    /** Outside a cluster: every primary of the export is accepted. */
    Fencing NONE = hello -> { };
}
