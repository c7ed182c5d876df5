package dev.iomem.arch.x86;

import dev.iomem.api.AccessRules;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.Width;
import dev.iomem.core.access.NativeCopyRoutines;
import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.NativeExecutableStubs;
import dev.iomem.core.stubs.StubPage;
import dev.iomem.core.stubs.StubRoutine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HexFormat;
import java.util.List;

/**
 * The x86 copies and fills ({@code arch/x86/lib/iomem.c}'s algorithm: the device side aligned with
 * a 1-byte access if its address is odd, then a 2-byte access if it is 2 mod 4 and at least 2
 * bytes remain, a body of 4-byte accesses, then a 2- and a 1-byte tail, ascending) as three
 * x86-64 machine-code routines, called through critical downcalls (no thread-state transition):
 * {@code Linker.Option.critical(false)} when the RAM side is native memory and for fills, and
 * {@code critical(true)} when it is a heap segment (the GC is held off for the call).
 *
 * <p>Why native: on JDK 25, C2 compiles an opaque VarHandle store in a loop to about 2 ns, while
 * the same single store from native code costs about 0.3 ns; the Java loop reaches 0.1 - 0.25 of
 * a C loop of the same accesses. These routines are that C loop, written by hand.
 *
 * <p>Every device access is one {@code mov} of the planned width (byte, word or dword, through
 * {@code %al}/{@code %ax}/{@code %eax}/{@code %esi}): never SIMD, never {@code rep movs}/{@code stos},
 * never 8 bytes, never merged. The routines use only caller-saved registers ({@code rax},
 * {@code rcx}, {@code rdx}, {@code rsi}, {@code rdi}) and no stack; arguments follow the SysV
 * ABI: {@code rdi} = io segment, {@code rsi} = io offset, {@code rdx} = RAM segment (or the fill
 * byte), {@code rcx} = length. Each body loop is four instructions (load, store, add, branch),
 * two fewer than the six gcc -O2 makes of the C anchor's loop.
 *
 * <p>The listings below are the source: each line is the instruction's bytes, as GNU {@code as}
 * 2.40 assembled them from the AT&amp;T text after the bar, exactly as {@code objdump} prints it
 * (jump targets are offsets from the routine's start). What is verified, and how:
 * <ul>
 *   <li>{@code X86CopyRoutinesInterpretedTest} runs the bytes in an interpreter of the few
 *       instruction forms used (anything else fails), records every device access, and checks
 *       that for every device offset mod 16 and every length 0..300 the accesses are exactly
 *       {@code CopyPlanner}'s plan for the x86 rules, the RAM side is right, and nothing outside
 *       the window is touched;</li>
 *   <li>{@code X86CopyRoutinesDisassemblyTest} checks that {@code objdump} reads the bytes as the
 *       listing's text and finds no SIMD memory access and no string move;</li>
 *   <li>{@code X86CopyRoutinesNativeTest} runs them on this machine's RAM, with guard bytes.</li>
 * </ul>
 * They have not been run on real device memory (a PCI BAR): the access widths and order are
 * those verified above, and x86 issues each {@code mov} to UC memory as one transaction.
 */
final class X86CopyRoutines implements NativeCopyRoutines {

    /** The only instance; hand it out only when {@link #isAvailable()}. */
    static final X86CopyRoutines INSTANCE = new X86CopyRoutines();

