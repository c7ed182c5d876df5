package dev.iomem.lab.host;

import java.util.ArrayList;
import java.util.List;

/**
 * What the device sees, according to QEMU's trace, for one {@code s390_pci_mmio_write} (352) or
 * {@code s390_pci_mmio_read} (353) system call on a zPCI BAR. The model does not use iomem's own
 * planner: a lab test compares the {@code memory_region_ops_read/write ... name 'nvme-cmb'} lines
 * with this prediction.
 *
 * <p>The guest kernel (Linux mainline, read from the public sources; the Debian forky 7.x kernel
 * is assumed to carry the same logic):
 * <ul>
 * <li>{@code arch/s390/pci/pci_mmio.c}, {@code SYSCALL_DEFINE3(s390_pci_mmio_write/_read)} in
 *     their {@code follow_pfnmap_start} form (v6.12 and later). A length of 0, or a range that
 *     runs past the end of the user address's page, is {@code EINVAL}. Without MIO (QEMU offers
 *     none) the bytes go through a kernel bounce buffer (a 64-byte stack array up to 64 bytes,
 *     {@code kmalloc} above that) and {@code zpci_memcpy_toio} / {@code zpci_memcpy_fromio}.</li>
 * <li>{@code arch/s390/include/asm/pci_io.h}: those two loops and {@code zpci_get_max_io_size}
 *     (its current form dates from commit 80df7d6af7f6, v6.8), with {@code ZPCI_MAX_WRITE_SIZE}
 *     128, {@code ZPCI_MAX_READ_SIZE} 8 and {@code ZPCI_BOUNDARY_SIZE} 4096; then
 *     {@code zpci_write_block}, {@code zpci_write_single} or {@code zpci_read_single}.</li>
 * <li>{@code arch/s390/pci/pci_insn.c}: without MIO, {@code zpci_store_fh}, {@code zpci_load_fh}
 *     and {@code zpci_write_block_fh} each issue one PCISTG, PCILG or PCISTB with the offset in
 *     the BAR ({@code ZPCI_OFFSET}). A program exception in the instruction is caught by the
 *     exception table and becomes {@code -ENXIO}. The copy loop stops there and the system call
 *     returns it, after the accesses that were already made.</li>
 * </ul>
 * QEMU ({@code qemu/qemu} as indexed, commit 001cb79d89af; not checked against the lab's 10.x binary):
 * <ul>
 * <li>{@code hw/s390x/s390-pci-inst.c pcistg_service_call / pcilg_service_call}: the length must
 *     be 1 to 8 and must not cross a doubleword, or QEMU raises an operand exception. Otherwise
 *     it makes one {@code memory_region_dispatch_write/read} of that size with {@code MO_BE}, so
 *     the device gets the bytes in buffer order.</li>
 * <li>{@code pcistb_service_call}: the offset must be 8-aligned; the length must be a multiple
 *     of 8, above 8 and at most {@code maxstbl} (128 in the default group,
 *     {@code s390-pci-bus.c}); the block must stay inside 4 KiB; the guest buffer must be
 *     8-aligned. Otherwise QEMU raises a specification exception. Then it makes one 8-byte write
 *     per doubleword, at rising offsets, so in the trace a block store looks the same as single
 *     8-byte stores. Each doubleword is read with {@code ldq_p} (big-endian) and dispatched
 *     without {@code MO_BE}, so its bytes reach the device reversed (LAB-FACTS pitfall 11).</li>
 * <li>{@code system/memory.c memory_region_access_valid}: {@code nvme_cmb_ops}
 *     ({@code hw/nvme/ctrl.c}) leave {@code valid.unaligned} false, so an access that is not
 *     aligned to its own size is refused (logged under {@code -d invalid_mem}). The dispatch
 *     fails and the instruction raises an operand exception (LAB-FACTS pitfall 10).</li>
 * </ul>
 * The model assumes the mapping starts at BAR offset 0, so the page offset of the user address
 * equals that of the BAR offset. It also assumes the access is inside the BAR and that the
 * region is the CMB. It says nothing about real hardware or about the MIO path.
 */
