package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.Blocking;
import dev.nfsrepl.nfs.rpc.DuplicateRequestCache;
import dev.nfsrepl.nfs.xdr.*;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NFS program (100003), version 3: decodes each call's arguments, runs the procedure and
 * encodes its result. Non-idempotent procedures go through the duplicate request cache.
 * Arguments that do not decode are answered GARBAGE_ARGS; an unexpected failure inside a
 * procedure is logged and answered NFS3ERR_SERVERFAULT; either way the server keeps serving.
 *
 * <p>Threads: calls arrive on a network thread. Procedures that only read metadata (GETATTR,
 * LOOKUP, ACCESS, …) are answered there, since handing a 10 µs request to a worker costs more
 * than the request itself (a futex wake-up and two context switches); if one turns out to need
 * slow work ({@link Blocking}), it is run again on a worker. Everything else (data, namespace
 * changes, directory listings) runs on {@code workers}, so that an fsync never holds up the
 * other clients of a network thread.
 */
public final class Nfs3Service implements RpcDispatchable {

    private static final Logger LOG = LoggerFactory.getLogger(Nfs3Service.class);

    private static final Set<Integer> INLINE = Set.of(nfs3_prot.NFSPROC3_NULL, nfs3_prot.NFSPROC3_GETATTR,
            nfs3_prot.NFSPROC3_LOOKUP, nfs3_prot.NFSPROC3_ACCESS, nfs3_prot.NFSPROC3_READLINK,
            nfs3_prot.NFSPROC3_FSSTAT, nfs3_prot.NFSPROC3_FSINFO, nfs3_prot.NFSPROC3_PATHCONF);

    private final Nfs3ReadProcedures reads;
    private final Nfs3WriteProcedures writes;
    private final DuplicateRequestCache drc;
    private final Executor workers;

    public Nfs3Service(ExportTable exports, byte[] writeVerifier, DuplicateRequestCache drc, Executor workers) {
        this.reads = new Nfs3ReadProcedures(exports);
        this.writes = new Nfs3WriteProcedures(exports, writeVerifier);
        this.drc = drc;
        this.workers = workers;
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) throws OncRpcException, IOException {
        if (call.getProgramVersion() != nfs3_prot.NFS_V3) {
            call.failProgramMismatch(nfs3_prot.NFS_V3, nfs3_prot.NFS_V3);
        } else if (INLINE.contains(call.getProcedure())) {
            dispatch(call, true);
        } else {
            onWorker(call, () -> dispatch(call, false));
        }
    }

    private interface CallWork {
        void run() throws IOException;
    }