    /** {@code void copy_to_io(void *io, long off, const void *src, unsigned long n)}. */
    static final List<String> TO_IO_LISTING = List.of(
            "48 01 f7            | add    %rsi,%rdi",                  // 00  rdi = device address
            "48 85 c9            | test   %rcx,%rcx",
            "74 70               | je     0x78",                       //     n == 0: return
            "40 f6 c7 01         | test   $0x1,%dil",                  // 08  odd address?
            "74 11               | je     0x1f",
            "0f b6 02            | movzbl (%rdx),%eax",                //     byte head
            "88 07               | mov    %al,(%rdi)",                 //     DEVICE store 1
            "48 83 c7 01         | add    $0x1,%rdi",
            "48 83 c2 01         | add    $0x1,%rdx",
            "48 83 e9 01         | sub    $0x1,%rcx",
            "48 83 f9 01         | cmp    $0x1,%rcx",                  // 1f  at least 2 left
            "76 18               | jbe    0x3d",
            "40 f6 c7 02         | test   $0x2,%dil",                  //     and address 2 mod 4?
            "74 12               | je     0x3d",
            "0f b7 02            | movzwl (%rdx),%eax",                //     word head
            "66 89 07            | mov    %ax,(%rdi)",                 //     DEVICE store 2
            "48 83 c7 02         | add    $0x2,%rdi",
            "48 83 c2 02         | add    $0x2,%rdx",
            "48 83 e9 02         | sub    $0x2,%rcx",
            "48 89 c8            | mov    %rcx,%rax",                  // 3d  rax = body bytes
            "48 83 e0 fc         | and    $0xfffffffffffffffc,%rax",
            "74 15               | je     0x5b",
            "48 01 c7            | add    %rax,%rdi",                  //     both pointers to the
            "48 01 c2            | add    %rax,%rdx",                  //     body's end, and index
            "48 f7 d8            | neg    %rax",                       //     up from -body to 0
            "8b 34 02            | mov    (%rdx,%rax,1),%esi",         // 4f  body loop
            "89 34 07            | mov    %esi,(%rdi,%rax,1)",         //     DEVICE store 4
            "48 83 c0 04         | add    $0x4,%rax",
            "75 f4               | jne    0x4f",
            "f6 c1 02            | test   $0x2,%cl",                   // 5b  word tail?
            "74 0e               | je     0x6e",
            "0f b7 02            | movzwl (%rdx),%eax",
            "66 89 07            | mov    %ax,(%rdi)",                 //     DEVICE store 2
            "48 83 c7 02         | add    $0x2,%rdi",
            "48 83 c2 02         | add    $0x2,%rdx",
            "f6 c1 01            | test   $0x1,%cl",                   // 6e  byte tail?
            "74 05               | je     0x78",
            "0f b6 02            | movzbl (%rdx),%eax",
            "88 07               | mov    %al,(%rdi)",                 //     DEVICE store 1
            "c3                  | ret");                              // 78

    /** {@code void copy_from_io(const void *io, long off, void *dst, unsigned long n)}: the same with loads and stores swapped. */
    static final List<String> FROM_IO_LISTING = List.of(
            "48 01 f7            | add    %rsi,%rdi",                  // 00  rdi = device address
            "48 85 c9            | test   %rcx,%rcx",
            "74 70               | je     0x78",
            "40 f6 c7 01         | test   $0x1,%dil",                  // 08
            "74 11               | je     0x1f",
            "0f b6 07            | movzbl (%rdi),%eax",                //     DEVICE load 1
            "88 02               | mov    %al,(%rdx)",
            "48 83 c7 01         | add    $0x1,%rdi",
            "48 83 c2 01         | add    $0x1,%rdx",
            "48 83 e9 01         | sub    $0x1,%rcx",
            "48 83 f9 01         | cmp    $0x1,%rcx",                  // 1f
            "76 18               | jbe    0x3d",
            "40 f6 c7 02         | test   $0x2,%dil",
            "74 12               | je     0x3d",
            "0f b7 07            | movzwl (%rdi),%eax",                //     DEVICE load 2
            "66 89 02            | mov    %ax,(%rdx)",
            "48 83 c7 02         | add    $0x2,%rdi",
            "48 83 c2 02         | add    $0x2,%rdx",
            "48 83 e9 02         | sub    $0x2,%rcx",
            "48 89 c8            | mov    %rcx,%rax",                  // 3d
            "48 83 e0 fc         | and    $0xfffffffffffffffc,%rax",
            "74 15               | je     0x5b",
            "48 01 c7            | add    %rax,%rdi",
            "48 01 c2            | add    %rax,%rdx",
            "48 f7 d8            | neg    %rax",
            "8b 34 07            | mov    (%rdi,%rax,1),%esi",         // 4f  DEVICE load 4
            "89 34 02            | mov    %esi,(%rdx,%rax,1)",
            "48 83 c0 04         | add    $0x4,%rax",
            "75 f4               | jne    0x4f",
            "f6 c1 02            | test   $0x2,%cl",                   // 5b
            "74 0e               | je     0x6e",
            "0f b7 07            | movzwl (%rdi),%eax",                //     DEVICE load 2
            "66 89 02            | mov    %ax,(%rdx)",
            "48 83 c7 02         | add    $0x2,%rdi",
            "48 83 c2 02         | add    $0x2,%rdx",
            "f6 c1 01            | test   $0x1,%cl",                   // 6e
            "74 05               | je     0x78",
            "0f b6 07            | movzbl (%rdi),%eax",                //     DEVICE load 1
            "88 02               | mov    %al,(%rdx)",
            "c3                  | ret");                              // 78

