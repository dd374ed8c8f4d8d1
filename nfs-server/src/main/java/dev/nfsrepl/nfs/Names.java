package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.error.AccessException;
import dev.nfsrepl.fs.error.ExistException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.fs.error.NameTooLongException;
import java.nio.charset.StandardCharsets;

/**
 * Checks of names arriving from clients before they reach the file system, with knfsd's answers:
 * a name is one path component of at most 255 bytes, never empty, never containing '/' or NUL.
 */
final class Names {

    static final int NAME_MAX = 255;

    private Names() {
    }

    /** A name looked up: "." and ".." are allowed. */
    static String lookup(String name) throws FsException {
        if (name.isEmpty()) {
            throw new AccessException("empty name");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new AccessException("name contains '/' or NUL: " + printable(name));
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new NameTooLongException("name longer than " + NAME_MAX + " bytes");
        }
        return name;
    }

    /** A name to create: "." and ".." always exist. */
    static String create(String name) throws FsException {
        lookup(name);
        if (name.equals(".") || name.equals("..")) {
            throw new ExistException("cannot create '" + name + "'");
        }
        return name;
    }

    /** A name to remove, rename or link: "." and ".." are invalid. */
    static String change(String name) throws FsException {
        lookup(name);
        if (name.equals(".") || name.equals("..")) {
            throw new InvalException("cannot remove or rename '" + name + "'");
        }
        return name;
    }

    static String printable(String s) {
        return s.replace("\0", "\\0");
    }
}
