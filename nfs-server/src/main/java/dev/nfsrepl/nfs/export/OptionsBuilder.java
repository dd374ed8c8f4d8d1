package dev.nfsrepl.nfs.export;

import dev.nfsrepl.nfs.export.ExportOptions.Squash;

/**
 * Accumulates the options of one export line: the line's {@code -defaultopts} first, then a copy
 * of that per client with the client's own options. Later options override earlier ones.
 */
final class OptionsBuilder {

    private boolean readOnly = ExportOptions.DEFAULTS.readOnly();
    private boolean rootSquash = true;
    private boolean allSquash = false;
    private int anonUid = ExportOptions.DEFAULTS.anonUid();
    private int anonGid = ExportOptions.DEFAULTS.anonGid();
    private boolean secure = ExportOptions.DEFAULTS.secure();
    private boolean sync = ExportOptions.DEFAULTS.sync();
    /** Export-level, only from the default options; null when not given. */
    private String pseudoPath;
    private Integer fsid;

    /** A builder for one client: these options without the export-level ones. */
    OptionsBuilder forClient() {
        OptionsBuilder b = new OptionsBuilder();
        b.readOnly = readOnly;
        b.rootSquash = rootSquash;
        b.allSquash = allSquash;
        b.anonUid = anonUid;
        b.anonGid = anonGid;
        b.secure = secure;
        b.sync = sync;
        return b;
    }

    /**
     * Applies one option such as {@code rw} or {@code anonuid=1000}.
     *
     * @param exportLevel whether {@code pseudo=} and {@code fsid=} are allowed (in {@code -defaultopts})
     * @throws IllegalArgumentException saying what is wrong with the option
     */
    void apply(String option, boolean exportLevel) {
        int eq = option.indexOf('=');
        String name = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? null : option.substring(eq + 1);
        switch (name) {
            case "ro" -> readOnly = flag(name, value, true);
            case "rw" -> readOnly = flag(name, value, false);
            case "root_squash" -> rootSquash = flag(name, value, true);
            case "no_root_squash" -> rootSquash = flag(name, value, false);
            case "all_squash" -> allSquash = flag(name, value, true);
            case "no_all_squash" -> allSquash = flag(name, value, false);
            case "secure" -> secure = flag(name, value, true);
            case "insecure" -> secure = flag(name, value, false);
            case "sync" -> sync = flag(name, value, true);
            case "async" -> sync = flag(name, value, false);
            case "anonuid" -> anonUid = unsigned32(name, value);
            case "anongid" -> anonGid = unsigned32(name, value);
            case "pseudo" -> pseudoPath = Export.checkPseudoPath(valued(name, value, exportLevel));
            case "fsid" -> fsid = unsigned32(name, valued(name, value, exportLevel));
            default -> throw new IllegalArgumentException(
                    option.isEmpty() ? "empty option" : "unknown option '" + option + "'");
        }
    }

    ExportOptions build() {
        Squash squash = allSquash ? Squash.ALL : rootSquash ? Squash.ROOT : Squash.NONE;
        return new ExportOptions(readOnly, squash, anonUid, anonGid, secure, sync);
    }

    /** The {@code pseudo=} value, or null. */
    String pseudoPath() {
        return pseudoPath;
    }

    /** The {@code fsid=} value, or null. */
    Integer fsid() {
        return fsid;
    }

    private static boolean flag(String name, String value, boolean result) {
        if (value != null) {
            throw new IllegalArgumentException("option '" + name + "' takes no value");
        }
        return result;
    }

    private static String valued(String name, String value, boolean exportLevel) {
        if (!exportLevel) {
            throw new IllegalArgumentException("option '" + name + "' is only allowed in the export's "
                    + "default options ('-" + name + "=...' after the directory)");
        }
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("option '" + name + "' needs a value ('" + name + "=...')");
        }
        return value;
    }

    private static int unsigned32(String name, String value) {
        if (value == null || !value.matches("[0-9]{1,10}") || Long.parseLong(value) > 0xffff_ffffL) {
            throw new IllegalArgumentException("option '" + name + "' needs an unsigned 32-bit number, e.g. "
                    + name + "=65534, not '" + (value == null ? name : name + "=" + value) + "'");
        }
        return (int) Long.parseLong(value);
    }
}
