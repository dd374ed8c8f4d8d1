package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.error.BadHandleException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.lock.LockOwner;
import dev.nfsrepl.lock.LockRange;
import dev.nfsrepl.lock.LockTable;
import dev.nfsrepl.nfs.xdr.BadXdrException;
import dev.nfsrepl.nfs.xdr.nlm4_cancargs;
import dev.nfsrepl.nfs.xdr.nlm4_lock;
import dev.nfsrepl.nfs.xdr.nlm4_lockargs;
import dev.nfsrepl.nfs.xdr.nlm4_notify;
import dev.nfsrepl.nfs.xdr.nlm4_prot;
import dev.nfsrepl.nfs.xdr.nlm4_res;
import dev.nfsrepl.nfs.xdr.nlm4_shareargs;
import dev.nfsrepl.nfs.xdr.nlm4_shareres;
import dev.nfsrepl.nfs.xdr.nlm4_testargs;
import dev.nfsrepl.nfs.xdr.nlm4_testres;
import dev.nfsrepl.nfs.xdr.nlm4_unlockargs;
import dev.nfsrepl.nfs.rpc.RpcCaller;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Network Lock Manager, version 4 (program 100021; RFC 1813 appendix II), synchronous
 * procedures: TEST, LOCK, CANCEL, UNLOCK, SHARE, UNSHARE, NM_LOCK and FREE_ALL, over the
 * {@link LockTable}. A file is named by its NFS handle; a handle of no export, of another
 * generation or of an object that is gone answers NLM4_STALE_FH, a range past 2^64 - 1
 * NLM4_FBIG, a client the export's rules do not admit NLM4_FAILED. A blocked request answers
 * NLM4_BLOCKED; when the lock comes free it is granted to the waiter and the server calls the
 * client's lock manager back (NLM4_GRANTED, from the address the request came to): a client that
 * answers DENIED no longer wants it and it is released; one that cannot be reached finds the lock
 * its own when it asks again (Linux every 30 s).
 */
public final class NlmService implements RpcDispatchable {

    private static final Logger LOG = LoggerFactory.getLogger(NlmService.class);

    private final ExportTable exports;
    private final java.util.function.Supplier<LockTable> newTable;
    private final java.util.Map<Integer, LockTable> tables = new java.util.HashMap<>(); // by fsid; guarded by itself
    // waiters granted by a change, until the client's next LOCK finds them its own (a CANCEL then unlocks)
    private final java.util.Set<Pending> unconfirmed = new java.util.HashSet<>();

    private final RpcCaller callbacks;
    private final java.util.concurrent.Executor callbackThread;

    private record Pending(int fsid, long file, LockOwner owner, LockRange range, boolean exclusive) {
    }

    /** A blocked request as the client sent it, and where to call it back: the waiter's cookie in the table. */
    private record Waiting(nlm4_lockargs args, InetAddress client, InetAddress local) {
    }

    /**
     * @param newTable       makes the lock table of an export (its limits)
     * @param callbacks      calls clients back (GRANTED)
     * @param callbackThread where those calls are made (never under the tables' lock)
     */
    public NlmService(ExportTable exports, java.util.function.Supplier<LockTable> newTable, RpcCaller callbacks,
                      java.util.concurrent.Executor callbackThread) {
        this.exports = exports;
        this.newTable = newTable;
        this.callbacks = callbacks;
        this.callbackThread = callbackThread;
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) throws OncRpcException, IOException {
        if (call.getProgramVersion() != nlm4_prot.NLM_V4) {
            call.failProgramMismatch(nlm4_prot.NLM_V4, nlm4_prot.NLM_V4);
            return;
        }
        Caller c = Caller.of(call);
        try {
            switch (call.getProcedure()) {
                case nlm4_prot.NLMPROC4_NULL -> {
                    call.retrieveCall(XdrVoid.XDR_VOID);
                    call.reply(XdrVoid.XDR_VOID);
                }
                case nlm4_prot.NLMPROC4_TEST -> {
                    nlm4_testargs a = new nlm4_testargs();
                    call.retrieveCall(a);
                    call.reply(test(c, a));
                }
                case nlm4_prot.NLMPROC4_LOCK, nlm4_prot.NLMPROC4_NM_LOCK -> {
                    nlm4_lockargs a = new nlm4_lockargs();
                    call.retrieveCall(a);
                    if (call.getProcedure() == nlm4_prot.NLMPROC4_NM_LOCK) {
                        a.block = false; // (a client without a status monitor never waits)
                    }
                    call.reply(lock(c, a, call.getTransport().getLocalSocketAddress().getAddress()));
                }
                case nlm4_prot.NLMPROC4_CANCEL -> {
                    nlm4_cancargs a = new nlm4_cancargs();
                    call.retrieveCall(a);
                    call.reply(cancel(c, a));
                }
                case nlm4_prot.NLMPROC4_UNLOCK -> {
                    nlm4_unlockargs a = new nlm4_unlockargs();
                    call.retrieveCall(a);
                    call.reply(unlock(c, a));
                }
                case nlm4_prot.NLMPROC4_SHARE, nlm4_prot.NLMPROC4_UNSHARE -> {
                    nlm4_shareargs a = new nlm4_shareargs();
                    call.retrieveCall(a);
                    call.reply(share(c, a, call.getProcedure() == nlm4_prot.NLMPROC4_SHARE));
                }
                case nlm4_prot.NLMPROC4_FREE_ALL -> {
                    nlm4_notify a = new nlm4_notify();
                    call.retrieveCall(a);
                    freeAll(a.name);
                    call.reply(XdrVoid.XDR_VOID);
                }
                default -> call.failProcedureUnavailable();
            }
        } catch (BadXdrException e) {
            LOG.info("NLM procedure {} from {}: {}", call.getProcedure(), c.address().getHostAddress(), e.getMessage());
            call.failRpcGarbage();
        }
    }

