package dev.nfsrepl.nfs.xdr;

import org.dcache.oncrpc4j.rpc.OncRpcException;

/**
 * Thrown when bytes on the wire cannot be a valid value of an RFC 1813 type: a
 * variable-length item longer than its bound, a negative length, or a union
 * discriminant without an arm. Also thrown when asked to encode such a value.
 *
 * <p>oncrpc4j's own {@code BadXdrOncRpcException} cannot be created outside its
 * package, hence this subclass of {@link OncRpcException}. A server treats it like any
 * other decoding failure of the call arguments (reply {@code GARBAGE_ARGS}).
 */
public class BadXdrException extends OncRpcException {

    private static final long serialVersionUID = 1L;

    public BadXdrException(String message) {
        super(message);
    }
}
