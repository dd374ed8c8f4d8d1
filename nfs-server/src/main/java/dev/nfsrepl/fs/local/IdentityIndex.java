package dev.nfsrepl.fs.local;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The persistent index that lets the server find an object by FileId without walking the tree,
 * kept in the export's state directory (never inside the export), in an H2 MVStore file that is
 * committed in the background about once a second, on {@link #sync()} and on close.
 *
 * <ul>
 *   <li>{@code links}: FileId → the object's inode number and the names it is known by, each
 *   (parent FileId, name). Names are hints, verified against the object's FileId on disk at every
 *   use. The inode tells the object from a copy of it that carries the same FileId
 *   ({@code cp -a}, {@code rsync -X}): the copy has another inode and gets a FileId of its own.</li>
 *   <li>{@code specials}: inode number → FileId, for symlinks, FIFOs and sockets, which cannot
 *   carry user extended attributes. This is their only record, so it is synced before the
 *   creation is acknowledged.</li>
 *   <li>{@code meta}: {@code clean} is "true" only between a clean close and the next open. After
 *   an unclean stop the index may miss the newest objects, and the file system may search the
 *   tree for an id it cannot find.</li>
 * </ul>
 *
 * <p>Value grammar of {@code links}:
 * <pre>
 *   value := hex(ino) *( NUL link )
 *   link  := hex(parentId) "/" name        ; names never contain NUL or "/"
 * </pre>
 *
 * <p>Thread-safe (MVMap is concurrent; updates to one id are made under the caller's locks).
 */
final class IdentityIndex implements Closeable {

    record Link(long parent, String name) {
    }

    /** What the index knows of one FileId: its inode and its names, the preferred one first. */
    record Entry(long ino, List<Link> links) {
    }

    private final MVStore store;
    private final MVMap<Long, String> entries;
    private final MVMap<Long, Long> specials;
    private final MVMap<String, String> meta;
    private final boolean wasClean;

    private IdentityIndex(MVStore store) {
        this.store = store;
        this.entries = store.openMap("links");
        this.specials = store.openMap("specials");
        this.meta = store.openMap("meta");
        // a new index is complete: no client can hold a handle of an object it has not indexed
        this.wasClean = meta.isEmpty() || "true".equals(meta.get("clean"));
        meta.put("clean", "false");
        sync();
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

    /** The entry of {@code id}, or null. */
    Entry entry(long id) {
        String v = entries.get(id);
        if (v == null) {
            return null;
        }
        String[] parts = v.split("\0");
        List<Link> links = new ArrayList<>(parts.length - 1);
        for (int i = 1; i < parts.length; i++) {
            int slash = parts[i].indexOf('/');
            links.add(new Link(Long.parseUnsignedLong(parts[i].substring(0, slash), 16),
                    parts[i].substring(slash + 1)));
        }
        return new Entry(Long.parseUnsignedLong(parts[0], 16), links);
    }

    private void put(long id, long ino, List<Link> links) {
        StringBuilder sb = new StringBuilder(Long.toHexString(ino));
        for (Link l : links) {
            sb.append('\0').append(Long.toHexString(l.parent())).append('/').append(l.name());
        }
        entries.put(id, sb.toString());
    }

    /** Records that {@code id} (inode {@code ino}) is known as {@code name} in {@code parent}, preferred. */
    void addLink(long id, long ino, long parent, String name) {
        Entry e = entry(id);
        List<Link> links = e == null || e.ino() != ino ? new ArrayList<>() : new ArrayList<>(e.links());
        Link l = new Link(parent, name);
        if (e != null && e.ino() == ino && !links.isEmpty() && links.get(0).equals(l)) {
            return;
        }
        links.remove(l);
        links.add(0, l);
        put(id, ino, links);
    }

    void removeLink(long id, long parent, String name) {
        Entry e = entry(id);
        if (e != null) {
            List<Link> links = new ArrayList<>(e.links());
            if (links.remove(new Link(parent, name))) {
                put(id, e.ino(), links);
            }
        }
    }

    void forget(long id) {
        entries.remove(id);
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

    /** Commits and forces the index to stable storage. */
    void sync() {
        store.commit();
        store.sync();
    }

    @Override
    public void close() {
        meta.put("clean", "true");
        store.close();
    }
}
