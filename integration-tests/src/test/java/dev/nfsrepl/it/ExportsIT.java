package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.fattr3;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of an exports(5)-style exports file, checked over real sockets: read-only exports,
 * root and all squashing, client lists (from another loopback address), secure ports, pseudo
 * paths with fsid=, and re-reading the file while clients hold handles.
 */
class ExportsIT {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final InetAddress OTHER_CLIENT = address("127.0.0.2");

    @TempDir
    Path tmp;

    private TestServer server;
    private Path exportsFile;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A directory for an export, mode {@code mode}, outside the state directory. */
    private Path exportDir(String name, String mode) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
        return d;
    }

    private void serve(String exports) throws IOException {
        exportsFile = tmp.resolve("exports");
        Files.writeString(exportsFile, exports);
        server = TestServer.withExports(exportsFile, tmp.resolve("state"));
    }

    private ItRpcClient nfs() throws IOException {
        return ItRpcClient.nfs(server.nfsPort());
    }

    private byte[] mnt(String path) throws IOException {
        try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
            return m.mntOk(path);
        }
    }

    private String url(String pseudoPath, String file) {
        return "nfs://127.0.0.1" + pseudoPath + (file.isEmpty() ? "" : "/" + file) + "?version=3&nfsport="
                + server.nfsPort() + "&mountport=" + server.mountPort();
    }

    private static Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static int owner(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int group(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    // ------------------------------------------------------------------ (a) ro

    @Test
    void readOnlyExportServesReadsAndRefusesEveryChangeWithRofs() throws Exception {
        Path dir = exportDir("ro-export", "rwxrwxrwx");
        Files.writeString(dir.resolve("hello.txt"), "hello, read-only world\n");
        Files.createDirectory(dir.resolve("sub"));
        serve(dir + " 127.0.0.1(ro,insecure,no_root_squash)\n");
        Set<String> before = listing(dir);

        byte[] root = mnt(dir.toString());
        try (ItRpcClient c = nfs()) {
            byte[] hello = c.lookupOk(root, "hello.txt");
            byte[] sub = c.lookupOk(root, "sub");
            assertEquals("hello, read-only world\n", new String(c.readAll(hello), StandardCharsets.UTF_8));
            assertEquals(Set.of("hello.txt", "sub"), new TreeSet<>(c.listNames(root)));
            fattr3 helloAttrs = c.attrs(hello);

            int rofs = nfs3_prot.NFS3ERR_ROFS;
            assertEquals(rofs, c.write(hello, 0, "X".getBytes(), nfs3_prot.FILE_SYNC).status, "WRITE");
            assertEquals(rofs, c.create(root, "new.txt", 0644).status, "CREATE");
            assertEquals(rofs, c.create(root, "hello.txt", 0644, nfs3_prot.UNCHECKED).status,
                    "CREATE UNCHECKED of an existing file");
            assertEquals(rofs, c.remove(root, "hello.txt").status, "REMOVE");
            assertEquals(rofs, c.mkdir(root, "newdir", 0755).status, "MKDIR");
            assertEquals(rofs, c.rmdir(root, "sub").status, "RMDIR");
            assertEquals(rofs, c.rename(root, "hello.txt", root, "renamed.txt").status, "RENAME");
            assertEquals(rofs, c.symlink(root, "link", "hello.txt").status, "SYMLINK");
            assertEquals(rofs, c.mkfifo(root, "fifo", 0644).status, "MKNOD");
            assertEquals(rofs, c.link(hello, sub, "hard").status, "LINK");
            assertEquals(rofs, c.chmod(hello, 0600).status, "SETATTR");

            // ACCESS must not promise changes the export refuses (root would otherwise get them all)
            int granted = c.access(hello, 0x3f).resok.access;
            assertEquals(nfs3_prot.ACCESS3_READ, granted, "ACCESS on a file of a ro export");
            int dirGranted = c.access(root, 0x3f).resok.access;
            assertEquals(nfs3_prot.ACCESS3_READ | nfs3_prot.ACCESS3_LOOKUP, dirGranted,
                    "ACCESS on a directory of a ro export");

            // nothing changed on disk
            assertEquals(before, listing(dir));
            assertEquals("hello, read-only world\n", Files.readString(dir.resolve("hello.txt")));
            assertEquals(helloAttrs.mode, c.attrs(hello).mode);
            assertEquals(helloAttrs.mtime.seconds, c.attrs(hello).mtime.seconds);
        }

        // the same through libnfs: reading works, copying in fails
        assertEquals("hello, read-only world\n",
                ItCommands.runOk(TOOL_TIMEOUT, "nfs-cat", url(dir.toString(), "hello.txt")));
        Path local = Files.writeString(tmp.resolve("local.txt"), "should not arrive\n");
        ItCommands.Result cp = ItCommands.run(TOOL_TIMEOUT, "nfs-cp", local.toString(), url(dir.toString(), "copied.txt"));
        assertNotEquals(0, cp.exit(), "nfs-cp into a ro export must fail, output: " + cp.output());
        assertTrue(cp.output().contains("NFS3ERR_ROFS"), "nfs-cp must report ROFS: " + cp.output());
        assertEquals(before, listing(dir));
    }

    // ------------------------------------------------------------------ (b) squashing

    @Test
    void rootSquashMapsRootToAnonymousAndNoRootSquashKeepsRoot() throws Exception {
        Path squashed = exportDir("squashed", "rwxrwxrwx");
        Path anon = exportDir("squashed-anon", "rwxrwxrwx");
        Path trusted = exportDir("trusted", "rwxrwxrwx");
        Files.writeString(squashed.resolve("root-only.txt"), "secret\n");
        Files.setPosixFilePermissions(squashed.resolve("root-only.txt"), PosixFilePermissions.fromString("rw-------"));
        serve(squashed + " 127.0.0.1(rw,insecure,root_squash)\n"
                + anon + " -rw,insecure 127.0.0.1(anonuid=4321,anongid=4322)\n"
                + trusted + " 127.0.0.1(rw,insecure,no_root_squash)\n");

        try (ItRpcClient root = nfs().as(0, 0)) {
            byte[] sq = mnt(squashed.toString());
            byte[] f = root.createOk(sq, "by-root.txt", 0644);
            assertEquals(65534, owner(squashed.resolve("by-root.txt")), "owner on disk under root_squash");
            assertEquals(65534, group(squashed.resolve("by-root.txt")), "group on disk under root_squash");
            assertEquals(65534, root.attrs(f).uid);
            byte[] d = root.mkdirOk(sq, "dir-by-root", 0755);
            assertEquals(65534, owner(squashed.resolve("dir-by-root")));
            assertEquals(65534, root.attrs(d).gid);
            // squashed root lost its powers: a 0600 root file is not readable
            byte[] secret = root.lookupOk(sq, "root-only.txt");
            assertEquals(nfs3_prot.NFS3ERR_ACCES, root.read(secret, 0, 100).status, "READ of a 0600 root file by squashed root");

            byte[] an = mnt(anon.toString());
            root.createOk(an, "by-root.txt", 0644);
            assertEquals(4321, owner(anon.resolve("by-root.txt")), "owner on disk: anonuid");
            assertEquals(4322, group(anon.resolve("by-root.txt")), "group on disk: anongid");

            byte[] tr = mnt(trusted.toString());
            root.createOk(tr, "by-root.txt", 0644);
            assertEquals(0, owner(trusted.resolve("by-root.txt")), "owner on disk under no_root_squash");
            assertEquals(0, group(trusted.resolve("by-root.txt")));
        }
        try (ItRpcClient user = nfs().as(1000, 1000)) {
            byte[] an = mnt(anon.toString());
            user.createOk(an, "by-1000.txt", 0644);
            assertEquals(1000, owner(anon.resolve("by-1000.txt")), "root_squash must not map other users");
            assertEquals(1000, group(anon.resolve("by-1000.txt")));
        }
    }

    @Test
    void allSquashMapsEveryCallerToAnonuid() throws Exception {
        Path dir = exportDir("all-squashed", "rwxrwxrwx");
        serve(dir + " 127.0.0.1(rw,insecure,all_squash,anonuid=1234)\n");
        byte[] root = mnt(dir.toString());
        try (ItRpcClient user = nfs().as(1000, 1000, 1000, 27)) {
            byte[] f = user.createOk(root, "by-1000.txt", 0644);
            assertEquals(1234, owner(dir.resolve("by-1000.txt")), "owner on disk under all_squash,anonuid=1234");
            assertEquals(65534, group(dir.resolve("by-1000.txt")), "group on disk: default anongid");
            assertEquals(1234, user.attrs(f).uid);
        }
        try (ItRpcClient superuser = nfs().as(0, 0)) {
            superuser.createOk(root, "by-root.txt", 0644);
            assertEquals(1234, owner(dir.resolve("by-root.txt")));
        }
        try (ItRpcClient none = nfs().anonymous()) {
            none.createOk(root, "by-auth-none.txt", 0644);
            assertEquals(1234, owner(dir.resolve("by-auth-none.txt")));
        }
    }

    // ------------------------------------------------------------------ (c) client list

    @Test
    void clientNotInTheListIsRefusedEvenWithAValidHandle() throws Exception {
        Path dir = exportDir("only-127-0-0-1", "rwxr-xr-x");
        Files.writeString(dir.resolve("data.txt"), "for 127.0.0.1 only\n");
        serve(dir + " 127.0.0.1(rw,insecure,no_root_squash)\n");

        byte[] root = mnt(dir.toString());
        byte[] file;
        try (ItRpcClient ok = nfs()) {
            file = ok.lookupOk(root, "data.txt");
            assertEquals(nfs3_prot.NF3REG, ok.attrs(file).type);
        }

        try (ItRpcClient m = ItRpcClient.connect(nfs3_prot.MOUNT_PROGRAM, OTHER_CLIENT, 0, server.mountPort())) {
            assertEquals(OTHER_CLIENT, m.localAddress());
            assertEquals(nfs3_prot.MNT3ERR_ACCES, m.mnt(dir.toString()).fhs_status, "MNT from 127.0.0.2");
        }
        try (ItRpcClient other = ItRpcClient.connect(nfs3_prot.NFS_PROGRAM, OTHER_CLIENT, 0, server.nfsPort())) {
            int acces = nfs3_prot.NFS3ERR_ACCES;
            assertEquals(acces, other.getattr(root).status, "GETATTR of the root handle from 127.0.0.2");
            assertEquals(acces, other.getattr(file).status, "GETATTR of a file handle from 127.0.0.2");
            assertEquals(acces, other.lookup(root, "data.txt").status, "LOOKUP from 127.0.0.2");
            assertEquals(acces, other.read(file, 0, 100).status, "READ from 127.0.0.2");
            assertEquals(acces, other.write(file, 0, "owned".getBytes(), nfs3_prot.FILE_SYNC).status,
                    "WRITE from 127.0.0.2");
            assertEquals(acces, other.create(root, "intruder.txt", 0644).status, "CREATE from 127.0.0.2");
            assertEquals(acces, other.remove(root, "data.txt").status, "REMOVE from 127.0.0.2");
        }
        assertEquals("for 127.0.0.1 only\n", Files.readString(dir.resolve("data.txt")));
        assertEquals(Set.of("data.txt"), listing(dir));
    }

    @Test
    void firstMatchingClientEntryWins() throws Exception {
        Path dir = exportDir("first-match", "rwxr-xr-x");
        Files.writeString(dir.resolve("data.txt"), "original\n");
        serve(dir + " 127.0.0.1(rw,insecure,no_root_squash) 127.0.0.0/8(ro,insecure,no_root_squash)\n");

        byte[] root;
        try (ItRpcClient m = ItRpcClient.connect(nfs3_prot.MOUNT_PROGRAM, OTHER_CLIENT, 0, server.mountPort())) {
            root = m.mntOk(dir.toString());
        }
        try (ItRpcClient other = ItRpcClient.connect(nfs3_prot.NFS_PROGRAM, OTHER_CLIENT, 0, server.nfsPort())) {
            byte[] f = other.lookupOk(root, "data.txt");
            assertEquals("original\n", new String(other.readAll(f), StandardCharsets.UTF_8));
            assertEquals(nfs3_prot.NFS3ERR_ROFS, other.write(f, 0, "X".getBytes(), nfs3_prot.FILE_SYNC).status,
                    "127.0.0.2 matches only the 127.0.0.0/8(ro) entry");
        }
        try (ItRpcClient local = nfs()) {
            byte[] f = local.lookupOk(root, "data.txt");
            local.writeOk(f, 0, "O".getBytes());
        }
        assertEquals("Original\n", Files.readString(dir.resolve("data.txt")));
    }

    // ------------------------------------------------------------------ (d) secure

    @Test
    void secureExportRequiresAPrivilegedSourcePort() throws Exception {
        Path dir = exportDir("secure", "rwxr-xr-x");
        Path byDefault = exportDir("secure-by-default", "rwxr-xr-x");
        Files.writeString(dir.resolve("data.txt"), "secure data\n");
        serve(dir + " 127.0.0.1(rw,secure,no_root_squash)\n"
                + byDefault + " 127.0.0.1(rw,no_root_squash)\n");

        byte[] root;
        try (ItRpcClient m = ItRpcClient.connectPrivileged(nfs3_prot.MOUNT_PROGRAM, server.mountPort())) {
            assertTrue(m.localPort() < 1024);
            root = m.mntOk(dir.toString());
            m.mntOk(byDefault.toString());
        }
        try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
            assertTrue(m.localPort() >= 1024, "ephemeral port " + m.localPort());
            assertEquals(nfs3_prot.MNT3ERR_ACCES, m.mnt(dir.toString()).fhs_status,
                    "MNT of a secure export from unprivileged port " + m.localPort());
            assertEquals(nfs3_prot.MNT3ERR_ACCES, m.mnt(byDefault.toString()).fhs_status,
                    "secure is the default: MNT from unprivileged port " + m.localPort());
        }
        byte[] file;
        try (ItRpcClient priv = ItRpcClient.connectPrivileged(nfs3_prot.NFS_PROGRAM, server.nfsPort())) {
            file = priv.lookupOk(root, "data.txt");
            assertEquals("secure data\n", new String(priv.readAll(file), StandardCharsets.UTF_8));
            priv.writeOk(file, 0, "S".getBytes());
        }
        try (ItRpcClient unpriv = nfs()) {
            assertEquals(nfs3_prot.NFS3ERR_ACCES, unpriv.getattr(root).status, "GETATTR from an unprivileged port");
            assertEquals(nfs3_prot.NFS3ERR_ACCES, unpriv.read(file, 0, 10).status, "READ from an unprivileged port");
            assertEquals(nfs3_prot.NFS3ERR_ACCES,
                    unpriv.write(file, 0, "X".getBytes(), nfs3_prot.FILE_SYNC).status, "WRITE from an unprivileged port");
        }
        assertEquals("Secure data\n", Files.readString(dir.resolve("data.txt")));
    }

    // ------------------------------------------------------------------ (e) pseudo path

    @Test
    void pseudoPathIsWhatClientsMountAndFsidIsWhatTheyGet() throws Exception {
        Path real = exportDir("real", "rwxr-xr-x");
        Files.createDirectory(real.resolve("sub"));
        Files.writeString(real.resolve("sub/inner.txt"), "inner\n");
        Files.writeString(real.resolve("top.txt"), "top\n");
        serve(real + " -pseudo=/data,fsid=7 127.0.0.1(rw,insecure,no_root_squash)\n");

        try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
            assertEquals(nfs3_prot.MNT3ERR_NOENT, m.mnt(real.toString()).fhs_status,
                    "the local directory is not a mount path when pseudo= is given");
            assertEquals(nfs3_prot.MNT3ERR_NOENT, m.mnt("/dat").fhs_status);
            assertEquals(nfs3_prot.MNT3ERR_NOENT, m.mnt("/database").fhs_status, "a mere string prefix of /data");
            assertEquals(nfs3_prot.MNT3ERR_NOENT, m.mnt("/data/missing").fhs_status);
        }
        byte[] root = mnt("/data");
        byte[] rootSlash = mnt("/data/");
        byte[] sub = mnt("/data/sub");
        assertEquals(7, ByteBuffer.wrap(root).getInt(4), "fsid inside the handle");
        assertArrayEquals(root, rootSlash);
        try (ItRpcClient c = nfs()) {
            fattr3 ra = c.attrs(root);
            assertEquals(7, ra.fsid, "fattr3.fsid");
            assertEquals(nfs3_prot.NF3DIR, ra.type);
            assertEquals(Set.of("sub", "top.txt"), new TreeSet<>(c.listNames(root)));
            assertEquals(c.attrs(c.lookupOk(root, "sub")).fileid, c.attrs(sub).fileid,
                    "MNT /data/sub names the directory sub of the export");
            assertEquals("inner\n", new String(c.readAll(c.lookupOk(sub, "inner.txt")), StandardCharsets.UTF_8));
            byte[] created = c.createOk(root, "made-over-nfs.txt", 0644);
            c.writeOk(created, 0, "via /data\n".getBytes());
        }
        assertEquals("via /data\n", Files.readString(real.resolve("made-over-nfs.txt")));

        assertEquals("top\n", ItCommands.runOk(TOOL_TIMEOUT, "nfs-cat", url("/data", "top.txt")));
        String ls = ItCommands.runOk(TOOL_TIMEOUT, "nfs-ls", url("/data", ""));
        assertTrue(ls.contains("top.txt") && ls.contains("sub") && ls.contains("made-over-nfs.txt"),
                "nfs-ls of /data:\n" + ls);
    }

    // ------------------------------------------------------------------ (f) reload

    @Test
    void reloadedRulesApplyToHandlesClientsAlreadyHold() throws Exception {
        Path dir = exportDir("reloaded", "rwxr-xr-x");
        String rw = dir + " -fsid=42 127.0.0.1(rw,insecure,no_root_squash)\n";
        serve(rw);
        byte[] root = mnt(dir.toString());
        try (ItRpcClient c = nfs()) {
            byte[] f = c.createOk(root, "f.txt", 0644);
            c.writeOk(f, 0, "before reload\n".getBytes());
            long fileid = c.attrs(f).fileid;

            Files.writeString(exportsFile, dir + " -fsid=42 127.0.0.1(ro,insecure,no_root_squash)\n");
            server.node().loadExports();
            assertEquals(nfs3_prot.NFS3ERR_ROFS, c.write(f, 0, "after".getBytes(), nfs3_prot.FILE_SYNC).status,
                    "WRITE with a handle obtained while the export was rw, after reloading it as ro");
            assertEquals(nfs3_prot.NFS3ERR_ROFS, c.create(root, "g.txt", 0644).status);
            assertEquals("before reload\n", new String(c.readAll(f), StandardCharsets.UTF_8));

            Files.writeString(exportsFile, dir + " -fsid=42 127.0.0.3(rw,insecure,no_root_squash)\n");
            server.node().loadExports();
            assertEquals(nfs3_prot.NFS3ERR_ACCES, c.getattr(f).status, "GETATTR after 127.0.0.1 was dropped");

            // a broken file is refused and the rules in force stay
            Files.writeString(exportsFile, dir + " -fsid=42 127.0.0.1(rww,insecure)\n");
            IOException broken = assertThrows(IOException.class, () -> server.node().loadExports());
            assertTrue(broken.getMessage().contains("rww"), broken.getMessage());
            assertEquals(nfs3_prot.NFS3ERR_ACCES, c.getattr(f).status, "the previous rules must stay in force");

            Files.writeString(exportsFile, rw);
            server.node().loadExports();
            c.writeOk(f, 0, "B".getBytes());
            assertEquals(fileid, c.attrs(f).fileid, "same object after reloads");
        }
        assertEquals("Before reload\n", Files.readString(dir.resolve("f.txt")));
        assertFalse(Files.exists(dir.resolve("g.txt")));
        List<String> names = List.copyOf(listing(dir));
        assertEquals(List.of("f.txt"), names);
    }

    // ------------------------------------------------------------------ fsid changes

    @Test
    void changingAnExportsFsidNeverReusesFileIdsOfItsObjects() throws Exception {
        Path dir = exportDir("renumbered", "rwxr-xr-x");
        Path state = tmp.resolve("state");
        serve(dir + " -fsid=1 127.0.0.1(rw,insecure,no_root_squash)\n");
        java.util.Map<String, Long> ids = new java.util.TreeMap<>();
        try (ItRpcClient c = nfs()) {
            byte[] root = mnt(dir.toString());
            ids.put(".", c.attrs(root).fileid);
            for (String name : List.of("a.txt", "b.txt", "c.txt")) {
                ids.put(name, c.attrs(c.createOk(root, name, 0644)).fileid);
            }
        }
        server.close();
        server = null;

        // the administrator gives the export another fsid (the same happens when a pseudo= changes
        // the derived fsid); clients must mount again, but the objects are the same
        Files.writeString(exportsFile, dir + " -fsid=2 127.0.0.1(rw,insecure,no_root_squash)\n");
        server = TestServer.withExports(exportsFile, state);
        try (ItRpcClient c = nfs()) {
            byte[] root = mnt(dir.toString());
            assertEquals((long) ids.get("."), c.attrs(root).fileid, "fileid of the export root");
            for (String name : List.of("a.txt", "b.txt", "c.txt")) {
                assertEquals((long) ids.get(name), c.attrs(c.lookupOk(root, name)).fileid, "fileid of " + name);
            }
            for (String name : List.of("d.txt", "e.txt")) {
                var r = c.create(root, name, 0644);
                ItRpcClient.expect(nfs3_prot.NFS3_OK, r.status, "CREATE " + name);
                fattr3 a = r.resok.obj_attributes.attributes;
                assertEquals(nfs3_prot.NF3REG, a.type, "CREATE " + name + " answered the attributes of fileid "
                        + Long.toHexString(a.fileid) + " (a directory?)");
                assertFalse(ids.containsValue(a.fileid), "new file " + name + " got fileid " + Long.toHexString(a.fileid)
                        + ", already carried by another object of the export: " + ids);
                ids.put(name, a.fileid);
            }
            assertEquals(nfs3_prot.NF3DIR, c.attrs(root).type);
            for (String name : List.of("a.txt", "b.txt", "c.txt")) {
                assertEquals((long) ids.get(name), c.attrs(c.lookupOk(root, name)).fileid,
                        "fileid of " + name + " after new files were made");
            }
        }
    }
}
