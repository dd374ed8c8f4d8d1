package dev.nfsrepl.fs;

/**
 * Attribute changes requested by SETATTR or at creation. A {@code null} field is left
 * unchanged. {@code mode} holds permission bits only (07777).
 */
public record SetAttr(Integer mode, Integer uid, Integer gid, Long size, TimeSpec atime, TimeSpec mtime) {

    public static final SetAttr NONE = new SetAttr(null, null, null, null, null, null);

    public static SetAttr mode(int mode) {
        return new SetAttr(mode, null, null, null, null, null);
    }

    public SetAttr withMode(Integer m) {
        return new SetAttr(m, uid, gid, size, atime, mtime);
    }

    public SetAttr withoutMode() {
        return withMode(null);
    }

    public boolean isEmpty() {
        return mode == null && uid == null && gid == null && size == null && atime == null && mtime == null;
    }
}
