package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.fattr3;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import dev.nfsrepl.nfs.xdr.sattr3;
import dev.nfsrepl.nfs.xdr.set_gid3;
import dev.nfsrepl.nfs.xdr.set_size3;
import dev.nfsrepl.nfs.xdr.set_uid3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTH_SYS permission checks for callers that are not root. The tests (and the server) run as
 * root, which bypasses the kernel's checks, so every refusal seen here is the server's own
 * enforcement of the mode bits, as knfsd would enforce them.
 */
class PermissionsIT {

    private static final int READ = nfs3_prot.ACCESS3_READ;
    private static final int LOOKUP = nfs3_prot.ACCESS3_LOOKUP;
    private static final int MODIFY = nfs3_prot.ACCESS3_MODIFY;
    private static final int EXTEND = nfs3_prot.ACCESS3_EXTEND;
    private static final int DELETE = nfs3_prot.ACCESS3_DELETE;
    private static final int EXECUTE = nfs3_prot.ACCESS3_EXECUTE;
    private static final int ALL = READ | LOOKUP | MODIFY | EXTEND | DELETE | EXECUTE;
    private static final int ACCES = nfs3_prot.NFS3ERR_ACCES;

    @TempDir
    Path tmp;

    private Path export;
    private TestServer server;
    private byte[] root;
    private ItRpcClient superuser;
    private ItRpcClient u1000;
    private ItRpcClient u1001;

    @BeforeEach
    void start() throws IOException {
        export = Files.createDirectory(tmp.resolve("export"));
        chmod(export, "rwxr-xr-x");
        Path priv = Files.createDirectory(export.resolve("private"));
        chmod(priv, "rwx------");
        Files.writeString(priv.resolve("secret.txt"), "root's secret\n");
        Files.writeString(export.resolve("root-file.txt"), "root data\n");
        chmod(export.resolve("root-file.txt"), "rw-r--r--");
        Path shared = Files.createDirectory(export.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Files.writeString(export.resolve("group-file.txt"), "for group 1000\n");
        chmod(export.resolve("group-file.txt"), "rw-r-----");
        Files.setAttribute(export.resolve("group-file.txt"), "unix:gid", 1000);
        Files.writeString(export.resolve("script.sh"), "#!/bin/sh\n");
        chmod(export.resolve("script.sh"), "rwxr-xr-x");

        server = TestServer.start(export, tmp.resolve("state"));
        try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
            root = m.mntOk(export.toString());
        }
        superuser = ItRpcClient.nfs(server.nfsPort()).as(0, 0);
        u1000 = ItRpcClient.nfs(server.nfsPort()).as(1000, 1000);
        u1001 = ItRpcClient.nfs(server.nfsPort()).as(1001, 1001);
    }

