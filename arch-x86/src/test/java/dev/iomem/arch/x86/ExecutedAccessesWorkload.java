package dev.iomem.arch.x86;

import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.regs.RegisterBlock;
import java.util.IdentityHashMap;
import java.util.Map;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.linux.Libc;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The child JVM of {@link ExecutedAccessesTest}: runs every scalar path (each width, ordered and
 * relaxed, aligned and unaligned) and the copies and fills (the native routines and the Java
 * loops) through x86 accessors on a mapped page that it then makes inaccessible, so that every
 * access to it faults and the debugger that started this JVM sees the instruction that made it.
 *
 * <p>Before that, the same operations run {@code warmup} times on another mapping of the same
 * size through accessors of the same classes, so that under {@code -XX:TieredStopAtLevel=1} and
 * the default tiers the watched accesses run in C1's or C2's code rather than the interpreter's.
 */
public final class ExecutedAccessesWorkload {

    /** One device access: its offset in the page, its width in bytes, and whether it stores. */
    record Access(long offset, int bytes, boolean store) {
        @Override
        public String toString() {
            return (store ? "store" : "load") + bytes + " at 0x" + Long.toHexString(offset);
        }
    }

    /**
     * One operation on the watched page and the accesses the device must see from it.
     *
     * @param name      what it is, for messages
     * @param javaLoops whether it runs on the accessor without native copy routines
     * @param action    the operation
     * @param expected  the accesses, in order
     */
    record Op(String name, boolean javaLoops, Consumer<IoAccessor> action, List<Access> expected) {
    }

    /** The page size of the watched mapping. */
    static final int PAGE = 4096;

    private ExecutedAccessesWorkload() {
    }

    /** {@return every operation, in the order the workload runs them} */
    static List<Op> ops() {
        List<Op> ops = new ArrayList<>();
        for (boolean store : new boolean[] {true, false}) {
            for (boolean ordered : new boolean[] {true, false}) {
                for (int bytes : new int[] {1, 2, 4, 8}) {
                    for (boolean alignedAccess : new boolean[] {true, false}) {
                        if (bytes == 1 && !alignedAccess) {
                            continue;
                        }
                        // A distinct 16-byte slot per operation; unaligned: one byte in (any width).
                        long offset = 0x10L * ops.size() + (alignedAccess ? 0 : 1);
                        String name = (store ? "write" : "read") + bytes * 8 + (ordered ? "" : "Relaxed")
                                + (alignedAccess ? "" : " unaligned");
                        ops.add(new Op(name, false, scalar(store, ordered, bytes, offset), List.of(new Access(offset, bytes, store))));
                    }
                }
            }
        }
        // Copies and fills of 13 bytes at device offset 1 mod 4: the x86 plan is a byte, a word,
        // two dwords and a word (arch/x86/lib/iomem.c), once by the native routines and once by
        // the accessor's Java loops.
        for (boolean javaLoops : new boolean[] {false, true}) {
            long at = 0x800 + (javaLoops ? 0x100 : 0) + 1;
            String how = javaLoops ? " (Java loop)" : " (native routine)";
            ops.add(new Op("copyToIo" + how, javaLoops, io -> io.copyToIo(RAM.asSlice(0, 13), at), plan(at, true)));
            ops.add(new Op("copyFromIo" + how, javaLoops, io -> io.copyFromIo(at + 0x40, RAM.asSlice(16, 13)), plan(at + 0x40, false)));
            ops.add(new Op("fillIo" + how, javaLoops, io -> io.fillIo(at + 0x80, 13, (byte) 0x5a), plan(at + 0x80, true)));
        }
        // Relaxed reads through register handles, which take their own path to the window
        // (a hidden class per register, dev.iomem.core.regs.HiddenClassRegister: opaque loads of 1, 2 and
        // 4 bytes, fenced plain of 8).
        for (int bytes : new int[] {1, 2, 4, 8}) {
            long offset = REGISTERS_AT + 0x10L * Integer.numberOfTrailingZeros(bytes);
            String name = "R" + bytes * 8;
            ops.add(new Op("register " + name + ".readRelaxed", false,
                    io -> sink += BLOCKS.computeIfAbsent(io, a -> RegisterBlock.bind(REGISTERS, a)).register(name).readRelaxed(),
                    List.of(new Access(offset, bytes, false))));
        }
        return ops;
    }