public final class ZpciSyscallModel {

    /** {@code PAGE_SIZE}, and {@code ZPCI_BOUNDARY_SIZE}. */
    public static final int PAGE = 4096;
    /** {@code ZPCI_MAX_WRITE_SIZE}: the longest chunk of a write, one PCISTB. */
    public static final int MAX_WRITE = 128;
    /** {@code ZPCI_MAX_READ_SIZE}: every read is made of PCILGs of at most 8 bytes. */
    public static final int MAX_READ = 8;
    /** QEMU's {@code maxstbl} for emulated devices. */
    public static final int MAXSTBL = 128;
    /**
     * The default address of the kernel bounce buffer: 8-aligned, with at least 128 bytes left
     * before a 4 KiB boundary. {@code kmalloc} objects of 65 to 128 bytes always meet this. The
     * 64-byte stack array normally does too, but that is not guaranteed: see
     * {@link #call(boolean, long, long, long)}.
     */
    public static final long ALIGNED_BUFFER = 0;

    private ZpciSyscallModel() {
    }

    /** One access as the device sees it: one {@code memory_region_ops_*} trace line. */
    public record Access(boolean write, long offset, int size) {
    }

    /** The PCI instructions of the non-MIO path. */
    public enum Kind { PCILG, PCISTG, PCISTB }

    /** One instruction issued by the kernel: BAR offset and length. */
    public record Instruction(Kind kind, long offset, int length) {
        /** {@return whether QEMU hands each doubleword's bytes to the device reversed} */
        public boolean reversesBytes() {
            return kind == Kind.PCISTB;
        }
    }

    /**
     * The outcome of one system call.
     *
     * @param instructions every instruction the kernel issued, the refused one included
     * @param accesses     the accesses that reached the device, in order
     * @param errno        {@code null} on success, else {@code "EINVAL"} or {@code "ENXIO"}
     * @param reason       why the call failed, or {@code null}
     */
    public record Result(List<Instruction> instructions, List<Access> accesses, String errno, String reason) {
        /** {@return whether the system call fails} */
        public boolean refused() {
            return errno != null;
        }

        /** {@return how many PCISTBs were issued (debugfs counts these)} */
        public long blockStores() {
            return instructions.stream().filter(i -> i.kind() == Kind.PCISTB).count();
        }
    }

    /** {@return the model of {@code s390_pci_mmio_write} at a BAR offset, with an aligned bounce buffer} */
    public static Result write(long offset, long length) {
        return call(true, offset, length, ALIGNED_BUFFER);
    }

    /** {@return the model of {@code s390_pci_mmio_read} at a BAR offset, with an aligned bounce buffer} */
    public static Result read(long offset, long length) {
        return call(false, offset, length, ALIGNED_BUFFER);
    }

