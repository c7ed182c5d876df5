package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One copy and fill round trip over the CMB, each step marked and logged for the host's trace
 * check: copy-to-io, copy-from-io, fill, copy-from-io.
 *
 * @param ops    the marked, logged operations
 * @param offset the device offset
 * @param length bytes
 */
record CopyRoundTrip(TracedOps ops, long offset, int length) {

    /** What came back, and whether every step reached the device without a fault. */
    record Result(long offset, boolean completed, byte[] written, byte[] readBack, byte fill, byte[] filledBack, String outcomes) {
    }

    Result run() {
        IoAccessor cmb = ops.cmb();
        byte[] src = new byte[length];
        for (int i = 0; i < length; i++) {
            src[i] = (byte) (offset * 31 + length * 7 + i * 13 + 1);
        }
        byte[] back = new byte[length];
        byte[] filled = new byte[length];
        byte fill = (byte) (0x80 | (offset + length) & 0x7f);
        String a = ops.run("copy-to-io", "cmb", offset, length, 0, () -> cmb.copyToIo(MemorySegment.ofArray(src), offset));
        String b = ops.run("copy-from-io", "cmb", offset, length, 0, () -> cmb.copyFromIo(offset, MemorySegment.ofArray(back)));
        String c = ops.run("fill", "cmb", offset, length, fill & 0xff, () -> cmb.fillIo(offset, length, fill));
        String d = ops.run("copy-from-io", "cmb", offset, length, 0, () -> cmb.copyFromIo(offset, MemorySegment.ofArray(filled)));
        boolean ok = a.equals("ok") && b.equals("ok") && c.equals("ok") && d.equals("ok");
        return new Result(offset, ok, src, back, fill, filled, String.join(",", a, b, c, d));
    }

    /** {@return {@code length} copies of {@code b}} */
    static byte[] repeat(byte b, int length) {
        byte[] r = new byte[length];
        Arrays.fill(r, b);
        return r;
    }
}
