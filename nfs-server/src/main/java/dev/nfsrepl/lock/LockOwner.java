package dev.nfsrepl.lock;

/**
 * Who holds a lock, as NLM names it: the client host ({@code caller_name}), the process on it
 * ({@code svid}) and the client's owner handle ({@code oh}, hex). Locks of one owner never conflict
 * with each other; a client's locks are all freed together ({@link LockTable#freeAll}).
 */
public record LockOwner(String host, long svid, String handle) {

    @Override
    public String toString() {
        return host + "/" + svid;
    }
}
