package dev.nfsrepl.fs;

/** The kinds of object a {@link FileSystem} holds. */
public enum FileType {
    REGULAR, DIRECTORY, BLOCK_DEVICE, CHAR_DEVICE, SYMLINK, SOCKET, FIFO;

    /** The type encoded in the S_IFMT bits of a Unix mode. */
    public static FileType fromUnixMode(int mode) {
        return switch (mode & 0170000) {
            case 0040000 -> DIRECTORY;
            case 0120000 -> SYMLINK;
            case 0060000 -> BLOCK_DEVICE;
            case 0020000 -> CHAR_DEVICE;
            case 0140000 -> SOCKET;
            case 0010000 -> FIFO;
            default -> REGULAR;
        };
    }

    /** Objects of these types cannot carry user extended attributes on Linux. */
    public boolean carriesXattrs() {
        return this == REGULAR || this == DIRECTORY;
    }
}
