package dev.nfsrepl.replication.record;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What a record did. One type per mutating NFSv3 procedure, plus ADOPT (an object that appeared
 * outside NFS) and ABORT (a record whose change failed after it was logged).
 *
 * <p>Objects are named by FileId. A name is a (parent FileId, name) pair, and every record that
 * acts on an existing name also carries the FileId that name resolved to, so that a replica can
 * check it acts on the same object. Created objects carry the FileId the primary assigned, so
 * every replica gives them the same identity. Times are nanoseconds since the epoch; a parent's
 * mtime is the one the change left it with.
 */
public sealed interface Op {

    OpType type();

    /** How CREATE treats an existing name (RFC 1813 createmode3). Codes are part of the format. */
    enum CreateHow { UNCHECKED, GUARDED, EXCLUSIVE }

    /** Write stability (RFC 1813 stable_how). Codes are part of the format. */
    enum Stability { UNSTABLE, DATA_SYNC, FILE_SYNC }

    /**
     * CREATE. {@code existed}: an UNCHECKED create that reused the regular file {@code id} already
     * at the name (its attributes then changed to {@code attrs}, e.g. truncated). {@code verifier}
     * is the EXCLUSIVE create verifier (0 otherwise).
     */
    record Create(long parent, String name, long id, CreateHow how, boolean existed, long verifier, Attrs attrs,
                  long parentMtimeNanos) implements Op {
        public Create {
            Objects.requireNonNull(name);
            Objects.requireNonNull(how);
            Objects.requireNonNull(attrs);
        }

        @Override
        public OpType type() {
            return OpType.CREATE;
        }
    }

    record Mkdir(long parent, String name, long id, Attrs attrs, long parentMtimeNanos) implements Op {
        public Mkdir {
            Objects.requireNonNull(name);
            Objects.requireNonNull(attrs);
        }

        @Override
        public OpType type() {
            return OpType.MKDIR;
        }
    }

    record Symlink(long parent, String name, long id, String target, Attrs attrs, long parentMtimeNanos)
            implements Op {
        public Symlink {
            Objects.requireNonNull(name);
            Objects.requireNonNull(target);
            Objects.requireNonNull(attrs);
        }

        @Override
        public OpType type() {
            return OpType.SYMLINK;
        }
    }

    /** MKNOD of a FIFO or a socket (character and block devices are refused by the server). */
    record Mknod(long parent, String name, long id, ObjectType objectType, Attrs attrs, long parentMtimeNanos)
            implements Op {
        public Mknod {
            Objects.requireNonNull(name);
            Objects.requireNonNull(attrs);
            if (objectType != ObjectType.FIFO && objectType != ObjectType.SOCKET) {
                throw new IllegalArgumentException("MKNOD makes FIFOs and sockets, not " + objectType);
            }
        }

        @Override
        public OpType type() {
            return OpType.MKNOD;
        }
    }

    /** WRITE of {@code data} at {@code offset}; the file's mtime afterwards is {@code mtimeNanos}. */
    record Write(long id, long offset, ByteBuffer data, Stability stability, long mtimeNanos) implements Op {
        public Write {
            if (offset < 0) {
                throw new IllegalArgumentException("negative offset " + offset);
            }
            Objects.requireNonNull(stability);
            data = data.asReadOnlyBuffer();
        }

        @Override
        public ByteBuffer data() {
            return data.duplicate();
        }

        @Override
        public OpType type() {
            return OpType.WRITE;
        }
    }

    /**
     * SETATTR: each non-null field is set. Times are always explicit: "set to the server's time"
     * is resolved to a time before the record is written, and a size change that moves mtime
     * carries that mtime.
     */
    record SetAttrs(long id, Integer mode, Integer uid, Integer gid, Long size, Long atimeNanos, Long mtimeNanos)
            implements Op {
        @Override
        public OpType type() {
            return OpType.SETATTR;
        }
    }

    record Remove(long parent, String name, long id, long parentMtimeNanos) implements Op {
        public Remove {
            Objects.requireNonNull(name);
        }