    /**
     * Models one system call.
     *
     * @param write        {@code s390_pci_mmio_write} (352) rather than {@code _read} (353)
     * @param offset       the BAR offset of the first byte
     * @param length       the system call's length
     * @param kernelBuffer the address of the kernel bounce buffer (only its low 12 bits matter).
     *                     It can change the chunks: their 4 KiB room and block eligibility
     *                     depend on it as well as on the I/O address
     * @return the instructions, the device accesses and the outcome
     * @throws IllegalArgumentException if {@code offset} or {@code kernelBuffer} is negative
     */
    public static Result call(boolean write, long offset, long length, long kernelBuffer) {
        if (offset < 0 || kernelBuffer < 0) {
            throw new IllegalArgumentException("negative offset or buffer address");
        }
        // pci_mmio.c: "length <= 0" on a size_t means 0; then the range must fit in what is left
        // of the page of the user address (here: of the BAR offset).
        if (length <= 0 || PAGE - (offset & (PAGE - 1)) < length) {
            return new Result(List.of(), List.of(), "EINVAL", String.format(
                    "pci_mmio.c: length %d at offset 0x%x is zero or runs past the 4 KiB page", length, offset));
        }
        List<Instruction> insns = new ArrayList<>();
        List<Access> seen = new ArrayList<>();
        long io = offset;
        long buf = kernelBuffer;
        long left = length;
        // pci_io.h zpci_memcpy_toio / _fromio: take the largest allowed chunk, issue it, advance
        // both addresses, and stop at the first failure.
        while (left > 0) {
            int size = maxIoSize(io, buf, left, write ? MAX_WRITE : MAX_READ);
            // zpci_memcpy_toio: a chunk over 8 bytes is a block store, otherwise a single store.
            Kind kind = !write ? Kind.PCILG : size > 8 ? Kind.PCISTB : Kind.PCISTG;
            insns.add(new Instruction(kind, io, size));
            String why = kind == Kind.PCISTB ? qemuRefusesBlock(io, size, buf) : qemuRefusesSingle(kind, io, size);
            if (why != null) {
                return new Result(List.copyOf(insns), List.copyOf(seen), "ENXIO", why);
            }
            if (kind == Kind.PCISTB) {
                // pcistb_service_call: one 8-byte dispatch per doubleword, at rising offsets.
                for (int i = 0; i < size; i += 8) {
                    seen.add(new Access(true, io + i, 8));
                }
            } else {
                seen.add(new Access(write, io, size));
            }
            io += size;
            buf += size;
            left -= size;
        }
        return new Result(List.copyOf(insns), List.copyOf(seen), null, null);
    }

    /*
     * pci_io.h zpci_get_max_io_size(a, b, len, max). Both copy loops pass the I/O address first
     * and the kernel buffer second, and the helper measures the 4 KiB room from its second
     * argument: the buffer, not the I/O address (the system call's page check bounds the I/O
     * side). The chunk is min(len, room, max). It is taken whole when both addresses and the
     * chunk are multiples of 8. Otherwise it is 8 bytes if at least 8 remain, even at an
     * unaligned address, or else the largest power of two that is not above the chunk.
     */
    static int maxIoSize(long io, long buf, long len, int max) {
        long room = PAGE - (buf & (PAGE - 1));
        int size = (int) Math.min(Math.min(len, room), max);
        if ((io & 7) == 0 && (buf & 7) == 0 && (size & 7) == 0) {
            return size;
        }
        return size >= 8 ? 8 : Integer.highestOneBit(size);
    }

    /* The checks of pcistg_service_call / pcilg_service_call, then of memory_region_access_valid. */
    static String qemuRefusesSingle(Kind kind, long io, int size) {
        if (size < 1 || size > 8 - (io & 7)) {
            return String.format("%s of %d bytes at 0x%x crosses a doubleword: QEMU raises an operand exception",
                    kind, size, io);
        }
        if ((io & (size - 1)) != 0) {
            return String.format("%s of %d bytes at 0x%x is unaligned: nvme-cmb refuses it (memory_region_access_valid),"
                    + " QEMU raises an operand exception", kind, size, io);
        }
        return null;
    }

    /* The checks of pcistb_service_call, in its order. The kernel's own choices already meet them. */
    static String qemuRefusesBlock(long io, int len, long buf) {
        String bad = (io & 7) != 0 ? "offset not 8-aligned"
                : len <= 8 || (len & 7) != 0 || len > MAXSTBL ? "length not a multiple of 8 in 16.." + MAXSTBL
                : (io & (PAGE - 1)) + len > PAGE ? "block crosses 4 KiB"
                : (buf & 7) != 0 ? "buffer not 8-aligned" : null;
        return bad == null ? null
                : String.format("PCISTB of %d bytes at 0x%x: %s: QEMU raises a specification exception", len, io, bad);
    }
}