    /** The locked file: its export (fsid) and FileId; or the NLM status that refuses the handle. */
    private record Target(int fsid, long file, int refused) {
    }

    private LockTable table(int fsid) {
        return tables.computeIfAbsent(fsid, k -> newTable.get());
    }

    private Target target(Caller c, byte[] fh) {
        FileHandle h;
        try {
            h = FileHandle.parse(fh);
        } catch (BadHandleException e) {
            return new Target(0, 0, nlm4_prot.NLM4_STALE_FH);
        }
        var e = exports.byFsid(h.fsid());
        if (e.isEmpty() || e.get().fs().generation() != h.generation()) {
            return new Target(0, 0, nlm4_prot.NLM4_STALE_FH);
        }
        if (e.get().export().optionsFor(c.address()).isEmpty()) {
            LOG.info("NLM from {}: refused by the rules of export {}", c.address().getHostAddress(),
                    e.get().export().pseudoPath());
            return new Target(0, 0, nlm4_prot.NLM4_FAILED);
        }
        try {
            e.get().fs().getattr(h.fileId());
        } catch (FsException gone) {
            return new Target(0, 0, nlm4_prot.NLM4_STALE_FH);
        }
        return new Target(h.fsid(), h.fileId(), 0);
    }

    private static LockOwner owner(nlm4_lock l) {
        return new LockOwner(l.caller_name, l.svid, HexFormat.of().formatHex(l.oh));
    }

    /** A lock request's file, owner and range; or the NLM status that refuses it (its handle, then its range). */
    private record Request(Target target, LockOwner owner, LockRange range, int refused) {
        int fsid() {
            return target.fsid();
        }

        long file() {
            return target.file();
        }
    }

    private Request request(Caller c, nlm4_lock l) {
        Target t = target(c, l.fh);
        if (t.refused() != 0) {
            return new Request(t, null, null, t.refused());
        }
        try {
            return new Request(t, owner(l), LockRange.of(l.l_offset, l.l_len), 0);
        } catch (LockRange.RangeTooLargeException e) {
            return new Request(t, null, null, nlm4_prot.NLM4_FBIG);
        }
    }

    private nlm4_testres test(Caller c, nlm4_testargs a) {
        nlm4_testres r = new nlm4_testres();
        r.cookie = a.cookie;
        Request q = request(c, a.alock);
        if (q.refused() != 0) {
            r.stat = q.refused();
            return r;
        }
        LockTable.Lock conflict;
        synchronized (tables) {
            conflict = table(q.fsid()).test(q.file(), q.owner(), q.range(), a.exclusive);
        }
        if (conflict == null) {
            r.stat = nlm4_prot.NLM4_GRANTED;
        } else {
            r.stat = nlm4_prot.NLM4_DENIED;
            r.exclusive = conflict.exclusive();
            r.svid = (int) conflict.owner().svid();
            r.oh = HexFormat.of().parseHex(conflict.owner().handle());
            r.l_offset = conflict.range().first();
            r.l_len = conflict.range().length();
        }
        return r;
    }

    private nlm4_res lock(Caller c, nlm4_lockargs a, InetAddress local) {
        Request q = request(c, a.alock);
        if (q.refused() != 0) {
            return new nlm4_res(a.cookie, q.refused());
        }
        LockTable.Result res;
        synchronized (tables) {
            res = table(q.fsid()).lock(q.file(), q.owner(), q.range(), a.exclusive, a.block,
                    new Waiting(a, c.address(), local));
            unconfirmed.remove(new Pending(q.fsid(), q.file(), q.owner(), q.range(), a.exclusive));
            granted(q.fsid(), res.granted());
        }
        LockTable.Outcome o = res.outcome();
        if (o instanceof LockTable.Blocked) {
            LOG.debug("NLM: {} of file {} for {} waits", q.range(), q.file(), q.owner());
        }
        int stat = o instanceof LockTable.Granted ? nlm4_prot.NLM4_GRANTED
                : o instanceof LockTable.Blocked ? nlm4_prot.NLM4_BLOCKED
                : o instanceof LockTable.Deadlock ? nlm4_prot.NLM4_DEADLCK
                : o instanceof LockTable.NoLocks n ? noLocks(a.alock, n)
                : nlm4_prot.NLM4_DENIED;
        return new nlm4_res(a.cookie, stat);
    }

