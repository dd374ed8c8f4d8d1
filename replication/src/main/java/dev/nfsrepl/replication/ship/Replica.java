package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.ResyncBegin;
import dev.nfsrepl.replication.wire.ResyncHave;
import dev.nfsrepl.replication.wire.ResyncPoint;
import java.io.IOException;

/**
 * A backup's store for one replicated export, as the {@link ReplicaServer} sees it: on the
 * primary's HELLO, the receiver for its export (a new backup opens its tree with the primary's
 * root identity; a backup holding another export refuses); and the target of a full resync.
 */
public interface Replica {

    /** The receiver for the export {@code hello} names; throws (the connection is refused) when this backup holds another. */
    Receiver attach(Hello hello) throws IOException;

    /**
     * A full resync starts (after a HELLO): applying stops, a new copy is built from the ops that
     * follow — or, when this backup holds the copy of an interrupted resync from a record the primary
     * still keeps ({@code oldestKept} or later), that copy is resumed: see {@link Resync#have}.
     */
    default Resync beginResync(ResyncBegin begin) throws IOException {
        throw new IOException("this backup cannot take a full resync");
    }

    /** A full resync in progress. */
    interface Resync {

        /** The copy this resync resumes (its start and directory digests), or null for a new one from the primary's start. */
        ResyncHave have();

        /** One op of the walk (numbered from 1 within the resync). */
        void apply(OpRecord r) throws IOException;

        /** The walk is over: the new copy replaces the old one; returns the receiver, which goes on after {@code p.start()}. */
        Receiver finish(ResyncPoint p) throws IOException;
    }
}
