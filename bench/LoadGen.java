// NFSv3 small-file load generator for bench/run.sh (a benchmark tool, not a test).
//
// Run as a single-file program with the nfs-server jars on the class path:
//   java -cp nfs-server/target/nfs-server.jar:nfs-server/target/lib/* bench/LoadGen.java \
//        --host 127.0.0.1 --nfs-port 2049 --mount-port 20048 --export /srv/x \
//        [--clients 16] [--files 5000] [--size 4096] [--stable filesync|unstable] \
//        [--warmup 0] [--deadline-s 600] [--call-timeout-s 60] [--label NAME]
//        [--probe-nfs-port N]   (a backup's NFS port: also measure the replication lag, printed as LAG)
//        [--keep PREFIX]        (files named PREFIXi stay: CREATE + WRITE only, the work directory is kept)
//
// It mounts --export with MOUNT v3 MNT (program 100005) to get the root handle, makes a fresh
// work directory (MKDIR) in it, then starts --clients threads, each with its own TCP connection
// and AUTH_SYS uid 0 / gid 0. Together they handle --files files; for each file one client does
//   CREATE (GUARDED) -> WRITE (--size bytes at offset 0) -> REMOVE
// with WRITE stable_how FILE_SYNC (default), or UNSTABLE followed by COMMIT (--stable unstable).
// --warmup files are done first the same way and not timed. At the end the work directory is
// removed (RMDIR), which also checks that every file is gone.
//
// Output: human-readable lines, then one machine-readable line
//   RESULT label=.. files=.. seconds=.. files_per_s=.. rpcs_per_s=.. errors=.. p50_ms=.. p99_ms=.. max_ms=..
// Exit status 0 when every file went through with no error, 1 otherwise, 2 on bad usage or when
// the server could not be reached at all. The run stops by itself at --deadline-s.

import dev.nfsrepl.nfs.xdr.COMMIT3args;
import dev.nfsrepl.nfs.xdr.COMMIT3res;
import dev.nfsrepl.nfs.xdr.CREATE3args;
import dev.nfsrepl.nfs.xdr.CREATE3res;
import dev.nfsrepl.nfs.xdr.FSINFO3args;
import dev.nfsrepl.nfs.xdr.FSINFO3res;
import dev.nfsrepl.nfs.xdr.MKDIR3args;
import dev.nfsrepl.nfs.xdr.MKDIR3res;
import dev.nfsrepl.nfs.xdr.REMOVE3args;
import dev.nfsrepl.nfs.xdr.REMOVE3res;
import dev.nfsrepl.nfs.xdr.RMDIR3args;
import dev.nfsrepl.nfs.xdr.RMDIR3res;
import dev.nfsrepl.nfs.xdr.WRITE3args;
import dev.nfsrepl.nfs.xdr.WRITE3res;
import dev.nfsrepl.nfs.xdr.createhow3;
import dev.nfsrepl.nfs.xdr.diropargs3;
import dev.nfsrepl.nfs.xdr.dirpath;
import dev.nfsrepl.nfs.xdr.mountres3;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import dev.nfsrepl.nfs.xdr.nfs_fh3;
import dev.nfsrepl.nfs.xdr.sattr3;
import dev.nfsrepl.nfs.xdr.set_mode3;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.dcache.oncrpc4j.rpc.OncRpcClient;
import org.dcache.oncrpc4j.rpc.RpcAuth;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcTransport;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.dcache.oncrpc4j.xdr.XdrAble;

public class LoadGen {

    // ------------------------------------------------------------------ options

    String host = "127.0.0.1";
    int nfsPort = -1;
    int mountPort = -1;
    String export;
    int clients = 16;
    int files = 5000;
    int size = 4096;
    boolean fileSync = true;
    int warmup = 0;
    long deadlineS = 600;
    long callTimeoutS = 60;
    String label = "server";
    int probeNfsPort = -1; // a backup's NFS port: measure replication lag there
    String prefix = "f"; // --keep: names of the kept files
    boolean keep; // files stay (no REMOVE, no RMDIR): a tree to replicate