    /** Where the register layout's registers lie in the page. */
    private static final long REGISTERS_AT = 0xc00;
    private static final RegisterLayout REGISTERS = RegisterLayout.builder("watched")
            .register("R8", REGISTERS_AT, 8, AccessKind.READ_WRITE)
            .register("R16", REGISTERS_AT + 0x10, 16, AccessKind.READ_WRITE)
            .register("R32", REGISTERS_AT + 0x20, 32, AccessKind.READ_WRITE)
            .register("R64", REGISTERS_AT + 0x30, 64, AccessKind.READ_WRITE)
            .build();
    /** One bound block per accessor, bound before its first watched read (binding reads nothing). */
    private static final Map<IoAccessor, RegisterBlock> BLOCKS = new IdentityHashMap<>();

    /** RAM for the copies; written by the workload before anything runs. */
    private static MemorySegment RAM;

    private static List<Access> plan(long at, boolean store) {
        return List.of(new Access(at, 1, store), new Access(at + 1, 2, store), new Access(at + 3, 4, store),
                new Access(at + 7, 4, store), new Access(at + 11, 2, store));
    }

    private static Consumer<IoAccessor> scalar(boolean store, boolean ordered, int bytes, long off) {
        if (store) {
            return switch (bytes) {
                case 1 -> ordered ? io -> io.write8(off, (byte) 0x11) : io -> io.write8Relaxed(off, (byte) 0x11);
                case 2 -> ordered ? io -> io.write16(off, (short) 0x2211) : io -> io.write16Relaxed(off, (short) 0x2211);
                case 4 -> ordered ? io -> io.write32(off, 0x44332211) : io -> io.write32Relaxed(off, 0x44332211);
                default -> ordered ? io -> io.write64(off, 0x8877665544332211L) : io -> io.write64Relaxed(off, 0x8877665544332211L);
            };
        }
        return switch (bytes) {
            case 1 -> ordered ? io -> sink += io.read8(off) : io -> sink += io.read8Relaxed(off);
            case 2 -> ordered ? io -> sink += io.read16(off) : io -> sink += io.read16Relaxed(off);
            case 4 -> ordered ? io -> sink += io.read32(off) : io -> sink += io.read32Relaxed(off);
            default -> ordered ? io -> sink += io.read64(off) : io -> sink += io.read64Relaxed(off);
        };
    }

    /** Where loaded values go, so that no load is dead. */
    private static long sink;

    /**
     * Runs the workload.
     *
     * @param args the directory for the mapped files, the file to write the watched page's
     *             address to (hex), and the number of warm-up rounds
     * @throws Throwable if a file cannot be mapped or mprotect fails
     */
    public static void main(String[] args) throws Throwable {
        Path dir = Path.of(args[0]);
        Path addressFile = Path.of(args[1]);
        int warmup = Integer.parseInt(args[2]);
        // Link iomem's native layer (and its mprotect) before the warm-up, not among the watched accesses.
        Libc.pageSize();
        X86Backend backend = new X86Backend();
        List<Op> ops = ops();
        try (Arena arena = Arena.ofShared()) {
            RAM = arena.allocate(64, 8);
            for (int i = 0; i < 64; i++) {
                RAM.set(ValueLayout.JAVA_BYTE, i, (byte) (i + 1));
            }
            IoAccessor[] warm = accessors(backend, map(dir.resolve("warm"), arena));
            MemorySegment page = map(dir.resolve("bar"), arena);
            IoAccessor[] bar = accessors(backend, page);
            for (int i = 0; i < warmup; i++) {
                for (Op op : ops) {
                    op.action().accept(warm[op.javaLoops() ? 1 : 0]);
                }
            }
            Files.writeString(addressFile, Long.toHexString(page.address()));
            Libc.mprotect(page.address(), PAGE, Libc.PROT_NONE);
            for (Op op : ops) {
                op.action().accept(bar[op.javaLoops() ? 1 : 0]);
            }
            Libc.mprotect(page.address(), PAGE, Libc.PROT_READ_WRITE);
        }
        System.out.println("workload done " + sink);
    }

    private static MemorySegment map(Path file, Arena arena) throws Exception {
        Files.write(file, new byte[PAGE]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, PAGE, arena);
        }
    }

    /** {@return the backend's accessor, and one whose copies and fills are the Java loops} */
    private static IoAccessor[] accessors(X86Backend backend, MemorySegment page) {
        MappedRegion region = new MappedRegion(page, MemoryType.DEVICE, "watched", false);
        IoAccessor routines = backend.accessor(backend.openBus(region), MemoryType.DEVICE, backend.nativeBarriers());
        IoAccessor javaLoops = backend.accessor(new MappedBus(region, null, X86ScalarRoutines.INSTANCE),
                MemoryType.DEVICE, backend.nativeBarriers());
        return new IoAccessor[] {routines, javaLoops};
    }
}
