package dev.nfsrepl.fs;

/**
 * One directory entry. {@code cookie} resumes a listing just after this entry; {@code attr}
 * is present only when attributes were asked for (READDIRPLUS).
 */
public record DirEntry(String name, long fileId, long cookie, Attr attr) {
}
