package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.nfs.export.Export;

/** An export's rules together with the file system that serves it. */
public record ExportedFs(Export export, FileSystem fs) {
}