        @Override
        public OpType type() {
            return OpType.REMOVE;
        }
    }

    record Rmdir(long parent, String name, long id, long parentMtimeNanos) implements Op {
        public Rmdir {
            Objects.requireNonNull(name);
        }

        @Override
        public OpType type() {
            return OpType.RMDIR;
        }
    }

    /** RENAME of object {@code id}; {@code replaced} is the FileId the target name had (0: none). */
    record Rename(long fromParent, String fromName, long toParent, String toName, long id, long replaced,
                  long fromParentMtimeNanos, long toParentMtimeNanos) implements Op {
        public Rename {
            Objects.requireNonNull(fromName);
            Objects.requireNonNull(toName);
        }

        @Override
        public OpType type() {
            return OpType.RENAME;
        }
    }

    record Link(long id, long parent, String name, long parentMtimeNanos) implements Op {
        public Link {
            Objects.requireNonNull(name);
        }

        @Override
        public OpType type() {
            return OpType.LINK;
        }
    }

    /** COMMIT: a durability marker; everything written to {@code id} before it is stable. */
    record Commit(long id) implements Op {
        @Override
        public OpType type() {
            return OpType.COMMIT;
        }
    }

    /**
     * ADOPT: an object that appeared in the export outside NFS, given FileId {@code id}.
     * {@code content} is a symlink's target (UTF-8) or, for a small regular file, its data; a
     * larger file's data follows in WRITE records. {@code parentMtimeNanos}: the parent's mtime when
     * the object was found (it changed outside NFS too).
     */
    record Adopt(long parent, String name, long id, ObjectType objectType, Attrs attrs, ByteBuffer content,
                 long parentMtimeNanos) implements Op {
        public Adopt {
            Objects.requireNonNull(name);
            Objects.requireNonNull(objectType);
            Objects.requireNonNull(attrs);
            content = content.asReadOnlyBuffer();
        }

        @Override
        public ByteBuffer content() {
            return content.duplicate();
        }

        @Override
        public OpType type() {
            return OpType.ADOPT;
        }
    }

    /**
     * MARK: a named restore point (as PostgreSQL's {@code pg_create_restore_point}): the journal up to
     * this record is the state an administrator named {@code name}. Changes nothing.
     */
    record Mark(String name) implements Op {
        /** The most bytes a name has. */
        public static final int MAX_NAME_BYTES = 200;

        public Mark {
            Objects.requireNonNull(name);
            if (name.isBlank() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES
                    || name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a restore point's name is 1.." + MAX_NAME_BYTES
                        + " bytes of printable characters, not blank: '" + name + "'");
            }
        }

        @Override
        public OpType type() {
            return OpType.MARK;
        }
    }

    /**
     * MONITOR: the lock manager's status monitor started ({@code on}) or stopped watching the client
     * host {@code host} at address {@code client}, which sent its lock requests to the server's
     * address {@code server} (numeric addresses). Journaled so that the list reaches the backups and a
     * new primary can tell those clients to reclaim their locks. Changes nothing in the tree.
     */
    record Monitor(String host, String client, String server, boolean on) implements Op {
        /** The most bytes a host name has (NLM's LM_MAXSTRLEN). */
        public static final int MAX_HOST_BYTES = 1024;

        public Monitor {
            Objects.requireNonNull(host);
            if (host.isEmpty() || host.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_HOST_BYTES) {
                throw new IllegalArgumentException("a monitored host's name is 1.." + MAX_HOST_BYTES + " bytes");
            }
            for (String a : new String[] {client, server}) {
                if (a == null || a.isEmpty() || a.length() > 45 || !a.matches("[0-9a-fA-F.:]+")) {
                    throw new IllegalArgumentException("not a numeric address: '" + a + "'");
                }
            }
        }

        @Override
        public OpType type() {
            return OpType.MONITOR;
        }
    }

    /** ABORT: the change of record {@code abortedSeq} failed after it was logged, with NFS status {@code status}. */
    record Abort(long abortedSeq, int status) implements Op {
        @Override
        public OpType type() {
            return OpType.ABORT;
        }
    }
}