    @AfterEach
    void stop() throws IOException {
        for (ItRpcClient c : new ItRpcClient[] {superuser, u1000, u1001}) {
            if (c != null) {
                c.close();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int access(ItRpcClient c, byte[] fh) throws IOException {
        var r = c.access(fh, ALL);
        ItRpcClient.expect(nfs3_prot.NFS3_OK, r.status, "ACCESS");
        return r.resok.access;
    }

    @Test
    void privateDirectoryOfRootIsClosedToOtherUsers() throws Exception {
        byte[] priv = superuser.lookupOk(root, "private");

        assertEquals(ACCES, u1000.lookup(priv, "secret.txt").status, "LOOKUP in a 0700 root directory");
        assertEquals(ACCES, u1000.readdir(priv, 0, 8192).status, "READDIR of a 0700 root directory");
        assertEquals(ACCES, u1000.create(priv, "mine.txt", 0644).status, "CREATE in a 0700 root directory");
        assertEquals(ACCES, u1000.mkdir(priv, "mine", 0755).status, "MKDIR in a 0700 root directory");
        assertEquals(ACCES, u1000.remove(priv, "secret.txt").status, "REMOVE in a 0700 root directory");
        assertEquals(ACCES, u1000.rename(priv, "secret.txt", root, "stolen.txt").status, "RENAME out of it");
        assertEquals(List.of("secret.txt"), List.of(export.resolve("private").toFile().list()));
        assertFalse(Files.exists(export.resolve("stolen.txt")));

        assertEquals(0, access(u1000, priv), "ACCESS of uid 1000 on a 0700 root directory");
        assertEquals(READ | LOOKUP | MODIFY | EXTEND | DELETE, access(superuser, priv),
                "ACCESS of root on a directory (no EXECUTE for directories)");
        // root itself passes: the refusals above are about the caller, not the objects
        assertEquals("root's secret\n",
                new String(superuser.readAll(superuser.lookupOk(priv, "secret.txt")), StandardCharsets.UTF_8));
    }

    @Test
    void rootsFileIsReadableButNotWritableByOthers() throws Exception {
        byte[] f = u1000.lookupOk(root, "root-file.txt");
        assertEquals("root data\n", new String(u1000.readAll(f), StandardCharsets.UTF_8));
        assertEquals(ACCES, u1000.write(f, 0, "hacked".getBytes(), nfs3_prot.FILE_SYNC).status,
                "WRITE by uid 1000 to a 0644 root file");
        sattr3 truncate = new sattr3();
        truncate.size = new set_size3();
        truncate.size.set_it = true;
        truncate.size.size = 0;
        assertEquals(ACCES, u1000.setattr(f, truncate).status, "truncating a 0644 root file");
        assertEquals("root data\n", Files.readString(export.resolve("root-file.txt")));

        assertEquals(READ, access(u1000, f), "ACCESS of uid 1000 on a 0644 root file");
        assertEquals(READ | MODIFY | EXTEND, access(superuser, f),
                "ACCESS of root on a 0644 file (no execute bit anywhere, so no EXECUTE even for root)");
        byte[] script = u1000.lookupOk(root, "script.sh");
        assertEquals(READ | EXECUTE, access(u1000, script), "ACCESS of uid 1000 on a 0755 root file");
        assertEquals(READ | LOOKUP, access(u1000, root), "ACCESS of uid 1000 on the 0755 root directory");
    }

    @Test
    void groupBitsApplyToPrimaryAndSupplementaryGroups() throws Exception {
        byte[] f = superuser.lookupOk(root, "group-file.txt");
        try (ItRpcClient member = ItRpcClient.nfs(server.nfsPort()).as(1001, 1001, 50, 1000);
             ItRpcClient primary = ItRpcClient.nfs(server.nfsPort()).as(1002, 1000)) {
            assertEquals("for group 1000\n", new String(member.readAll(f), StandardCharsets.UTF_8));
            assertEquals("for group 1000\n", new String(primary.readAll(f), StandardCharsets.UTF_8));
            assertEquals(READ, access(member, f));
            assertEquals(ACCES, member.write(f, 0, "x".getBytes(), nfs3_prot.FILE_SYNC).status);
        }
        assertEquals(ACCES, u1001.read(f, 0, 100).status, "READ of a 0640 root:1000 file by uid 1001 gid 1001");
        assertEquals(0, access(u1001, f));
    }

    @Test
    void ownerMayWriteItsOwnReadOnlyFile() throws Exception {
        byte[] shared = u1000.lookupOk(root, "shared");
        byte[] f = u1000.createOk(shared, "mine.txt", 0444);
        Path onDisk = export.resolve("shared/mine.txt");
        assertEquals(0444, mode(onDisk), "mode given at CREATE");
        assertEquals(1000, uid(onDisk));

        u1000.writeOk(f, 0, "written by the owner despite mode 0444\n".getBytes());
        assertEquals("written by the owner despite mode 0444\n",
                new String(u1000.readAll(f), StandardCharsets.UTF_8));
        assertEquals("written by the owner despite mode 0444\n", Files.readString(onDisk));

        // the override is the owner's only: another user is held to the mode bits
        assertEquals(ACCES, u1001.write(f, 0, "X".getBytes(), nfs3_prot.FILE_SYNC).status,
                "WRITE by uid 1001 to uid 1000's 0444 file");
        byte[] g = u1000.createOk(shared, "mine-0644.txt", 0644);
        assertEquals(ACCES, u1001.write(g, 0, "X".getBytes(), nfs3_prot.FILE_SYNC).status,
                "WRITE by uid 1001 to uid 1000's 0644 file");
        assertEquals("written by the owner despite mode 0444\n", Files.readString(onDisk));

        // ACCESS reports the mode bits (as knfsd does): the client asks before opening for write
        assertEquals(READ, access(u1000, f), "ACCESS of the owner on its 0444 file");
        assertEquals(READ | MODIFY | EXTEND, access(u1000, g), "ACCESS of the owner on its 0644 file");
        assertEquals(READ, access(u1001, g), "ACCESS of another user on a 0644 file");
    }

    @Test
    void onlyTheOwnerMayChmodAndOnlyRootMayChown() throws Exception {
        byte[] shared = u1000.lookupOk(root, "shared");
        byte[] f = u1000.createOk(shared, "owned.txt", 0644);
        Path onDisk = export.resolve("shared/owned.txt");

        assertEquals(nfs3_prot.NFS3ERR_PERM, u1001.chmod(f, 0777).status, "chmod by a non-owner");
        assertEquals(0644, mode(onDisk));
        assertEquals(nfs3_prot.NFS3ERR_PERM, u1000.chmod(root, 0777).status, "chmod of root's directory by uid 1000");
        assertEquals(0755, mode(export));

        sattr3 chown = new sattr3();
        chown.uid = new set_uid3();
        chown.uid.set_it = true;
        chown.uid.uid = 1001;
        assertEquals(nfs3_prot.NFS3ERR_PERM, u1000.setattr(f, chown).status, "giving a file away (chown) as uid 1000");
        assertEquals(1000, uid(onDisk));
        sattr3 chgrp = new sattr3();
        chgrp.gid = new set_gid3();
        chgrp.gid.set_it = true;
        chgrp.gid.gid = 4242;
        assertEquals(nfs3_prot.NFS3ERR_PERM, u1000.setattr(f, chgrp).status, "chgrp to a group the owner is not in");

        ItRpcClient.expect(nfs3_prot.NFS3_OK, u1000.chmod(f, 0600).status, "chmod by the owner");
        assertEquals(0600, mode(onDisk));
        ItRpcClient.expect(nfs3_prot.NFS3_OK, superuser.setattr(f, chown).status, "chown by root");
        assertEquals(1001, uid(onDisk));
    }

    @Test
    void stickyDirectoryProtectsOtherUsersEntries() throws Exception {
        byte[] shared = u1000.lookupOk(root, "shared");
        assertEquals(01777, u1000.attrs(shared).mode);
        u1000.createOk(shared, "a.txt", 0666);
        u1000.mkdirOk(shared, "a-dir", 0777);

        int remove = u1001.remove(shared, "a.txt").status;
        assertTrue(remove == nfs3_prot.NFS3ERR_ACCES || remove == nfs3_prot.NFS3ERR_PERM,
                "REMOVE of uid 1000's file in a sticky directory by uid 1001 must fail with ACCES or PERM "
                        + "(unlink(2): EACCES or EPERM), got " + remove);
        int rename = u1001.rename(shared, "a.txt", shared, "b.txt").status;
        assertTrue(rename == nfs3_prot.NFS3ERR_ACCES || rename == nfs3_prot.NFS3ERR_PERM,
                "RENAME of uid 1000's file in a sticky directory by uid 1001, got " + rename);
        int rmdir = u1001.rmdir(shared, "a-dir").status;
        assertTrue(rmdir == nfs3_prot.NFS3ERR_ACCES || rmdir == nfs3_prot.NFS3ERR_PERM,
                "RMDIR of uid 1000's directory in a sticky directory by uid 1001, got " + rmdir);
        assertTrue(Files.exists(export.resolve("shared/a.txt")));
        assertTrue(Files.isDirectory(export.resolve("shared/a-dir")));
        assertFalse(Files.exists(export.resolve("shared/b.txt")));

        // uid 1001 may still create and remove its own entries there
        u1001.createOk(shared, "b.txt", 0644);
        ItRpcClient.expect(nfs3_prot.NFS3_OK, u1001.remove(shared, "b.txt").status, "REMOVE of one's own file");
        // and the owner may remove its file
        ItRpcClient.expect(nfs3_prot.NFS3_OK, u1000.remove(shared, "a.txt").status, "REMOVE by the owner");
        assertFalse(Files.exists(export.resolve("shared/a.txt")));

        assertEquals(READ | LOOKUP | MODIFY | EXTEND | DELETE, access(u1001, shared),
                "ACCESS of uid 1001 on a 1777 directory");
    }

    @Test
    void newObjectsBelongToTheCaller() throws Exception {
        byte[] shared = u1000.lookupOk(root, "shared");
        byte[] f = u1000.createOk(shared, "file", 0640);
        byte[] d = u1000.mkdirOk(shared, "dir", 0750);
        var sl = u1000.symlink(shared, "link", "file");
        ItRpcClient.expect(nfs3_prot.NFS3_OK, sl.status, "SYMLINK");

        for (String name : List.of("file", "dir", "link")) {
            Path p = export.resolve("shared").resolve(name);
            assertEquals(1000, uid(p), "owner of " + name + " on disk");
            assertEquals(1000, gid(p), "group of " + name + " on disk");
        }
        assertEquals(0640, mode(export.resolve("shared/file")));
        assertEquals(0750, mode(export.resolve("shared/dir")));
        fattr3 fa = u1000.attrs(f);
        assertEquals(1000, fa.uid);
        assertEquals(1000, fa.gid);
        assertEquals(1000, u1000.attrs(d).uid);
        assertEquals(1000, u1000.attrs(sl.resok.obj.handle.data).uid);
        assertEquals(1000, u1000.attrs(sl.resok.obj.handle.data).gid);

        // in a setgid directory new objects take the directory's group, new directories keep setgid
        Path sgid = Files.createDirectory(export.resolve("sgid"));
        Files.setAttribute(sgid, "unix:gid", 5000);
        Files.setAttribute(sgid, "unix:mode", 02777);
        byte[] sg = u1000.lookupOk(root, "sgid");
        u1000.createOk(sg, "file", 0644);
        u1000.mkdirOk(sg, "dir", 0755);
        assertEquals(1000, uid(sgid.resolve("file")));
        assertEquals(5000, gid(sgid.resolve("file")), "group of a file made in a setgid directory");
        assertEquals(5000, gid(sgid.resolve("dir")));
        assertEquals(02755, mode(sgid.resolve("dir")), "a directory made in a setgid directory keeps setgid");
    }
}
