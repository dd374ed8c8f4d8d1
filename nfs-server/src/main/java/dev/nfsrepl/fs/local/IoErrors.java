package dev.nfsrepl.fs.local;

import dev.nfsrepl.fs.error.AccessException;
import dev.nfsrepl.fs.error.DQuotException;
import dev.nfsrepl.fs.error.ExistException;
import dev.nfsrepl.fs.error.FBigException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.fs.error.IoErrorException;
import dev.nfsrepl.fs.error.IsDirException;
import dev.nfsrepl.fs.error.MLinkException;
import dev.nfsrepl.fs.error.NameTooLongException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.NoSpcException;
import dev.nfsrepl.fs.error.NotDirException;
import dev.nfsrepl.fs.error.NotEmptyException;
import dev.nfsrepl.fs.error.PermException;
import dev.nfsrepl.fs.error.RoFsException;
import dev.nfsrepl.fs.error.XDevException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * Maps the {@link IOException}s of java.nio to typed NFS failures. java.nio reports most errno
 * values only through the message (strerror text), so those are matched by text.
 */
public final class IoErrors {

    private IoErrors() {
    }

    public static FsException map(IOException e, String what) {
        String msg = what + ": " + describe(e);
        if (e instanceof NoSuchFileException) {
            return new NoEntException(msg, e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return new ExistException(msg, e);
        }
        if (e instanceof DirectoryNotEmptyException) {
            return new NotEmptyException(msg, e);
        }
        if (e instanceof AccessDeniedException) {
            return new AccessException(msg, e);
        }
        if (e instanceof NotDirectoryException) {
            return new NotDirException(msg, e);
        }
        if (e instanceof NotLinkException) {
            return new InvalException(msg, e);
        }
        String reason = reason(e).toLowerCase(Locale.ROOT);
        if (reason.contains("no space left")) {
            return new NoSpcException(msg, e);
        }
        if (reason.contains("quota")) {
            return new DQuotException(msg, e);
        }
        if (reason.contains("read-only file system")) {
            return new RoFsException(msg, e);
        }
        if (reason.contains("too many links")) {
            return new MLinkException(msg, e);
        }
        if (reason.contains("file name too long")) {
            return new NameTooLongException(msg, e);
        }
        if (reason.contains("cross-device")) {
            return new XDevException(msg, e);
        }
        if (reason.contains("is a directory")) {
            return new IsDirException(msg, e);
        }
        if (reason.contains("not a directory")) {
            return new NotDirException(msg, e);
        }
        if (reason.contains("directory not empty")) {
            return new NotEmptyException(msg, e);
        }
        if (reason.contains("file too large")) {
            return new FBigException(msg, e);
        }
        if (reason.contains("invalid argument")) {
            return new InvalException(msg, e);
        }
        if (reason.contains("operation not permitted")) {
            return new PermException(msg, e);
        }
        if (reason.contains("permission denied")) {
            return new AccessException(msg, e);
        }
        if (reason.contains("file exists")) {
            return new ExistException(msg, e);
        }
        if (reason.contains("no such file")) {
            return new NoEntException(msg, e);
        }
        return new IoErrorException(msg, e);
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? "" : e.getMessage();
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + " " + (e.getMessage() == null ? "" : e.getMessage());
    }
}
