/**
 * XDR wire types of RFC 1813: the NFS version 3 protocol (program 100003, version 3) and
 * the MOUNT version 3 protocol (program 100005, version 3), as oncrpc4j
 * {@link org.dcache.oncrpc4j.xdr.XdrAble} classes.
 *
 * <p>The class, field and constant names are the RFC's on purpose ({@code nfs_fh3},
 * {@code fattr3}, {@code LOOKUP3res}, {@code resok}, {@code obj_attributes}, ...), even
 * where they break Java naming conventions, so that every type can be checked line by
 * line against the XDR in the RFC; each class quotes its definition. These are wire
 * types only, used by the protocol layer to decode call arguments and encode results
 * (and the reverse in tests); the rest of the server should convert them to its own
 * model rather than pass them around.
 *
 * <p>Mapping rules:
 * <ul>
 * <li>{@code uint32} and the 32-bit typedefs ({@code count3}, {@code uid3},
 *     {@code mode3}...) are {@code int}; {@code uint64} and the 64-bit typedefs
 *     ({@code fileid3}, {@code cookie3}, {@code size3}, {@code offset3}) are
 *     {@code long}. Both are unsigned on the wire: use {@link java.lang.Integer#toUnsignedLong}
 *     and {@link java.lang.Long#compareUnsigned} where the sign matters. Enumerations are
 *     {@code int} with the values in {@link dev.nfsrepl.nfs.xdr.nfs3_prot}.</li>
 * <li>A struct is a class with one public field per member; struct-typed fields are
 *     never {@code null} in a new instance.</li>
 * <li>A union is a class with its discriminant field ({@code status},
 *     {@code attributes_follow}, {@code set_it}, {@code mode}...) and one field per arm.
 *     Only the arm that the discriminant selects is encoded or decoded; decoding sets the
 *     other arms to {@code null}. The {@code XXX3res} results have {@code int status},
 *     {@code resok} and, unless the failure arm is void, {@code resfail}.</li>
 * <li>{@code filename3}, {@code nfspath3}, {@code dirpath} and {@code name} are
 *     {@code String} fields, decoded from the raw bytes as UTF-8 (NUL bytes preserved,
 *     malformed sequences become U+FFFD); {@code nfs_fh3.data}, {@code fhandle3} and the
 *     fixed-size verifiers are {@code byte[]}.</li>
 * <li>Linked lists ({@code entry3 *nextentry}, {@code mountbody *ml_next}...) are a
 *     {@link java.util.List} in the enclosing object ({@code dirlist3.entries},
 *     {@code dirlistplus3.entries}, {@code mountlist.entries}, {@code exports.entries},
 *     {@code exportnode.ex_groups}), written and read iteratively as the chain of
 *     value-follows booleans.</li>
 * <li>The data of {@code WRITE3args} and {@code READ3resok} is a
 *     {@link java.nio.ByteBuffer} (see those classes about copying).</li>
 * </ul>
 *
 * <p>Decoding is defensive: every variable-length item is checked against its bound
 * (the RFC's, or a sanity cap where the RFC has none) before anything is allocated, and
 * violations throw {@link dev.nfsrepl.nfs.xdr.BadXdrException}.
 */
package dev.nfsrepl.nfs.xdr;
