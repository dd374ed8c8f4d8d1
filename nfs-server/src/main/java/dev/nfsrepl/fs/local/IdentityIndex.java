package dev.nfsrepl.fs.local;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The persistent index that lets the server find an object by FileId without walking the tree,
 * kept in the node's state directory (never inside the export), in an H2 MVStore file (committed in the background about once a second, and on close).
 *
 * <ul>
 *   <li>{@code links}: FileId → the names it is known by, each (parent FileId, name). These are
 *   hints: every use is verified against the object's own FileId on disk.</li>
 *   <li>{@code specials}: inode number → FileId, for symlinks, FIFOs and sockets, which cannot
 *   carry user extended attributes; verified against the inode on every use.</li>
 *   <li>{@code meta}: {@code clean} is "true" only between a clean close and the next open. After
 *   an unclean stop the index may miss the newest objects, and the file system may search the
 *   tree for an id it cannot find.</li>
 * </ul>
 *
 * <p>Value grammar of {@code links}: {@code link *( NUL link )}, {@code link = hex(parentId) "/" name}.
 * Names never contain NUL or "/".
 *
 * <p>Thread-safe (MVMap is concurrent; updates to one id are made under the caller's locks).
 */
final class IdentityIndex implements Closeable {

    record Link(long parent, String name) {
    }

    private final MVStore store;
    private final MVMap<Long, String> links;
    private final MVMap<Long, Long> specials;
    private final MVMap<String, String> meta;
    private final boolean wasClean;

    private IdentityIndex(MVStore store) {
        this.store = store;
        this.links = store.openMap("links");
        this.specials = store.openMap("specials");
        this.meta = store.openMap("meta");
        // a new index is complete: no client can hold a handle of an object it has not indexed
        this.wasClean = meta.isEmpty() || "true".equals(meta.get("clean"));
        meta.put("clean", "false");
        store.commit();
    }

    static IdentityIndex open(Path stateDir) {
        MVStore store = new MVStore.Builder()
                .fileName(stateDir.resolve("identity.mv.db").toString())
                .open();
        return new IdentityIndex(store);
    }

    boolean wasCleanlyClosed() {
        return wasClean;
    }

    List<Link> links(long id) {
        String v = links.get(id);
        List<Link> out = new ArrayList<>(1);
        if (v == null) {
            return out;
        }
        for (String part : v.split("\0")) {
            int slash = part.indexOf('/');
            out.add(new Link(Long.parseUnsignedLong(part.substring(0, slash), 16), part.substring(slash + 1)));
        }
        return out;
    }

    void setLinks(long id, List<Link> ls) {
        if (ls.isEmpty()) {
            links.remove(id);
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Link l : ls) {
            if (sb.length() > 0) {
                sb.append('\0');
            }
            sb.append(Long.toHexString(l.parent())).append('/').append(l.name());
        }
        links.put(id, sb.toString());
    }

    /** Records that {@code id} is known as {@code name} in {@code parent}, first among its names. */
    void addLink(long id, long parent, String name) {
        List<Link> ls = links(id);
        Link l = new Link(parent, name);
        if (!ls.isEmpty() && ls.get(0).equals(l)) {
            return;
        }
        ls.remove(l);
        ls.add(0, l);
        setLinks(id, ls);
    }

    void removeLink(long id, long parent, String name) {
        List<Link> ls = links(id);
        if (ls.remove(new Link(parent, name))) {
            setLinks(id, ls);
        }
    }

    void forget(long id) {
        links.remove(id);
    }

    Long special(long ino) {
        return specials.get(ino);
    }

    void setSpecial(long ino, long id) {
        specials.put(ino, id);
    }

    void forgetSpecial(long ino) {
        specials.remove(ino);
    }

    void commit() {
        store.commit();
    }

    @Override
    public void close() {
        meta.put("clean", "true");
        store.close();
    }
}
