package dev.nfsrepl.nfs.xdr;

/**
 * Constants of RFC 1813: the NFS version 3 program (sections 2 and 3) and the MOUNT
 * version 3 program (section 5). Names are the RFC's, so they can be checked against it.
 *
 * <p>Enumerations ({@code nfsstat3}, {@code ftype3}, {@code stable_how}, ...) are plain
 * {@code int} constants because the wire types carry them as {@code int} fields.
 */
public final class nfs3_prot {

    private nfs3_prot() {
    }

    // ---- RPC program and version numbers ----

    public static final int NFS_PROGRAM = 100003;
    public static final int NFS_V3 = 3;
    public static final int MOUNT_PROGRAM = 100005;
    public static final int MOUNT_V3 = 3;

    // ---- NFS version 3 procedures (section 3.3) ----

    public static final int NFSPROC3_NULL = 0;
    public static final int NFSPROC3_GETATTR = 1;
    public static final int NFSPROC3_SETATTR = 2;
    public static final int NFSPROC3_LOOKUP = 3;
    public static final int NFSPROC3_ACCESS = 4;
    public static final int NFSPROC3_READLINK = 5;
    public static final int NFSPROC3_READ = 6;
    public static final int NFSPROC3_WRITE = 7;
    public static final int NFSPROC3_CREATE = 8;
    public static final int NFSPROC3_MKDIR = 9;
    public static final int NFSPROC3_SYMLINK = 10;
    public static final int NFSPROC3_MKNOD = 11;
    public static final int NFSPROC3_REMOVE = 12;
    public static final int NFSPROC3_RMDIR = 13;
    public static final int NFSPROC3_RENAME = 14;
    public static final int NFSPROC3_LINK = 15;
    public static final int NFSPROC3_READDIR = 16;
    public static final int NFSPROC3_READDIRPLUS = 17;
    public static final int NFSPROC3_FSSTAT = 18;
    public static final int NFSPROC3_FSINFO = 19;
    public static final int NFSPROC3_PATHCONF = 20;
    public static final int NFSPROC3_COMMIT = 21;

    // ---- MOUNT version 3 procedures (section 5.2) ----

    public static final int MOUNTPROC3_NULL = 0;
    public static final int MOUNTPROC3_MNT = 1;
    public static final int MOUNTPROC3_DUMP = 2;
    public static final int MOUNTPROC3_UMNT = 3;
    public static final int MOUNTPROC3_UMNTALL = 4;
    public static final int MOUNTPROC3_EXPORT = 5;

    // ---- sizes (sections 2.4 and 5.1.4) ----

    /** Maximum size in bytes of an NFS version 3 file handle ({@link nfs_fh3}). */
    public static final int NFS3_FHSIZE = 64;
    /** Size in bytes of a {@code cookieverf3}. */
    public static final int NFS3_COOKIEVERFSIZE = 8;
    /** Size in bytes of a {@code createverf3}. */
    public static final int NFS3_CREATEVERFSIZE = 8;
    /** Size in bytes of a {@code writeverf3}. */
    public static final int NFS3_WRITEVERFSIZE = 8;

    /** Maximum bytes in a MOUNT path name ({@link dirpath}). */
    public static final int MNTPATHLEN = 1024;
    /** Maximum bytes in a MOUNT name ({@link name}). */
    public static final int MNTNAMLEN = 255;
    /** Maximum bytes in a MOUNT version 3 file handle ({@link fhandle3}). */
    public static final int FHSIZE3 = 64;

    // ---- nfsstat3 (section 2.6) ----

    public static final int NFS3_OK = 0;
    public static final int NFS3ERR_PERM = 1;
    public static final int NFS3ERR_NOENT = 2;
    public static final int NFS3ERR_IO = 5;
    public static final int NFS3ERR_NXIO = 6;
    public static final int NFS3ERR_ACCES = 13;
    public static final int NFS3ERR_EXIST = 17;
    public static final int NFS3ERR_XDEV = 18;
    public static final int NFS3ERR_NODEV = 19;
    public static final int NFS3ERR_NOTDIR = 20;
    public static final int NFS3ERR_ISDIR = 21;
    public static final int NFS3ERR_INVAL = 22;
    public static final int NFS3ERR_FBIG = 27;
    public static final int NFS3ERR_NOSPC = 28;
    public static final int NFS3ERR_ROFS = 30;
    public static final int NFS3ERR_MLINK = 31;
    public static final int NFS3ERR_NAMETOOLONG = 63;
    public static final int NFS3ERR_NOTEMPTY = 66;
    public static final int NFS3ERR_DQUOT = 69;
    public static final int NFS3ERR_STALE = 70;
    public static final int NFS3ERR_REMOTE = 71;
    public static final int NFS3ERR_BADHANDLE = 10001;
    public static final int NFS3ERR_NOT_SYNC = 10002;
    public static final int NFS3ERR_BAD_COOKIE = 10003;
    public static final int NFS3ERR_NOTSUPP = 10004;
    public static final int NFS3ERR_TOOSMALL = 10005;
    public static final int NFS3ERR_SERVERFAULT = 10006;
    public static final int NFS3ERR_BADTYPE = 10007;
    public static final int NFS3ERR_JUKEBOX = 10008;

    // ---- mountstat3 (section 5.1.5) ----

    public static final int MNT3_OK = 0;
    public static final int MNT3ERR_PERM = 1;
    public static final int MNT3ERR_NOENT = 2;
    public static final int MNT3ERR_IO = 5;
    public static final int MNT3ERR_ACCES = 13;
    public static final int MNT3ERR_NOTDIR = 20;
    public static final int MNT3ERR_INVAL = 22;
    public static final int MNT3ERR_NAMETOOLONG = 63;
    public static final int MNT3ERR_NOTSUPP = 10004;
    public static final int MNT3ERR_SERVERFAULT = 10006;

    // ---- ftype3 (section 2.5) ----

    public static final int NF3REG = 1;
    public static final int NF3DIR = 2;
    public static final int NF3BLK = 3;
    public static final int NF3CHR = 4;
    public static final int NF3LNK = 5;
    public static final int NF3SOCK = 6;
    public static final int NF3FIFO = 7;

    // ---- time_how (section 2.5) ----

    public static final int DONT_CHANGE = 0;
    public static final int SET_TO_SERVER_TIME = 1;
    public static final int SET_TO_CLIENT_TIME = 2;

    // ---- stable_how (section 3.3.7) ----

    public static final int UNSTABLE = 0;
    public static final int DATA_SYNC = 1;
    public static final int FILE_SYNC = 2;

    // ---- createmode3 (section 3.3.8) ----

    public static final int UNCHECKED = 0;
    public static final int GUARDED = 1;
    public static final int EXCLUSIVE = 2;

    // ---- ACCESS3 permission bits (section 3.3.4) ----

    public static final int ACCESS3_READ = 0x0001;
    public static final int ACCESS3_LOOKUP = 0x0002;
    public static final int ACCESS3_MODIFY = 0x0004;
    public static final int ACCESS3_EXTEND = 0x0008;
    public static final int ACCESS3_DELETE = 0x0010;
    public static final int ACCESS3_EXECUTE = 0x0020;

    // ---- FSINFO properties bits (section 3.3.19) ----

    public static final int FSF3_LINK = 0x0001;
    public static final int FSF3_SYMLINK = 0x0002;
    public static final int FSF3_HOMOGENEOUS = 0x0008;
    public static final int FSF3_CANSETTIME = 0x0010;
}
