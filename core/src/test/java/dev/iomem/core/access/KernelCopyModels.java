package dev.iomem.core.access;

import java.util.ArrayList;
import java.util.List;

/**
 * Independent models of the kernel's copy algorithms, written the way the C reads, to check
 * CopyPlanner against. Each returns the accesses as {offset, size, block?1:0}.
 */
final class KernelCopyModels {

    private KernelCopyModels() {
    }

    /** arch/x86/lib/iomem.c string_memcpy_toio/fromio, with rep_movs's movsl/movsw/movsb. */
    static List<long[]> x86(long to, long n) {
        List<long[]> out = new ArrayList<>();
        if (n == 0) {
            return out;
        }
        if ((to & 1) != 0) {
            out.add(new long[] {to, 1, 0});
            to += 1;
            n -= 1;
        }
        if (n > 1 && (to & 2) != 0) {
            out.add(new long[] {to, 2, 0});
            to += 2;
            n -= 2;
        }
        for (long i = n / 4; i > 0; i--) {   // rep movsl
            out.add(new long[] {to, 4, 0});
            to += 4;
        }
        if ((n & 2) != 0) {                   // testb $2; movsw
            out.add(new long[] {to, 2, 0});
            to += 2;
        }
        if ((n & 1) != 0) {                   // testb $1; movsb
            out.add(new long[] {to, 1, 0});
        }
        return out;
    }

    /** lib/iomem_copy.c __memcpy_toio/__memcpy_fromio/__memset_io with NATIVE_STORE_SIZE. */
    static List<long[]> generic(long to, long count, int nativeSize) {
        List<long[]> out = new ArrayList<>();
        while (count > 0 && to % nativeSize != 0) {
            out.add(new long[] {to, 1, 0});
            to++;
            count--;
        }
        while (count >= nativeSize) {
            out.add(new long[] {to, nativeSize, 0});
            to += nativeSize;
            count -= nativeSize;
        }
        while (count > 0) {
            out.add(new long[] {to, 1, 0});
            to++;
            count--;
        }
        return out;
    }

    /**
     * arch/s390/include/asm/pci_io.h zpci_memcpy_toio (max 128, block when size > 8) and
     * zpci_memcpy_fromio (max 8); the RAM side is the kernel's aligned bounce buffer.
     */
    static List<long[]> zpci(long io, long n, boolean write) {
        List<long[]> out = new ArrayList<>();
        int max = write ? 128 : 8;
        while (n > 0) {
            long offset = io & 4095;
            long size = Math.min(Math.min(n, 4096 - offset), max);
            long chosen;
            if (io % 8 == 0 && size % 8 == 0) {
                chosen = size;
            } else if (size >= 8) {
                chosen = 8;
            } else {
                chosen = Long.highestOneBit(size);   // rounddown_pow_of_two
            }
            out.add(new long[] {io, chosen, write && chosen > 8 ? 1 : 0});
            io += chosen;
            n -= chosen;
        }
        return out;
    }

    /**
     * arch/powerpc/kernel/io.c _memcpy_toio/_memcpy_fromio: bytes while either the device or the
     * RAM address is not 4-aligned, then u32 while n >= 4, then bytes ("sync" before and after,
     * and eieio after each load of _memcpy_fromio: see {@link #powerpcFences}). _memset_io is
     * the same with only the device address tested: pass {@code ram = io}.
     */
    static List<long[]> powerpc(long io, long ram, long n) {
        List<long[]> out = new ArrayList<>();
        while (n > 0 && (io % 4 != 0 || ram % 4 != 0)) {
            out.add(new long[] {io, 1, 0});
            io++;
            ram++;
            n--;
        }
        while (n >= 4) {
            out.add(new long[] {io, 4, 0});
            io += 4;
            ram += 4;
            n -= 4;
        }
        while (n > 0) {
            out.add(new long[] {io, 1, 0});
            io++;
            ram++;
            n--;
        }
        return out;
    }

    /**
     * {@return the barriers of a powerpc copy of {@code accesses} accesses, as the C issues them:
     * "sync", then per access "load"/"store" (and "eieio" after each load), then "sync"}
     */
    static List<String> powerpcFences(int accesses, boolean load) {
        List<String> out = new ArrayList<>();
        out.add("sync");
        for (int i = 0; i < accesses; i++) {
            out.add(load ? "load" : "store");
            if (load) {
                out.add("eieio");
            }
        }
        out.add("sync");
        return out;
    }
}