    /** {@code void fill_io(void *io, long off, char c, unsigned long n)}. */
    static final List<String> FILL_IO_LISTING = List.of(
            "48 01 f7            | add    %rsi,%rdi",                  // 00  rdi = device address
            "0f b6 c2            | movzbl %dl,%eax",                   //     the byte (upper bits of
            "69 c0 01 01 01 01   | imul   $0x1010101,%eax,%eax",       //     dl unspecified), x4
            "48 85 c9            | test   %rcx,%rcx",
            "74 52               | je     0x63",
            "40 f6 c7 01         | test   $0x1,%dil",                  // 11
            "74 0a               | je     0x21",
            "88 07               | mov    %al,(%rdi)",                 //     DEVICE store 1
            "48 83 c7 01         | add    $0x1,%rdi",
            "48 83 e9 01         | sub    $0x1,%rcx",
            "48 83 f9 01         | cmp    $0x1,%rcx",                  // 21
            "76 11               | jbe    0x38",
            "40 f6 c7 02         | test   $0x2,%dil",
            "74 0b               | je     0x38",
            "66 89 07            | mov    %ax,(%rdi)",                 //     DEVICE store 2
            "48 83 c7 02         | add    $0x2,%rdi",
            "48 83 e9 02         | sub    $0x2,%rcx",
            "48 89 ca            | mov    %rcx,%rdx",                  // 38  rdx = body bytes
            "48 83 e2 fc         | and    $0xfffffffffffffffc,%rdx",
            "74 0f               | je     0x50",
            "48 01 d7            | add    %rdx,%rdi",
            "48 f7 da            | neg    %rdx",
            "89 04 17            | mov    %eax,(%rdi,%rdx,1)",         // 47  body loop: DEVICE store 4
            "48 83 c2 04         | add    $0x4,%rdx",
            "75 f7               | jne    0x47",
            "f6 c1 02            | test   $0x2,%cl",                   // 50
            "74 07               | je     0x5c",
            "66 89 07            | mov    %ax,(%rdi)",                 //     DEVICE store 2
            "48 83 c7 02         | add    $0x2,%rdi",
            "f6 c1 01            | test   $0x1,%cl",                   // 5c
            "74 02               | je     0x63",
            "88 07               | mov    %al,(%rdi)",                 //     DEVICE store 1
            "c3                  | ret");                              // 63

    static final byte[] TO_IO = bytesOf(TO_IO_LISTING);
    static final byte[] FROM_IO = bytesOf(FROM_IO_LISTING);
    static final byte[] FILL_IO = bytesOf(FILL_IO_LISTING);

