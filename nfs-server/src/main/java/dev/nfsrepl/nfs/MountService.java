package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.nfs.export.Export;
import dev.nfsrepl.nfs.export.ExportOptions;
import dev.nfsrepl.nfs.xdr.dirpath;
import dev.nfsrepl.nfs.xdr.exportnode;
import dev.nfsrepl.nfs.xdr.exports;
import dev.nfsrepl.nfs.xdr.groupnode;
import dev.nfsrepl.nfs.xdr.mountbody;
import dev.nfsrepl.nfs.xdr.mountlist;
import dev.nfsrepl.nfs.xdr.mountres3;
import dev.nfsrepl.nfs.xdr.mountres3_ok;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MOUNT program (100005), version 3: hands out the root handle of an export (or of a
 * directory below it) to clients its rules allow, and keeps the informational mount list.
 */
public final class MountService implements RpcDispatchable {

    private static final Logger LOG = LoggerFactory.getLogger(MountService.class);
    private static final int AUTH_UNIX = 1;

    private record Mount(String host, String path) {
    }

    private final ExportTable exports;
    private final Set<Mount> mounts = ConcurrentHashMap.newKeySet();

    public MountService(ExportTable exports) {
        this.exports = exports;
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) throws OncRpcException, IOException {
        if (call.getProgramVersion() != nfs3_prot.MOUNT_V3) {
            call.failProgramMismatch(nfs3_prot.MOUNT_V3, nfs3_prot.MOUNT_V3);
            return;
        }
        Caller c = Caller.of(call);
        String host = c.address().getHostAddress();
        try {
            switch (call.getProcedure()) {
                case nfs3_prot.MOUNTPROC3_NULL -> {
                    call.retrieveCall(XdrVoid.XDR_VOID);
                    call.reply(XdrVoid.XDR_VOID);
                }
                case nfs3_prot.MOUNTPROC3_MNT -> {
                    dirpath p = new dirpath();
                    call.retrieveCall(p);
                    call.reply(mnt(c, p.value));
                }
                case nfs3_prot.MOUNTPROC3_DUMP -> {
                    call.retrieveCall(XdrVoid.XDR_VOID);
                    mountlist l = new mountlist();
                    for (Mount m : mounts) {
                        mountbody b = new mountbody();
                        b.ml_hostname = m.host;
                        b.ml_directory = m.path;
                        l.entries.add(b);
                    }
                    call.reply(l);
                }
                case nfs3_prot.MOUNTPROC3_UMNT -> {
                    dirpath p = new dirpath();
                    call.retrieveCall(p);
                    mounts.remove(new Mount(host, p.value));
                    call.reply(XdrVoid.XDR_VOID);
                }
                case nfs3_prot.MOUNTPROC3_UMNTALL -> {
                    call.retrieveCall(XdrVoid.XDR_VOID);
                    mounts.removeIf(m -> m.host.equals(host));
                    call.reply(XdrVoid.XDR_VOID);
                }
                case nfs3_prot.MOUNTPROC3_EXPORT -> {
                    call.retrieveCall(XdrVoid.XDR_VOID);
                    call.reply(exportList());
                }
                default -> call.failProcedureUnavailable();
            }
        } catch (OncRpcException e) {
            LOG.info("garbage arguments to MOUNT procedure {} from {}: {}", call.getProcedure(), host, e.toString());
            call.failRpcGarbage();
        }
    }

    private mountres3 mnt(Caller c, String path) {
        mountres3 r = new mountres3();
        String host = c.address().getHostAddress();
        String clean = path.length() > 1 && path.endsWith("/") ? path.replaceAll("/+$", "") : path;
        Optional<ExportedFs> found = exports.forMountPath(clean);
        if (found.isEmpty()) {
            LOG.info("MNT {} from {}: no such export", path, host);
            r.fhs_status = nfs3_prot.MNT3ERR_NOENT;
            return r;
        }
        ExportedFs e = found.get();
        Export ex = e.export();
        Optional<ExportOptions> opts = ex.optionsFor(c.address());
        if (opts.isEmpty() || !opts.get().permitsSourcePort(c.port())) {
            LOG.info("MNT {} from {}:{}: refused by the rules of export {}", path, host, c.port(), ex.pseudoPath());
            r.fhs_status = nfs3_prot.MNT3ERR_ACCES;
            return r;
        }
        try {
            Identity who = opts.get().map(c.identityOrNobody());
            long id = e.fs().rootId();
            String rest = clean.substring(Math.min(clean.length(), ex.pseudoPath().equals("/") ? 0
                    : ex.pseudoPath().length()));
            for (String part : rest.split("/")) {
                if (!part.isEmpty()) {
                    id = e.fs().lookup(who, id, Names.change(part));
                }
            }
            if (e.fs().getattr(id).type() != dev.nfsrepl.fs.FileType.DIRECTORY) {
                r.fhs_status = nfs3_prot.MNT3ERR_NOTDIR;
                return r;
            }
            r.mountinfo = new mountres3_ok();
            r.mountinfo.fhandle = new FileHandle(ex.fsid(), e.fs().generation(), id).toBytes();
            r.mountinfo.auth_flavors = new int[] {AUTH_UNIX};
            mounts.add(new Mount(host, clean));
            LOG.info("MNT {} by {}", clean, host);
        } catch (dev.nfsrepl.fs.error.JukeboxException ex2) { // (MOUNT has no "try later")
            LOG.info("MNT {} from {}: {}", path, host, ex2.getMessage());
            r.fhs_status = nfs3_prot.MNT3ERR_SERVERFAULT;
        } catch (FsException ex2) {
            r.fhs_status = ex2.status() == nfs3_prot.NFS3ERR_NOENT ? nfs3_prot.MNT3ERR_NOENT : nfs3_prot.MNT3ERR_ACCES;
        }
        return r;
    }

    private exports exportList() {
        exports out = new exports();
        for (ExportedFs e : exports.all()) {
            exportnode n = new exportnode();
            n.ex_dir = e.export().pseudoPath();
            for (Export.Client cl : e.export().clients()) {
                groupnode g = new groupnode();
                g.gr_name = cl.spec().toString();
                n.ex_groups.add(g);
            }
            out.entries.add(n);
        }
        return out;
    }
}
