package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.core.Iomem;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The guest's half of the device-trace check. Before each operation it writes a marker, one
 * 4-byte relaxed store of a sequence number to the last doubleword of the NVMe CMB, and logs
 * the operation to {@code /results/ops.tsv}. On the host, QEMU's trace is cut at the markers
 * and each piece is compared with what iomem predicts for the logged operation.
 *
 * <p>Log columns: sequence, operation, target ({@code cmb}, {@code edu}, {@code nvme}), device
 * offset, length in bytes, fill or store value (hex), outcome ({@code ok}, or
 * {@code refused:ExceptionName}, or {@code fault:message}).
 */
public final class TracedOps implements AutoCloseable {

    /** Markers carry this in their top byte, so that a byte-reversed marker is recognised too. */
    public static final int MARK_TAG = 0x5A;

    private static final String HEADER = "# seq\top\ttarget\toffset\tlength\tvalue\toutcome\n";

    private final Arena arena = Arena.ofShared();
    private final IoAccessor cmb;
    private final long markOffset;
    private final Path log;
    private final StringBuilder pending = new StringBuilder();
    private int seq;

    /**
     * Opens the CMB of the guest's NVMe controller through the native platform.
     *
     * @param logName  the log's file name under the results directory (a child JVM uses its own)
     * @param firstSeq the first sequence number (a child JVM starts where its parent says)
     */
    public TracedOps(String logName, int firstSeq) {
        SysfsBarMapper bars = new SysfsBarMapper(SysfsPciTopology.system());
        this.cmb = Iomem.platform().open(bars.mapWhole(LabGuest.nvme(), LabGuest.CMB_BAR, MemoryType.DEVICE, false, arena));
        this.markOffset = cmb.size() - 8;
        this.log = LabGuest.results().resolve(logName);
        this.seq = firstSeq;
        try {
            if (!Files.exists(log)) {
                Files.writeString(log, HEADER + "# cmb-size\t" + cmb.size() + "\tmark\t" + markOffset + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the CMB accessor (markers use its last doubleword: keep operations below it)} */
    public IoAccessor cmb() {
        return cmb;
    }

    /** {@return the first offset operations must not reach: the marker's doubleword} */
    public long markOffset() {
        return markOffset;
    }

    /** {@return the next sequence number} */
    public int nextSeq() {
        return seq;
    }

    /** An operation on the device, as the log names it. */
    @FunctionalInterface
    public interface DeviceOp {
        /**
         * Performs the operation.
         *
         * @throws Exception what the operation threw
         */
        void run() throws Exception;
    }

    /**
     * Marks, performs and logs one operation.
     *
     * @param op     the operation's name (copy-to-io, copy-from-io, fill, read8 ... write64,
     *               read32-relaxed ...)
     * @param target which BAR it touches
     * @param offset the device offset
     * @param length bytes
     * @param value  the value stored or filled, or 0
     * @param body   the operation
     * @return the outcome as logged
     */
    public String run(String op, String target, long offset, long length, long value, DeviceOp body) {
        int n = seq++;
        cmb.write32Relaxed(markOffset, (MARK_TAG << 24) | n);
        String outcome;
        try {
            body.run();
            outcome = "ok";
        } catch (dev.iomem.api.IoFaultException e) {
            outcome = "fault:" + oneLine(e.getMessage());
        } catch (dev.iomem.api.IoAccessException e) {
            outcome = "refused:" + e.getClass().getSimpleName();
        } catch (Exception e) {
            outcome = "fault:" + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
        }
        pending.append(n).append('\t').append(op).append('\t').append(target).append('\t').append(offset).append('\t')
                .append(length).append('\t').append(Long.toHexString(value)).append('\t').append(outcome).append('\n');
        if (pending.length() > 16_384) {
            flush();
        }
        return outcome;
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replace('\t', ' ').replace('\n', ' ');
    }

    /** Appends the logged lines to the file (done in batches: a file append per access is slow under emulation). */
    public void flush() {
        try {
            Files.writeString(log, pending, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            pending.setLength(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Marks the end of this log's operations, so that later accesses belong to none of them. */
    @Override
    public void close() {
        run("end", "cmb", 0, 0, 0, () -> { });
        flush();
        cmb.close();
        arena.close();
    }
}
