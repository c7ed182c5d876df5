package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Width;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The cases the kit's checks run: the scalar widths the rules allow, the offsets a scalar may use,
 * the (offset, length) cases of copies and fills, the offsets at which a scalar would cross the
 * rules' boundary, and the page those cases cross when the rules have no boundary.
 */
final class KitCases {

    /** The page size of the copy cases that cross pages when the rules have no boundary. */
    static final long PAGE = 4096;

    private KitCases() {
    }

    static long pageOf(AccessRules rules) {
        return rules.boundary() != 0 ? rules.boundary() : PAGE;
    }

    static List<Width> widths(AccessRules rules) {
        return new TreeSet<>(rules.scalarWidths()).stream().toList();
    }

    /**
     * {@return offsets at which a {@code w}-wide scalar lies (partly) outside a window of
     * {@code size} bytes: negative, straddling or past the end, and near the limits of a long}
     */
    static long[] outOfBoundsOffsets(long size, Width w) {
        long[] all = {-1, -w.bytes(), size - w.bytes() + 1, size, size + 8, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 7};
        // For a byte, size - 1 + 1 is size itself: listed once.
        return w == Width.BYTE ? Arrays.stream(all).distinct().toArray() : all;
    }

    /** Offsets a scalar of width {@code w} may use in a window of {@code size} bytes under {@code rules}. */
    static List<Long> scalarOffsets(AccessRules rules, Width w, long size) {
        TreeSet<Long> set = new TreeSet<>();
        for (long o = 0; o < 32; o++) {
            set.add(o);
        }
        for (long o = size - 24; o < size; o++) {
            set.add(o);
        }
        long page = pageOf(rules);
        for (long o = page - 12; o < page + 12; o++) {
            set.add(o);
        }
        List<Long> out = new ArrayList<>();
        for (long o : set) {
            if (o < 0 || o + w.bytes() > size) {
                continue;
            }
            if (rules.naturalAlignment() && o % w.bytes() != 0) {
                continue;
            }
            long b = rules.boundary();
            if (b != 0 && o / b != (o + w.bytes() - 1) / b) {
                continue;
            }
            out.add(o);
        }
        return out;
    }

    /** The (offset, length) cases every copy and fill check runs, inside a window of {@code size} bytes. */
    static List<long[]> copyCases(AccessRules rules, long size) {
        List<long[]> cases = new ArrayList<>();
        for (long off = 0; off <= 16; off++) {
            for (long len = 0; len <= 40; len++) {
                cases.add(new long[]{off, len});
            }
        }
        long page = pageOf(rules);
        long[] before = {1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 24, 64, 100, 120, 127, 128, 129, 136};
        long[] lengths = {1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 64, 127, 128, 129, 136, 200, 300, page + 5};
        for (long k : before) {
            for (long len : lengths) {
                cases.add(new long[]{page - k, len});
            }
        }
        cases.add(new long[]{0, size});
        cases.add(new long[]{1, size - 1});
        cases.add(new long[]{3, 2 * page + 77});
        cases.add(new long[]{8, page + 24});
        cases.add(new long[]{size - 37, 37});
        cases.removeIf(c -> c[0] < 0 || c[1] < 0 || c[0] + c[1] > size);
        return cases;
    }

    /**
     * {@return the offsets at which a scalar of width {@code w} would cross the rules' boundary
     * and that natural alignment, where the rules demand it, does not already refuse} Empty
     * without a boundary.
     */
    static List<Long> boundaryCrossings(AccessRules rules, Width w) {
        List<Long> out = new ArrayList<>();
        long b = rules.boundary();
        if (b == 0) {
            return out;
        }
        for (long k = 1; k < w.bytes(); k++) {
            long off = b - k;
            if (!rules.naturalAlignment() || off % w.bytes() == 0) {
                out.add(off);
            }
        }
        return out;
    }
}
