package dev.nfsrepl.it;

import dev.nfsrepl.node.LockConfig;
import dev.nfsrepl.node.NfsServer;
import dev.nfsrepl.node.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import dev.nfsrepl.journal.JournalConfig;
import java.nio.file.Path;
import java.time.Clock;

/**
 * An nfsrepl node running in the test's JVM on real loopback sockets, exporting a directory the
 * test owns. {@link #restart()} stops it and starts a new one on the same export and state, as a
 * restarted process would.
 */
public final class TestServer implements AutoCloseable {

    private final Path export;
    private final Path stateDir;
    private final Path exportsFile;
    private final boolean portmap;
    private final JournalConfig journal;
    private LockConfig locks = LockConfig.DEFAULTS;
    private NfsServer server;

    private TestServer(Path export, Path stateDir, Path exportsFile, boolean portmap, JournalConfig journal) {
        this.export = export;
        this.stateDir = stateDir;
        this.exportsFile = exportsFile;
        this.portmap = portmap;
        this.journal = journal;
    }

    private TestServer(Path export, Path stateDir, Path exportsFile, boolean portmap) {
        this(export, stateDir, exportsFile, portmap, null);
    }

    /** Serves {@code export} with the default rules (rw to loopback, insecure, no_root_squash). */
    public static TestServer start(Path export, Path stateDir) throws IOException {
        return new TestServer(export, stateDir, null, false).begin(0, 0);
    }

    /** Serves the exports of an exports file. */
    public static TestServer withExports(Path exportsFile, Path stateDir) throws IOException {
        return new TestServer(null, stateDir, exportsFile, false).begin(0, 0);
    }

    /** Serves the exports of an exports file, journaling every change into {@code journalDir} (or none: null). */
    public static TestServer withExports(Path exportsFile, Path stateDir, Path journalDir) throws IOException {
        JournalConfig j = journalDir == null ? null : JournalConfig.in(journalDir);
        return new TestServer(null, stateDir, exportsFile, false, j).begin(0, 0);
    }

    /** Serves {@code export} and answers portmapper queries on port 111 (one such server at a time). */
    public static TestServer withPortmap(Path export, Path stateDir) throws IOException {
        return new TestServer(export, stateDir, null, true).begin(0, 0);
    }

    /** Serves {@code export} with these locking settings (grace period and so on). */
    public static TestServer withLocks(Path export, Path stateDir, LockConfig locks) throws IOException {
        TestServer t = new TestServer(export, stateDir, null, false);
        t.locks = locks;
        return t.begin(0, 0);
    }

    private TestServer begin(int nfsPort, int mountPort) throws IOException {
        Files.createDirectories(stateDir);
        server = new NfsServer(new ServerConfig(export, exportsFile, stateDir, "127.0.0.1", nfsPort, mountPort,
                portmap, 16).withJournal(journal).withLocks(locks), Clock.systemUTC()).start();
        return this;
    }

    /** Stops and starts again on the same ports, export and state. */
    public void restart() throws IOException {
        int nfs = nfsPort();
        int mount = mountPort();
        server.close();
        begin(nfs, mount);
    }

    public int nfsPort() {
        return server.nfsPort();
    }

    public int mountPort() {
        return server.mountPort();
    }

    public Path export() {
        return export;
    }

    /** The libnfs URL of {@code path} (relative to the export root) on this server. */
    public String url(String path) {
        String base = export.toAbsolutePath().normalize().toString();
        return "nfs://127.0.0.1" + base + (path.isEmpty() ? "" : "/" + path) + "?version=3&nfsport=" + nfsPort()
                + "&mountport=" + mountPort();
    }

    public NfsServer node() {
        return server;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
