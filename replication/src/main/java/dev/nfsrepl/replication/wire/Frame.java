package dev.nfsrepl.replication.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One message of the replication protocol: a type and its payload (whose layout the type
 * defines). See {@link FrameCodec} for how frames travel.
 */
public record Frame(Type type, byte[] payload) {

    /** Frame types and their one-byte codes. */
    public enum Type {
        /** backup → primary, first frame: version:u16 nonce:32 */
        CHALLENGE(1),
        /** primary → backup: version:u16 nonce:32 proof:32 name:utf8 */
        AUTH(2),
        /** backup → primary: proof:32; from here on every frame carries a MAC */
        WELCOME(3),
        /** either way, then the connection closes: reason:utf8 */
        REFUSED(4),
        /** primary → backup: records (layout defined by the shipping layer) */
        BATCH(10),
        /** backup → primary: what the backup holds and has applied */
        ACK(11),
        /** primary → backup: how far the backup may apply ({@link Commit}) */
        COMMIT(12),
        /** primary → backup, first after the handshake: the export's identity ({@link Hello}) */
        HELLO(13),
        /** primary → backup: a full resync starts ({@link ResyncBegin}) */
        RESYNC_BEGIN(14),
        /** primary → backup: ops that rebuild the tree (a {@link Batch} with its own numbering from 1) */
        RESYNC_DATA(15),
        /** primary → backup: the walk is over ({@link ResyncPoint}: start, and the journal's last record at the end) */
        RESYNC_END(16),
        /** backup → primary, answering RESYNC_BEGIN: the copy of an interrupted resync it can resume ({@link ResyncHave}) */
        RESYNC_HAVE(17),
        /**
         * backup → primary, unasked (an {@link Ack}'s layout): applying moved, or stopped (DIVERGED);
         * answers no frame, so it is no credit of a full resync. At most one per 100 ms, and one
         * within 100 ms of the last change, so that an idle primary knows its backup applied everything.
         */
        PROGRESS(18),
        /**
         * either way, unasked and unanswered: a cluster datagram ({@code ClusterWire}: a heartbeat or
         * its answer) sent over the replication connection too, so that one broken path is not taken
         * for a dead primary. Handled as it arrives, ahead of the frames queued before it.
         */
        CLUSTER(19);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    public Frame {
        Objects.requireNonNull(type);
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return type + "(" + payload.length + " bytes)";
    }
}