    static void usage(String why) {
        System.err.println("LoadGen: " + why);
        System.err.println("usage: LoadGen --nfs-port N --mount-port M --export PATH [--host 127.0.0.1]"
                + " [--clients 16] [--files 5000] [--size 4096] [--stable filesync|unstable]"
                + " [--warmup 0] [--deadline-s 600] [--call-timeout-s 60] [--label NAME] [--probe-nfs-port N] [--keep PREFIX]");
        System.exit(2);
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--host" -> host = v;
                    case "--nfs-port" -> nfsPort = Integer.parseInt(v);
                    case "--mount-port" -> mountPort = Integer.parseInt(v);
                    case "--export" -> export = v;
                    case "--clients" -> clients = Integer.parseInt(v);
                    case "--files" -> files = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--stable" -> {
                        switch (v) {
                            case "filesync" -> fileSync = true;
                            case "unstable" -> fileSync = false;
                            default -> usage("--stable is filesync or unstable, not " + v);
                        }
                    }
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--deadline-s" -> deadlineS = Long.parseLong(v);
                    case "--call-timeout-s" -> callTimeoutS = Long.parseLong(v);
                    case "--label" -> label = v;
                    case "--probe-nfs-port" -> probeNfsPort = Integer.parseInt(v);
                    case "--keep" -> {
                        keep = true;
                        prefix = v;
                    }
                    default -> usage("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                usage("not a number after " + a + ": " + v);
            }
        }
        if (nfsPort <= 0 || mountPort <= 0 || export == null) {
            usage("--nfs-port, --mount-port and --export are required");
        }
        if (clients < 1 || files < 1 || size < 0 || size > WRITE3args.MAX_DATA || warmup < 0) {
            usage("bad --clients/--files/--size/--warmup");
        }
    }

    // ------------------------------------------------------------------ one connection

    /** One TCP connection with AUTH_SYS uid 0, gid 0; synchronous calls with a time limit. */
    final class Conn implements AutoCloseable {
        final OncRpcClient client;
        final RpcCall rpc;

        Conn(int program, int port) throws IOException {
            client = new OncRpcClient(InetAddress.getByName(host), IpProtocolType.TCP, port);
            RpcTransport transport;
            try {
                transport = client.connect(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                client.close();
                throw e;
            }
            RpcAuth auth = new RpcAuthTypeUnix(0, 0, new int[] {0}, (int) (System.currentTimeMillis() / 1000),
                    "nfsrepl-loadgen");
            rpc = new RpcCall(program, 3, auth, transport);
        }

        <T extends XdrAble> T call(int proc, XdrAble args, T result) throws IOException, TimeoutException {
            rpc.call(proc, args, result, callTimeoutS, TimeUnit.SECONDS);
            return result;
        }

        @Override
        public void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ------------------------------------------------------------------ the run

    final byte[] payload;
    byte[] rootFh;
    byte[] workFh;
    String workName;

    final LongAdder errors = new LongAdder();
    final LongAdder rpcs = new LongAdder();
    final Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();
    final AtomicInteger printedErrors = new AtomicInteger();

    LoadGen(String[] args) {
        parse(args);
        payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
    }

    void error(String kind, String detail) {
        errors.increment();
        errorKinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        if (printedErrors.incrementAndGet() <= 10) {
            System.out.println("  error: " + kind + ": " + detail);
        }
    }

    static diropargs3 dirop(byte[] dir, String name) {
        diropargs3 d = new diropargs3();
        d.dir = new nfs_fh3(dir);
        d.name = name;
        return d;
    }

    /** CREATE, WRITE (and COMMIT), REMOVE of one file; returns false after the first error. */
    boolean oneFile(Conn c, String name) {
        String step = "CREATE";
        try {
            CREATE3args ca = new CREATE3args();
            ca.where = dirop(workFh, name);
            ca.how = new createhow3();
            ca.how.mode = nfs3_prot.GUARDED;
            ca.how.obj_attributes = new sattr3();
            ca.how.obj_attributes.mode = new set_mode3(0644);
            CREATE3res cr = c.call(nfs3_prot.NFSPROC3_CREATE, ca, new CREATE3res());
            rpcs.increment();
            if (cr.status != nfs3_prot.NFS3_OK) {
                error("CREATE status " + cr.status, name);
                return false;
            }
            if (cr.resok.obj == null || !cr.resok.obj.handle_follows) {
                error("CREATE without handle", name);
                return false;
            }
            byte[] fh = cr.resok.obj.handle.data;

            step = "WRITE";
            WRITE3args wa = new WRITE3args();
            wa.file = new nfs_fh3(fh);
            wa.offset = 0;
            wa.count = size;
            wa.stable = fileSync ? nfs3_prot.FILE_SYNC : nfs3_prot.UNSTABLE;
            wa.data = ByteBuffer.wrap(payload);
            WRITE3res wr = c.call(nfs3_prot.NFSPROC3_WRITE, wa, new WRITE3res());
            rpcs.increment();
            if (wr.status != nfs3_prot.NFS3_OK) {
                error("WRITE status " + wr.status, name);
                return false;
            }
            if (wr.resok.count != size) {
                error("short WRITE", name + ": " + wr.resok.count + " of " + size + " bytes");
                return false;
            }
            if (fileSync && wr.resok.committed != nfs3_prot.FILE_SYNC) {
                error("FILE_SYNC WRITE answered committed=" + wr.resok.committed, name);
                return false;
            }
            if (!fileSync) {
                step = "COMMIT";
                COMMIT3args ma = new COMMIT3args();
                ma.file = new nfs_fh3(fh);
                COMMIT3res mr = c.call(nfs3_prot.NFSPROC3_COMMIT, ma, new COMMIT3res());
                rpcs.increment();
                if (mr.status != nfs3_prot.NFS3_OK) {
                    error("COMMIT status " + mr.status, name);
                    return false;
                }
                if (!Arrays.equals(mr.resok.verf, wr.resok.verf)) {
                    error("COMMIT verifier differs from WRITE's", name);
                    return false;
                }
            }

            if (keep) {
                return true;
            }
            step = "REMOVE";
            REMOVE3args ra = new REMOVE3args();
            ra.object = dirop(workFh, name);
            REMOVE3res rr = c.call(nfs3_prot.NFSPROC3_REMOVE, ra, new REMOVE3res());
            rpcs.increment();
            if (rr.status != nfs3_prot.NFS3_OK) {
                error("REMOVE status " + rr.status, name);
                return false;
            }
            return true;
        } catch (TimeoutException e) {
            error(step + " timeout", name + ": no reply within " + callTimeoutS + " s");
        } catch (IOException | RuntimeException e) {
            error(step + " " + e.getClass().getSimpleName(), name + ": " + e.getMessage());
        }
        return false;
    }

    /** Files [0, count) shared out among the clients; returns per-file latencies in ns (-1: failed or not done). */
    long[] phase(List<Conn> conns, String prefix, int count, long deadlineNanos, long[] doneAt) throws InterruptedException {
        long[] lat = new long[count];
        Arrays.fill(lat, -1);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(conns.size());
        for (int t = 0; t < conns.size(); t++) {
            Conn c = conns.get(t);
            Thread th = new Thread(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        if (System.nanoTime() - deadlineNanos > 0) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        if (oneFile(c, prefix + i)) {
                            long t1 = System.nanoTime();
                            lat[i] = t1 - t0;
                            if (doneAt != null) {
                                doneAt[i] = t1;
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "loadgen-" + t);
            th.setDaemon(true);
            th.start();
        }
        done.await();
        return lat;
    }

    /**
     * Replication lag as a client sees it: every 10 ms, a file created on the primary (after its
     * reply) is looked up on the backup (the same handle is valid there) until it shows; ns each.
     */
    void probe(java.util.concurrent.atomic.AtomicBoolean running, List<Long> lags) {
        try (Conn p = new Conn(nfs3_prot.NFS_PROGRAM, nfsPort); Conn b = new Conn(nfs3_prot.NFS_PROGRAM, probeNfsPort)) {
            for (int k = 0; running.get(); k++) {
                String name = "probe-" + k;
                CREATE3args ca = new CREATE3args();
                ca.where = dirop(workFh, name);
                ca.how = new createhow3();
                ca.how.mode = nfs3_prot.GUARDED;
                ca.how.obj_attributes = new sattr3();
                if (p.call(nfs3_prot.NFSPROC3_CREATE, ca, new CREATE3res()).status != nfs3_prot.NFS3_OK) {
                    error("probe CREATE", name);
                    return;
                }
                long t0 = System.nanoTime();
                dev.nfsrepl.nfs.xdr.LOOKUP3args la = new dev.nfsrepl.nfs.xdr.LOOKUP3args();
                la.what = dirop(workFh, name);
                while (b.call(nfs3_prot.NFSPROC3_LOOKUP, la, new dev.nfsrepl.nfs.xdr.LOOKUP3res()).status
                        != nfs3_prot.NFS3_OK) {
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) {
                        error("probe", name + " not on the backup within 30 s");
                        return;
                    }
                    Thread.onSpinWait();
                }
                lags.add(System.nanoTime() - t0);
                REMOVE3args ra = new REMOVE3args();
                ra.object = dirop(workFh, name);
                p.call(nfs3_prot.NFSPROC3_REMOVE, ra, new REMOVE3res());
                Thread.sleep(10); // the probe's pace, not a synchronisation
            }
        } catch (IOException | TimeoutException | InterruptedException e) {
            error("probe " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    int run() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineS);

        // MOUNT MNT for the root handle
        try (Conn m = new Conn(nfs3_prot.MOUNT_PROGRAM, mountPort)) {
            mountres3 r = m.call(nfs3_prot.MOUNTPROC3_MNT, new dirpath(export), new mountres3());
            if (r.fhs_status != nfs3_prot.MNT3_OK) {
                System.out.println("LoadGen: MNT " + export + " failed: mountstat3 " + r.fhs_status);
                return 2;
            }
            rootFh = r.mountinfo.fhandle;
        }

        List<Conn> conns = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                conns.add(new Conn(nfs3_prot.NFS_PROGRAM, nfsPort));
            }

            // informational: the transfer sizes a client such as nfs-cp will use with this server
            FSINFO3args fa = new FSINFO3args();
            fa.fsroot = new nfs_fh3(rootFh);
            FSINFO3res fr = conns.get(0).call(nfs3_prot.NFSPROC3_FSINFO, fa, new FSINFO3res());
            String fsinfo = fr.status == nfs3_prot.NFS3_OK
                    ? "rtmax " + fr.resok.rtmax + ", wtmax " + fr.resok.wtmax + ", rtpref " + fr.resok.rtpref
                            + ", wtpref " + fr.resok.wtpref
                    : "FSINFO status " + fr.status;

            workName = "loadgen-" + Long.toHexString(System.currentTimeMillis()) + "-" + ProcessHandle.current().pid();
            MKDIR3args ma = new MKDIR3args();
            ma.where = dirop(rootFh, workName);
            ma.attributes = new sattr3();
            ma.attributes.mode = new set_mode3(0755);
            MKDIR3res mr = conns.get(0).call(nfs3_prot.NFSPROC3_MKDIR, ma, new MKDIR3res());
            if (mr.status != nfs3_prot.NFS3_OK || !mr.resok.obj.handle_follows) {
                System.out.println("LoadGen: MKDIR " + workName + " failed: nfsstat3 " + mr.status);
                return 2;
            }
            workFh = mr.resok.obj.handle.data;

            System.out.printf(Locale.ROOT, "LoadGen %s: %d clients (one TCP connection each, AUTH_SYS uid 0),"
                            + " %d files of %d bytes, WRITE %s, %d warm-up files%n",
                    label, clients, files, size, fileSync ? "FILE_SYNC" : "UNSTABLE + COMMIT", warmup);
            System.out.println("  server FSINFO: " + fsinfo);

            if (warmup > 0) {
                phase(conns, "w", warmup, deadline, null);
                long warmErrors = errors.sum();
                if (warmErrors > 0) {
                    System.out.println("  warm-up had " + warmErrors + " errors");
                }
            }
            errors.reset();
            errorKinds.clear();
            rpcs.reset();

            long[] doneAt = new long[files];
            java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread probe = probeNfsPort > 0 ? new Thread(() -> probe(probing, lags), "lag-probe") : null;
            if (probe != null) {
                probe.start();
            }
            long t0 = System.nanoTime();
            long[] lat = phase(conns, prefix, files, deadline, doneAt);
            long t1 = System.nanoTime();
            if (probe != null) {
                probing.set(false);
                probe.join();
                long[] l = lags.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "LAG label=%s probes=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n", label,
                        l.length, pct(l, 50), pct(l, 99), pct(l, 100));
            }
            double secs = (t1 - t0) / 1e9;

            long[] ok = Arrays.stream(lat).filter(x -> x >= 0).sorted().toArray();
            int notDone = files - ok.length - (int) errors.sum();
            if (notDone > 0) {
                error("not done by the deadline", notDone + " files not attempted within " + deadlineS + " s");
            }

            // files finished per whole second of the run: the slowest second shows stalls
            int fullSeconds = (int) Math.floor(secs);
            String perSecond = "n/a (run shorter than 2 s)";
            if (fullSeconds >= 2) {
                int[] buckets = new int[fullSeconds];
                for (int i = 0; i < files; i++) {
                    if (lat[i] >= 0) {
                        int b = (int) ((doneAt[i] - t0) / 1_000_000_000L);
                        if (b < fullSeconds) {
                            buckets[b]++;
                        }
                    }
                }
                int min = Arrays.stream(buckets).min().orElse(0);
                int max = Arrays.stream(buckets).max().orElse(0);
                perSecond = "min " + min + ", max " + max + " files in one second";
            }
            long slow = Arrays.stream(ok).filter(x -> x >= 1_000_000_000L).count();

            // clean up the work directory (also checks that every REMOVE really removed)
            RMDIR3args ra = new RMDIR3args();
            ra.object = dirop(rootFh, workName);
            if (keep) {
                System.out.println("  kept " + files + " files in " + workName);
            } else try {
                RMDIR3res rr = conns.get(0).call(nfs3_prot.NFSPROC3_RMDIR, ra, new RMDIR3res());
                if (rr.status != nfs3_prot.NFS3_OK) {
                    error("RMDIR status " + rr.status, workName);
                }
            } catch (TimeoutException | IOException e) {
                error("RMDIR " + e.getClass().getSimpleName(), workName + ": " + e.getMessage());
            }

            double fps = ok.length / secs;
            double rps = rpcs.sum() / secs;
            long errs = errors.sum();
            System.out.printf(Locale.ROOT, "  %d of %d files in %.3f s: %.1f files/s, %.1f RPCs/s%n",
                    ok.length, files, secs, fps, rps);
            System.out.printf(Locale.ROOT, "  latency per file (%s): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms;"
                            + " %d files over 1 s%n",
                    fileSync ? "CREATE+WRITE+REMOVE" : "CREATE+WRITE+COMMIT+REMOVE",
                    pct(ok, 50), pct(ok, 90), pct(ok, 99), pct(ok, 100), slow);
            System.out.println("  throughput per second: " + perSecond);
            System.out.println("  errors: " + errs + (errs == 0 ? "" : " " + new HashMap<>(errorKinds)));
            System.out.printf(Locale.ROOT, "RESULT label=%s files=%d seconds=%.3f files_per_s=%.1f rpcs_per_s=%.1f"
                            + " errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n",
                    label, ok.length, secs, fps, rps, errs, pct(ok, 50), pct(ok, 99), pct(ok, 100));
            return errs == 0 && ok.length == files ? 0 : 1;
        } finally {
            for (Conn c : conns) {
                c.close();
            }
        }
    }

    public static void main(String[] args) {
        int rc;
        try {
            rc = new LoadGen(args).run();
        } catch (Exception e) {
            System.out.println("LoadGen: failed: " + e);
            rc = 2;
        }
        System.out.flush();
        // oncrpc4j/Grizzly may leave non-daemon threads behind; exit explicitly
        System.exit(rc);
    }
}
