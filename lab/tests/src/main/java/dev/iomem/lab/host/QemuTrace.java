package dev.iomem.lab.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QEMU's device-side trace ({@code -trace memory_region_ops_read/write}), one line per access
 * with the size the device's handler saw, cut into pieces at the guest's markers: a 4-byte
 * write of {@code 0x5A<seq>} to the CMB's mark offset starts the piece of operation {@code seq}.
 *
 * <p>On x86-64 and arm64 QEMU prints the absolute (guest-physical) address, on s390x the offset
 * in the BAR; {@link #offsetIn} accepts both.
 */
public final class QemuTrace {

    private static final Pattern LINE = Pattern.compile(
            "memory_region_ops_(read|write) .*?addr (0x[0-9a-f]+) value (0x[0-9a-f]+) size (\\d+) name '([^']+)'");

    /** One access the device saw. */
    public record Access(boolean write, String region, long address, long value, int size) {
        /** {@return this access as the host's checks print it} */
        public String describe(long offset) {
            return (write ? "write" : "read") + " " + region + "+0x" + Long.toHexString(offset) + " size " + size;
        }
    }

    private final Map<Integer, List<Access>> pieces = new LinkedHashMap<>();
    private int markers;

    private QemuTrace() {
    }

    /**
     * Reads a trace and cuts it at the markers.
     *
     * @param file       QEMU's {@code -D} log
     * @param cmbStart   the CMB's start address as the guest's sysfs gives it
     * @param markOffset the marker's offset in the CMB
     * @return the pieces, by sequence number
     * @throws IOException if the file cannot be read
     */
    public static QemuTrace read(Path file, long cmbStart, long markOffset) throws IOException {
        QemuTrace t = new QemuTrace();
        List<Access> current = null;
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                Access a = new Access(m.group(1).equals("write"), m.group(5), Long.parseUnsignedLong(m.group(2).substring(2), 16),
                        Long.parseUnsignedLong(m.group(3).substring(2), 16), Integer.parseInt(m.group(4)));
                boolean atMark = a.region().equals("nvme-cmb") && offsetIn(a.address(), cmbStart) == markOffset;
                if (atMark && a.write() && a.size() == 4) {
                    int seq = markerSeq((int) a.value());
                    if (seq >= 0) {
                        current = new ArrayList<>();
                        t.pieces.put(seq, current);
                        t.markers++;
                        continue;
                    }
                }
                if (atMark) {
                    continue; // the marker's own doubleword belongs to no operation
                }
                if (current != null) {
                    current.add(a);
                }
            }
        }
        return t;
    }

    /** {@return the sequence number of a marker value, in either byte order, or -1} */
    static int markerSeq(int value) {
        if ((value >>> 24) == 0x5A) {
            return value & 0xff_ffff;
        }
        int r = Integer.reverseBytes(value);
        return (r >>> 24) == 0x5A ? r & 0xff_ffff : -1;
    }

    /** {@return a traced address as an offset in a BAR that starts at {@code start}} */
    public static long offsetIn(long address, long start) {
        return Long.compareUnsigned(address, start) >= 0 ? address - start : address;
    }

    /** {@return the accesses after marker {@code seq}, or {@code null} if its marker is not in the trace} */
    public List<Access> piece(int seq) {
        return pieces.get(seq);
    }

    /** {@return how many markers the trace holds} */
    public int markers() {
        return markers;
    }
}
