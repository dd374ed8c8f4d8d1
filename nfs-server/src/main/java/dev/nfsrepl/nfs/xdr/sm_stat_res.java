package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * enum res { STAT_SUCC = 0, STAT_FAIL = 1 };
 * struct sm_stat_res { res res_stat; int state; };
 * struct sm_stat { int state; };        (withResult false: the state alone)
 * </pre>
 * Answers of the status monitor (SM_STAT, SM_MON; SM_UNMON and SM_UNMON_ALL with the state alone).
 */
public class sm_stat_res implements XdrAble {
    public static final int STAT_SUCC = 0;
    public static final int STAT_FAIL = 1;

    public boolean withResult = true;
    public int res_stat;
    public int state;

    public sm_stat_res() {
    }

    public sm_stat_res(boolean withResult, int resStat, int state) {
        this.withResult = withResult;
        this.res_stat = resStat;
        this.state = state;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        if (withResult) {
            xdr.xdrEncodeInt(res_stat);
        }
        xdr.xdrEncodeInt(state);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        if (withResult) {
            res_stat = xdr.xdrDecodeInt();
        }
        state = xdr.xdrDecodeInt();
    }
}