    /** {@code (io, ioOffset, ram, n)}: segments as addresses, so FFM checks and keeps them alive. */
    static final FunctionDescriptor COPY = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    /** {@code (io, ioOffset, value, n)}. */
    static final FunctionDescriptor FILL = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_BYTE, ValueLayout.JAVA_LONG);

    private X86CopyRoutines() {
    }

    /**
     * The linked routines, made on first use. Static final handles: a constant method handle is
     * what lets C2 inline the downcall into the accessor.
     */
    private static final class Linked {
        static final MethodHandle TO;
        static final MethodHandle FROM;
        static final MethodHandle FILL;
        /** The same routines for a native RAM side: {@code critical(false)}, cheaper per call. */
        static final MethodHandle TO_NATIVE;
        static final MethodHandle FROM_NATIVE;
        /** Why the routines are unavailable, or {@code null}. */
        static final String CAUSE;

        static {
            X86RoutineLinking linked = X86RoutineLinking.attempt(() -> link(new NativeExecutableStubs()));
            TO = linked.handle(0);
            FROM = linked.handle(1);
            FILL = linked.handle(2);
            TO_NATIVE = linked.handle(3);
            FROM_NATIVE = linked.handle(4);
            CAUSE = linked.cause();
        }
    }

    /**
     * Writes the three routines into an executable page and links them.
     *
     * @param stubs the native operations
     * @return the handles of copy to, copy from and fill, then copy to and from for native RAM only
     * @throws IllegalStateException if this is not an x86-64 JVM, native access is not enabled for
     *                               dev.iomem.core, or the page could not be made executable (W^X)
     */
    static List<MethodHandle> link(ExecutableStubs stubs) {
        X86RoutineLinking.requireLinkable();
        // critical(true) lets the RAM side be a heap segment (the GC is held off for the call);
        // critical(false) handles take native segments only and cost less per call. Fill has no
        // RAM side.
        List<Linker.Option> heap = List.of(Linker.Option.critical(true));
        List<Linker.Option> nativeOnly = List.of(Linker.Option.critical(false));
        return StubPage.link(stubs, List.of(new StubRoutine(TO_IO, COPY, heap),
                new StubRoutine(FROM_IO, COPY, heap), new StubRoutine(FILL_IO, FILL, nativeOnly),
                new StubRoutine(TO_IO, COPY, nativeOnly), new StubRoutine(FROM_IO, COPY, nativeOnly)));
    }

    /** {@return whether the routines are linked and usable: links them on first call} */
    static boolean isAvailable() {
        return Linked.CAUSE == null;
    }

    /** {@return why the routines are unavailable (W^X refusal, not x86-64, native access off), or {@code null}} */
    static String unavailabilityCause() {
        return Linked.CAUSE;
    }

    /** {@return the instruction bytes of a listing's lines: the hex before each bar} */
    static byte[] bytesOf(List<String> listing) {
        StringBuilder hex = new StringBuilder();
        for (String line : listing) {
            hex.append(line, 0, line.indexOf('|'));
        }
        return HexFormat.of().parseHex(hex.toString().replace(" ", ""));
    }

    /** The x86 rules' plan: graded edges, a 4-byte body, any alignment, no boundary or block store. */
    @Override
    public boolean issuesPlanOf(AccessRules rules) {
        return rules.copyAlgorithm().equals(CopyAlgorithm.X86)
                && !rules.naturalAlignment() && rules.boundary() == 0 && rules.blockStore().isEmpty();
    }

    @Override
    public void copyToIo(MemorySegment io, long ioOffset, MemorySegment src, long n) {
        try {
            if (src.isNative()) {
                Linked.TO_NATIVE.invokeExact(io, ioOffset, src, n);
            } else {
                Linked.TO.invokeExact(io, ioOffset, src, n);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 copy-to-io routine failed", t);
        }
    }

    @Override
    public void copyFromIo(MemorySegment io, long ioOffset, MemorySegment dst, long n) {
        try {
            if (dst.isNative()) {
                Linked.FROM_NATIVE.invokeExact(io, ioOffset, dst, n);
            } else {
                Linked.FROM.invokeExact(io, ioOffset, dst, n);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 copy-from-io routine failed", t);
        }
    }

    @Override
    public void fillIo(MemorySegment io, long ioOffset, byte value, long n) {
        try {
            Linked.FILL.invokeExact(io, ioOffset, value, n);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 fill-io routine failed", t);
        }
    }

    @Override
    public String toString() {
        return "x86-64 native copy routines (1/2-byte head, 4-byte body, 2/1-byte tail, one mov per access)";
    }
}
