package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.error.BadHandleException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.lock.LockOwner;
import dev.nfsrepl.lock.LockRange;
import dev.nfsrepl.lock.LockTable;
import dev.nfsrepl.lock.StatusMonitor;
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
import java.util.Map;
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
 *
 * <p>With the {@link StatusMonitor}: a client host is remembered (durably) before its first lock
 * is granted or queued. After a start that found hosts remembered, the server notifies each
 * (SM_NOTIFY to its status monitor, under the name the client knows the server by, retried until
 * the grace period ends) and for the grace period accepts only reclaims: other LOCKs, TESTs and
 * SHAREs answer NLM4_DENIED_GRACE_PERIOD, and so does a reclaim after it. A client that says it
 * restarted ({@link #clientRestarted}) loses its locks.
 */
public final class NlmService implements RpcDispatchable {

    private static final Logger LOG = LoggerFactory.getLogger(NlmService.class);

    private final ExportTable exports;
    private final java.util.function.Supplier<LockTable> newTable;
    private final java.util.Map<Integer, LockTable> tables = new java.util.HashMap<>(); // by fsid; guarded by itself
    // waiters granted by a change, until the client's next LOCK finds them its own (a CANCEL then unlocks)
    private final java.util.Set<Pending> unconfirmed = new java.util.HashSet<>();

    private final RpcCaller callbacks;
    private final java.util.concurrent.Executor grants;
    private final java.util.concurrent.ScheduledExecutorService notices;
    private final StatusMonitor monitor; // changes under its own lock (then the tables', never the other way)
    // the state each host last said it restarted with: a retransmitted notice must not free its new locks
    private final Map<String, Integer> restarts = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > 4096;
        }
    }; // guarded by monitor
    private final java.util.function.LongSupplier millis;
    private final long graceEndsAt;
    private final String notifyName;

    private record Pending(int fsid, long file, LockOwner owner, LockRange range, boolean exclusive) {
    }

    /** A blocked request as the client sent it, and where to call it back: the waiter's cookie in the table. */
    private record Waiting(nlm4_lockargs args, InetAddress client, InetAddress local) {
    }

    /**
     * @param newTable       makes the lock table of an export (its limits)
     * @param callbacks      calls clients back (GRANTED, SM_NOTIFY)
     * @param grants         where GRANTED calls are made (never under the tables' lock)
     * @param notices        where SM_NOTIFY calls and their retries are made, and hosts holding nothing
     *                       after the grace period are forgotten
     * @param monitor        this start's status monitor
     * @param millis         the clock of the grace period
     * @param grace          how long only reclaims are accepted, when {@code monitor} has hosts to notify
     * @param notifyName     the name clients are notified under; null: the address each sent its requests to
     */
    public NlmService(ExportTable exports, java.util.function.Supplier<LockTable> newTable, RpcCaller callbacks,
                      java.util.concurrent.Executor grants, java.util.concurrent.ScheduledExecutorService notices,
                      StatusMonitor monitor,
                      java.util.function.LongSupplier millis, java.time.Duration grace, String notifyName) {
        this.exports = exports;
        this.newTable = newTable;
        this.callbacks = callbacks;
        this.grants = grants;
        this.notices = notices;
        this.monitor = monitor;
        this.millis = millis;
        this.notifyName = notifyName;
        int clients = monitor.toNotify().size();
        this.graceEndsAt = millis.getAsLong() + (clients == 0 ? 0 : grace.toMillis());
        if (clients > 0) {
            LOG.info("NLM: {} client host(s) took locks before this start; for {} s only their reclaims are "
                    + "accepted (status monitor state {})", clients, grace.toSeconds(), monitor.state());
        }
    }

    /** The status monitor's state number of this start. */
    public int nsmState() {
        return monitor.state();
    }

    private boolean inGrace() {
        return millis.getAsLong() < graceEndsAt;
    }

    /**
     * Tells every host that held locks before this start that the server restarted, retrying until
     * grace ends; then forgets the hosts that hold nothing (they did not reclaim, or no longer lock).
     */
    public void notifyClients() {
        for (StatusMonitor.Client c : monitor.toNotify()) {
            notices.execute(() -> notifyClient(c, 1));
        }
        notices.schedule(this::graceOver, Math.max(0, graceEndsAt - millis.getAsLong()),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Forgets (durably, journaled) every monitored host that holds no lock, waiting request or share. */
    private void forgetIdleHosts() {
        synchronized (monitor) {
            java.util.Set<String> busy = new java.util.HashSet<>();
            synchronized (tables) {
                tables.values().forEach(t -> busy.addAll(t.hosts()));
            }
            for (String name : monitor.names()) {
                if (!busy.contains(name)) {
                    try {
                        monitor.forget(name);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("NSM: could not forget {}, which holds no locks: {}", name, e.getMessage());
                    }
                }
            }
        }
    }

    /** After the grace period: hosts holding nothing are forgotten, and the rest journaled again (see StatusMonitor#refresh). */
    private void graceOver() {
        forgetIdleHosts();
        synchronized (monitor) {
            try {
                monitor.refresh();
            } catch (IOException | RuntimeException e) {
                LOG.warn("NSM: could not journal the lock clients again: {}", e.getMessage());
            }
        }
    }

    private void notifyClient(StatusMonitor.Client c, int attempt) {
        nlm4_notify args = new nlm4_notify(); // stat_chge
        args.name = notifyName != null ? notifyName : c.server().getHostAddress();
        args.state = monitor.state();
        try {
            int port = callbacks.port(c.server(), c.address(), nlm4_prot.NSM_PROGRAM, nlm4_prot.NSM_V1);
            callbacks.call(c.server(), new java.net.InetSocketAddress(c.address(), port), nlm4_prot.NSM_PROGRAM,
                    nlm4_prot.NSM_V1, nlm4_prot.SM_NOTIFY, args, org.dcache.oncrpc4j.xdr.XdrVoid.XDR_VOID);
            LOG.info("NSM: told {} ({}) that {} restarted (state {})", c.name(), c.address().getHostAddress(),
                    args.name, args.state);
        } catch (IOException e) {
            long retryIn = Math.min(10_000, 1000L << Math.min(attempt, 4));
            if (millis.getAsLong() + retryIn < graceEndsAt) {
                LOG.info("NSM: could not tell {} ({}) that the server restarted ({}); trying again in {} ms", c.name(),
                        c.address().getHostAddress(), e.getMessage(), retryIn);
                notices.schedule(() -> notifyClient(c, attempt + 1), retryIn,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                LOG.warn("NSM: gave up telling {} ({}) that the server restarted ({}): its locks are not reclaimed",
                        c.name(), c.address().getHostAddress(), e.getMessage());
            }
        }
    }

    /**
     * A client host says it restarted (SM_NOTIFY from {@code from}): the locks it held are freed. Only
     * a monitored host, from the address it locked from, is believed.
     */
    public void clientRestarted(String name, int state, InetAddress from) {
        synchronized (monitor) { // (so that a LOCK of the restarted client waits until its old locks are gone)
            StatusMonitor.Client known = monitor.get(name);
            if (known == null || !known.address().equals(from)) {
                LOG.info("NSM: {} says {} restarted (state {}), but {}: ignored", from.getHostAddress(), name, state,
                        known == null ? "it holds no locks here" : "it locked from " + known.address().getHostAddress());
                return;
            }
            if (Integer.valueOf(state).equals(restarts.put(name, state))) {
                LOG.info("NSM: {} ({}) said again that it restarted (state {}): already done", name,
                        from.getHostAddress(), state);
                return;
            }
            LOG.info("NSM: {} ({}) restarted (state {}): its locks are freed", name, from.getHostAddress(), state);
            freeAll(name);
            try {
                monitor.forget(name);
            } catch (IOException | RuntimeException e) {
                LOG.warn("NSM: could not forget {}: {}", name, e.getMessage());
            }
        }
    }

    /** Monitors the requesting host; the NLM status that refuses its lock when it cannot be. */
    private int monitor(nlm4_lock l, Caller c, InetAddress local) {
        StatusMonitor.Client client = new StatusMonitor.Client(l.caller_name, c.address(), local);
        if (monitor.isMonitored(client)) {
            return 0; // (the common case: no lock taken)
        }
        if (l.caller_name.isEmpty()) {
            LOG.info("NLM: a lock from {} without a caller name refused", c.address().getHostAddress());
            return nlm4_prot.NLM4_DENIED_NOLOCKS;
        }
        synchronized (monitor) {
            try {
                if (monitor.monitor(client)) {
                    return 0;
                }
                forgetIdleHosts();
                if (monitor.monitor(client)) {
                    return 0;
                }
                LOG.warn("NLM: a lock of {} refused: too many client hosts hold locks", l.caller_name);
            } catch (IOException | RuntimeException e) {
                LOG.error("NLM: a lock of {} ({}) refused: the status monitor could not record the host: {}",
                        l.caller_name, c.address().getHostAddress(), e.getMessage());
            }
            return nlm4_prot.NLM4_DENIED_NOLOCKS;
        }
    }

    /** The grace period's answer to a request, or 0 when it may go on. */
    private int grace(boolean reclaim) {
        boolean in = inGrace();
        return in == reclaim ? 0 : nlm4_prot.NLM4_DENIED_GRACE_PERIOD;
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
                    call.reply(lock(c, a, call.getTransport().getLocalSocketAddress().getAddress(),
                            call.getProcedure() == nlm4_prot.NLMPROC4_LOCK));
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
        if (q.refused() != 0 || inGrace()) {
            r.stat = q.refused() != 0 ? q.refused() : nlm4_prot.NLM4_DENIED_GRACE_PERIOD;
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

    /** @param monitored whether the client has a status monitor to notify (not for NM_LOCK) */
    private nlm4_res lock(Caller c, nlm4_lockargs a, InetAddress local, boolean monitored) {
        Request q = request(c, a.alock);
        if (q.refused() != 0) {
            return new nlm4_res(a.cookie, q.refused());
        }
        int refused = grace(a.reclaim);
        if (refused == 0 && monitored) {
            refused = monitor(a.alock, c, local);
        }
        if (refused != 0) {
            return new nlm4_res(a.cookie, refused);
        }
        if (a.reclaim) {
            a.block = false; // (what it held before the restart is free, or another reclaim holds it)
            LOG.debug("NLM: {} reclaims {} of file {}", q.owner(), q.range(), q.file());
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
        if (share && grace(a.reclaim) != 0) {
            r.stat = nlm4_prot.NLM4_DENIED_GRACE_PERIOD;
            return r;
        }
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
    private void granted(int fsid, List<LockTable.Grant> lets) {
        for (LockTable.Grant g : lets) {
            Pending p = new Pending(fsid, g.file(), g.lock().owner(), g.lock().range(), g.lock().exclusive());
            unconfirmed.add(p);
            LOG.debug("NLM: {} of file {} granted to {} (it waited)", g.lock().range(), g.file(), g.lock().owner());
            if (g.cookie() instanceof Waiting w) {
                try {
                    grants.execute(() -> callBack(p, w));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    LOG.debug("NLM: GRANTED for {} not sent (too many waiting, or stopping): it finds out when it asks "
                            + "again", g.lock().owner());
                }
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
            if (answer.stat == nlm4_prot.NLM4_GRANTED) {
                return;
            }
            if (answer.stat != nlm4_prot.NLM4_DENIED) {
                unconfirmed.add(p); // (not an answer about the lock, DENIED_GRACE_PERIOD say: its next LOCK finds it)
                return;
            }
            LOG.info("NLM: {} no longer wants lock {} of file {} (GRANTED answered DENIED): released", who, p.range(),
                    p.file());
            granted(p.fsid(), table(p.fsid()).unlock(p.file(), p.owner(), p.range()));
        }
    }
}
