package dev.nfsrepl.fs;

/** Access rights asked for and granted by {@link FileSystem#access}; values match RFC 1813 ACCESS3_*. */
public final class Access {
    public static final int READ = 0x01;
    public static final int LOOKUP = 0x02;
    public static final int MODIFY = 0x04;
    public static final int EXTEND = 0x08;
    public static final int DELETE = 0x10;
    public static final int EXECUTE = 0x20;
    public static final int ALL = READ | LOOKUP | MODIFY | EXTEND | DELETE | EXECUTE;

    private Access() {
    }
}
