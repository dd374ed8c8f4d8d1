package dev.nfsrepl.nfs;

import dev.nfsrepl.nfs.xdr.BadXdrException;
import dev.nfsrepl.nfs.xdr.nlm4_notify;
import dev.nfsrepl.nfs.xdr.nlm4_prot;
import dev.nfsrepl.nfs.xdr.sm_name;
import dev.nfsrepl.nfs.xdr.sm_stat_res;
import java.io.IOException;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's status monitor (NSM, program 100024 version 1) as its clients see it: a client
 * that restarted says so with SM_NOTIFY (Linux's sm-notify, over UDP), and the locks it held here
 * are freed. SM_STAT answers the server's state number. SM_MON, SM_UNMON and SM_UNMON_ALL are how
 * a host's own lock manager asks its monitor to watch others; nobody else may, so they are refused
 * (STAT_FAIL) or change nothing. The server's own notifications after a restart are sent by
 * {@link NlmService}.
 */
public final class NsmService implements RpcDispatchable {

    private static final Logger LOG = LoggerFactory.getLogger(NsmService.class);

    private final NlmService locks;

    public NsmService(NlmService locks) {
        this.locks = locks;
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) throws OncRpcException, IOException {
        if (call.getProgramVersion() != nlm4_prot.NSM_V1) {
            call.failProgramMismatch(nlm4_prot.NSM_V1, nlm4_prot.NSM_V1);
            return;
        }
        Caller c = Caller.of(call);
        try {
            switch (call.getProcedure()) {
                case nlm4_prot.SM_NULL, nlm4_prot.SM_SIMU_CRASH -> {
                    call.retrieveCall(XdrVoid.XDR_VOID);
                    call.reply(XdrVoid.XDR_VOID);
                }
                case nlm4_prot.SM_STAT -> {
                    sm_name a = new sm_name();
                    call.retrieveCall(a);
                    call.reply(new sm_stat_res(true, sm_stat_res.STAT_SUCC, locks.nsmState()));
                }
                case nlm4_prot.SM_MON -> {
                    LOG.info("NSM: SM_MON from {} refused: this monitor watches nobody on others' behalf",
                            c.address().getHostAddress());
                    call.reply(new sm_stat_res(true, sm_stat_res.STAT_FAIL, locks.nsmState()));
                }
                case nlm4_prot.SM_UNMON, nlm4_prot.SM_UNMON_ALL ->
                        call.reply(new sm_stat_res(false, 0, locks.nsmState()));
                case nlm4_prot.SM_NOTIFY -> {
                    nlm4_notify a = new nlm4_notify(); // stat_chge has the same shape
                    call.retrieveCall(a);
                    locks.clientRestarted(a.name, a.state, c.address());
                    call.reply(XdrVoid.XDR_VOID);
                }
                default -> call.failProcedureUnavailable();
            }
        } catch (BadXdrException e) {
            LOG.info("NSM procedure {} from {}: {}", call.getProcedure(), c.address().getHostAddress(), e.getMessage());
            call.failRpcGarbage();
        }
    }
}