    /** Runs {@code work} for {@code call} on a worker; a call that arrives while the server stops is dropped. */
    private void onWorker(RpcCall call, CallWork work) {
        try {
            workers.execute(() -> {
                try {
                    work.run();
                } catch (IOException e) {
                    LOG.warn("NFS procedure {} from {}: {}", call.getProcedure(),
                            call.getTransport().getRemoteSocketAddress(), e.toString());
                } catch (RuntimeException e) {
                    LOG.error("NFS procedure {} from {} failed", call.getProcedure(),
                            call.getTransport().getRemoteSocketAddress(), e);
                    call.failRpcSystem();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("stopping: dropped NFS call {} (the client will send it again)", call.getXid());
        }
    }

    private void dispatch(RpcCall call, boolean inline) throws OncRpcException, IOException {
        Caller c = Caller.of(call);
        int proc = call.getProcedure();
        switch (proc) {
            case nfs3_prot.NFSPROC3_NULL -> {
                call.retrieveCall(XdrVoid.XDR_VOID);
                call.reply(XdrVoid.XDR_VOID);
            }
            case nfs3_prot.NFSPROC3_GETATTR -> serve(call, inline, new GETATTR3args(), a -> reads.getattr(c, a));
            case nfs3_prot.NFSPROC3_SETATTR -> serve(call, inline, new SETATTR3args(), a -> writes.setattr(c, a));
            case nfs3_prot.NFSPROC3_LOOKUP -> serve(call, inline, new LOOKUP3args(), a -> reads.lookup(c, a));
            case nfs3_prot.NFSPROC3_ACCESS -> serve(call, inline, new ACCESS3args(), a -> reads.access(c, a));
            case nfs3_prot.NFSPROC3_READLINK -> serve(call, inline, new READLINK3args(), a -> reads.readlink(c, a));
            case nfs3_prot.NFSPROC3_READ -> serve(call, inline, new READ3args(), a -> reads.read(c, a));
            case nfs3_prot.NFSPROC3_WRITE -> serve(call, inline, new WRITE3args(), a -> writes.write(c, a));
            case nfs3_prot.NFSPROC3_CREATE -> serveOnce(call, c, new CREATE3args(), a -> writes.create(c, a));
            case nfs3_prot.NFSPROC3_MKDIR -> serveOnce(call, c, new MKDIR3args(), a -> writes.mkdir(c, a));
            case nfs3_prot.NFSPROC3_SYMLINK -> serveOnce(call, c, new SYMLINK3args(), a -> writes.symlink(c, a));
            case nfs3_prot.NFSPROC3_MKNOD -> serveOnce(call, c, new MKNOD3args(), a -> writes.mknod(c, a));
            case nfs3_prot.NFSPROC3_REMOVE -> serveOnce(call, c, new REMOVE3args(), a -> writes.remove(c, a));
            case nfs3_prot.NFSPROC3_RMDIR -> serveOnce(call, c, new RMDIR3args(), a -> writes.rmdir(c, a));
            case nfs3_prot.NFSPROC3_RENAME -> serveOnce(call, c, new RENAME3args(), a -> writes.rename(c, a));
            case nfs3_prot.NFSPROC3_LINK -> serveOnce(call, c, new LINK3args(), a -> writes.link(c, a));
            case nfs3_prot.NFSPROC3_READDIR -> serve(call, inline, new READDIR3args(), a -> reads.readdir(c, a));
            case nfs3_prot.NFSPROC3_READDIRPLUS ->
                    serve(call, inline, new READDIRPLUS3args(), a -> reads.readdirplus(c, a));
            case nfs3_prot.NFSPROC3_FSSTAT -> serve(call, inline, new FSSTAT3args(), a -> reads.fsstat(c, a));
            case nfs3_prot.NFSPROC3_FSINFO -> serve(call, inline, new FSINFO3args(), a -> reads.fsinfo(c, a));
            case nfs3_prot.NFSPROC3_PATHCONF -> serve(call, inline, new PATHCONF3args(), a -> reads.pathconf(c, a));
            case nfs3_prot.NFSPROC3_COMMIT -> serve(call, inline, new COMMIT3args(), a -> writes.commit(c, a));
            default -> call.failProcedureUnavailable();
        }
    }

    interface Procedure<A> {
        XdrAble run(A args);
    }

    /**
     * Decodes, runs and replies; a failure that is not an NFS error becomes SERVERFAULT. Run
     * {@code inline} on a network thread, a procedure that needs slow work is run again on a worker.
     */
    private <A extends XdrAble> void serve(RpcCall call, boolean inline, A args, Procedure<A> proc)
            throws IOException {
        if (!decode(call, args)) {
            return;
        }
        XdrAble result;
        if (inline) {
            try {
                result = Blocking.forbidden(() -> runGuarded(call, () -> proc.run(args)));
            } catch (Blocking.WouldBlockException e) {
                LOG.debug("NFS procedure {} moves to a worker: {}", call.getProcedure(), e.getMessage());
                onWorker(call, () -> call.reply(runGuarded(call, () -> proc.run(args))));
                return;
            }
        } else {
            result = runGuarded(call, () -> proc.run(args));
        }
        call.reply(result);
    }

    /** As {@link #serve}, but answered from the duplicate request cache when it is a retransmission. */
    private <A extends XdrAble> void serveOnce(RpcCall call, Caller c, A args, Procedure<A> proc)
            throws IOException {
        if (!decode(call, args)) {
            return;
        }
        var key = new DuplicateRequestCache.Key(c.address(), call.getXid(), call.getProgram(),
                call.getProcedure(), checksum(args));
        try {
            XdrAble reply = drc.replyTo(key, () -> runGuarded(call, () -> proc.run(args)));
            if (reply != null) {
                call.reply(reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean decode(RpcCall call, XdrAble args) {
        try {
            call.retrieveCall(args);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.info("garbage arguments to NFS procedure {} from {}: {}", call.getProcedure(),
                    call.getTransport().getRemoteSocketAddress(), e.toString());
            call.failRpcGarbage();
            return false;
        }
    }

    private static XdrAble runGuarded(RpcCall call, Supplier<XdrAble> proc) {
        try {
            return proc.get();
        } catch (Blocking.WouldBlockException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("NFS procedure {} from {} failed", call.getProcedure(),
                    call.getTransport().getRemoteSocketAddress(), e);
            return new StatusOnly(nfs3_prot.NFS3ERR_SERVERFAULT, call.getProcedure());
        }
    }

    /** The CRC32C of the encoded arguments: a retransmission carries exactly the same bytes. */
    private static long checksum(XdrAble args) {
        try (Xdr x = new Xdr(512)) {
            x.beginEncoding();
            args.xdrEncode(x);
            x.endEncoding();
            var buf = x.asBuffer().toByteBuffer();
            CRC32C crc = new CRC32C();
            crc.update(buf);
            return crc.getValue();
        } catch (IOException e) {
            throw new IllegalStateException("arguments that decoded failed to encode", e);
        }
    }

    /**
     * A failure result whose optional attributes are all absent. Every NFSv3 {@code resfail} arm
     * is a sequence of optional attributes (post_op_attr: one boolean; wcc_data: two), so it is
     * the status followed by that many FALSE words.
     */
    static final class StatusOnly implements XdrAble {
        /** Booleans in each procedure's resfail arm, indexed by procedure number. */
        private static final int[] ABSENT = {0, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 4, 3, 1, 1, 1, 1, 1, 2};

        private final int status;
        private final int absentWords;

        StatusOnly(int status, int procedure) {
            this.status = status;
            this.absentWords = ABSENT[procedure];
        }

        @Override
        public void xdrEncode(org.dcache.oncrpc4j.xdr.XdrEncodingStream xdr) {
            xdr.xdrEncodeInt(status);
            for (int i = 0; i < absentWords; i++) {
                xdr.xdrEncodeBoolean(false);
            }
        }

        @Override
        public void xdrDecode(org.dcache.oncrpc4j.xdr.XdrDecodingStream xdr) {
            throw new UnsupportedOperationException("encode only");
        }
    }
}