    private static int noLocks(nlm4_lock l, LockTable.NoLocks n) {
        LOG.warn("NLM: a lock of {} refused: {}", l.caller_name, n.why());
        return nlm4_prot.NLM4_DENIED_NOLOCKS;
    }

    private nlm4_res cancel(Caller c, nlm4_cancargs a) {
        Request q = request(c, a.alock);
        if (q.refused() != 0) {
            return new nlm4_res(a.cookie, q.refused());
        }
        synchronized (tables) {
            LockTable table = table(q.fsid());
            if (!table.cancel(q.file(), q.owner(), q.range(), a.exclusive)
                    && unconfirmed.remove(new Pending(q.fsid(), q.file(), q.owner(), q.range(), a.exclusive))) {
                // granted while the client gave up waiting: what it cancels it does not hold
                granted(q.fsid(), table.unlock(q.file(), q.owner(), q.range()));
            }
        }
        return new nlm4_res(a.cookie, nlm4_prot.NLM4_GRANTED); // (nothing to cancel is fine too)
    }

    private nlm4_res unlock(Caller c, nlm4_unlockargs a) {
        Request q = request(c, a.alock);
        if (q.refused() != 0) {
            return new nlm4_res(a.cookie, q.refused());
        }
        synchronized (tables) {
            unconfirmed.removeIf(p -> p.fsid() == q.fsid() && p.file() == q.file() && p.owner().equals(q.owner()));
            granted(q.fsid(), table(q.fsid()).unlock(q.file(), q.owner(), q.range()));
        }
        return new nlm4_res(a.cookie, nlm4_prot.NLM4_GRANTED);
    }

    private nlm4_shareres share(Caller c, nlm4_shareargs a, boolean share) {
        nlm4_shareres r = new nlm4_shareres();
        r.cookie = a.cookie;
        Target t = target(c, a.fh);
        if (t.refused() != 0) {
            r.stat = t.refused();
            return r;
        }
        LockOwner o = new LockOwner(a.caller_name, 0, HexFormat.of().formatHex(a.oh));
        synchronized (tables) {
            LockTable table = table(t.fsid());
            if (share) {
                r.stat = table.share(t.file(), new LockTable.Share(o, a.access & 3, a.mode & 3)) instanceof LockTable.Granted
                        ? nlm4_prot.NLM4_GRANTED : nlm4_prot.NLM4_DENIED;
            } else {
                table.unshare(t.file(), o);
                r.stat = nlm4_prot.NLM4_GRANTED;
            }
        }
        return r;
    }

    private void freeAll(String host) {
        synchronized (tables) {
            tables.forEach((fsid, table) -> granted(fsid, table.freeAll(host)));
            unconfirmed.removeIf(p -> p.owner().host().equals(host));
        }
        LOG.info("NLM: FREE_ALL for {}: its locks and shares are freed", host);
    }

    /**
     * Waiters a change let through (under the tables' lock): each is called back; until it answers,
     * or its next LOCK finds the lock its own, the grant is unconfirmed (a CANCEL then releases it).
     */
    private void granted(int fsid, List<LockTable.Grant> grants) {
        for (LockTable.Grant g : grants) {
            Pending p = new Pending(fsid, g.file(), g.lock().owner(), g.lock().range(), g.lock().exclusive());
            unconfirmed.add(p);
            LOG.debug("NLM: {} of file {} granted to {} (it waited)", g.lock().range(), g.file(), g.lock().owner());
            if (g.cookie() instanceof Waiting w) {
                callbackThread.execute(() -> callBack(p, w));
            }
        }
    }

    /** NLM4_GRANTED to the waiter's lock manager; DENIED means it gave up, so the lock is released. */
    private void callBack(Pending p, Waiting w) {
        nlm4_testargs args = new nlm4_testargs();
        args.cookie = w.args().cookie;
        args.exclusive = w.args().exclusive;
        args.alock = w.args().alock;
        nlm4_res answer = new nlm4_res();
        String who = w.args().alock.caller_name + " (" + w.client().getHostAddress() + ")";
        try {
            int port = callbacks.port(w.local(), w.client(), nlm4_prot.NLM_PROGRAM, nlm4_prot.NLM_V4);
            callbacks.call(w.local(), new java.net.InetSocketAddress(w.client(), port), nlm4_prot.NLM_PROGRAM,
                    nlm4_prot.NLM_V4, nlm4_prot.NLMPROC4_GRANTED, args, answer);
        } catch (IOException e) {
            LOG.info("NLM: could not tell {} that its lock {} of file {} is granted ({}); it will find out when it "
                    + "asks again", who, p.range(), p.file(), e.getMessage());
            return;
        }
        synchronized (tables) {
            if (!unconfirmed.remove(p)) {
                return; // (confirmed, cancelled or released meanwhile)
            }
            if (answer.stat != nlm4_prot.NLM4_GRANTED) {
                LOG.info("NLM: {} no longer wants lock {} of file {} (GRANTED answered {}): released", who, p.range(),
                        p.file(), answer.stat);
                granted(p.fsid(), table(p.fsid()).unlock(p.file(), p.owner(), p.range()));
            }
        }
    }
}
