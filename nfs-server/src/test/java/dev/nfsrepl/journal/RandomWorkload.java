package dev.nfsrepl.journal;

import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.FsException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * Random changes to a tree for property tests: creates, writes, SETATTRs, directories made,
 * removed and moved, renames over existing names, hard links, removes, symlinks, COMMITs and FIFOs,
 * on a small set of names so that they collide. A change the tree refuses throws.
 */
final class RandomWorkload {

    private RandomWorkload() {
    }

    static void op(FileSystem fs, Identity who, Random rnd, long root, List<Long> dirs) throws FsException {
        long dir = rnd.nextInt(6) == 0 ? root : dirs.get(rnd.nextInt(dirs.size()));
        String name = "n" + rnd.nextInt(24);
        int op = rnd.nextInt(100);
        if (op < 18) {
            CreateMode mode = rnd.nextBoolean() ? CreateMode.GUARDED : CreateMode.UNCHECKED;
            fs.create(who, dir, name, mode, SetAttr.mode(rnd.nextBoolean() ? 0644 : 0600), null);
        } else if (op < 40) {
            long f = fs.lookup(who, dir, name);
            byte[] data = new byte[1 + rnd.nextInt(6000)];
            rnd.nextBytes(data);
            Stability st = Stability.values()[rnd.nextInt(3)];
            fs.write(who, f, rnd.nextInt(1 << 16), ByteBuffer.wrap(data), st);
        } else if (op < 48) {
            long f = fs.lookup(who, dir, name);
            SetAttr change = switch (rnd.nextInt(4)) {
                case 0 -> new SetAttr(null, null, null, (long) rnd.nextInt(1 << 17), null, null);
                case 1 -> SetAttr.mode(rnd.nextBoolean() ? 0700 : 0640);
                case 2 -> new SetAttr(null, rnd.nextBoolean() ? 0 : 1000, rnd.nextBoolean() ? 0 : 100, null, null, null);
                default -> new SetAttr(null, null, null, null, TimeSpec.at(1_700_000_000_000_000_000L + rnd.nextInt(1000)),
                        TimeSpec.SERVER);
            };
            fs.setattr(who, f, change, null);
        } else if (op < 56) {
            fs.mkdir(who, dir, "s" + rnd.nextInt(6), SetAttr.NONE);
        } else if (op < 60) {
            fs.rmdir(who, dir, "s" + rnd.nextInt(6));
        } else if (op < 72) {
            long to = dirs.get(rnd.nextInt(dirs.size()));
            fs.rename(who, dir, name, to, "n" + rnd.nextInt(24));
        } else if (op < 76) {
            long to = dirs.get(rnd.nextInt(dirs.size()));
            String sub = "s" + rnd.nextInt(6);
            fs.rename(who, dir, sub, rnd.nextBoolean() ? to : fs.lookup(who, to, "s" + rnd.nextInt(6)), sub);
        } else if (op < 82) {
            long f = fs.lookup(who, dir, name);
            fs.link(who, f, dirs.get(rnd.nextInt(dirs.size())), "h" + rnd.nextInt(12));
        } else if (op < 94) {
            fs.remove(who, dir, rnd.nextBoolean() ? name : "h" + rnd.nextInt(12));
        } else if (op < 98) {
            fs.symlink(who, dir, "l" + rnd.nextInt(8), "target-" + rnd.nextInt(100), SetAttr.NONE);
        } else if (op < 99) {
            fs.commit(who, fs.lookup(who, dir, name));
        } else {
            fs.mknod(who, dir, "p" + rnd.nextInt(4), FileType.FIFO, SetAttr.mode(0600));
        }
    }
}
