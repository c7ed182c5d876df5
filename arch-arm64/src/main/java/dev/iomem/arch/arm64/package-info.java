/**
 * The arm64 (aarch64) backend.
 *
 * <h2>Rules</h2>
 * Every access naturally aligned (Device-nGnRE raises an alignment fault, a SIGBUS in the JVM,
 * otherwise). Copies and fills follow {@code lib/iomem_copy.c}: single bytes until the device
 * side is 8-aligned, an 8-byte body, a byte tail, ascending. The bus is the core's
 * {@link dev.iomem.core.access.MappedBus}: one opaque little-endian access per transaction, never
 * a paired ({@code ldp}/{@code stp}) or merged one, and never the JDK's bulk copy or fill.
 *
 * <h2>Barriers, and when ordering is degraded</h2>
 * The kernel puts {@code dmb oshld} after an ordered read, {@code dmb oshst} before an ordered
 * write, and flushes with {@code dsb st} ({@code arch/arm64/include/asm/io.h}, {@code barrier.h}).
 * The JVM emits only inner-shareable barriers ({@code dmb ish*}), so this backend writes each of
 * the three as a two-instruction machine-code stub (barrier, {@code ret}) into an anonymous
 * mapping, changes it from read+write to read+execute with {@code mprotect} (never writable and
 * executable at once), and calls each stub through a {@code Linker.Option.critical} downcall.
 *
 * <p>When the stubs cannot be made, the backend falls back to the JVM's fences and says so:
 * <ul>
 *   <li>on a CPU that is not arm64 (the stubs are arm64 code and are never made or run there;
 *       the rules and accessor still work over any bus, which is how the testkit checks them);</li>
 *   <li>when a W^X policy refuses executable anonymous memory (SELinux {@code execmem} denied,
 *       PaX {@code MPROTECT}, hardened container profiles): {@code mprotect} fails;</li>
 *   <li>when native access is not enabled for this module.</li>
 * </ul>
 * Then {@link dev.iomem.arch.arm64.Arm64Backend#probe()} reports
 * <b>"ORDERING DEGRADED"</b> with the reason, {@link dev.iomem.arch.arm64.Arm64Backend#nativeOrdering()}
 * is {@code false}, and {@link dev.iomem.arch.arm64.Arm64Backend#nativeBarriers()} logs a warning
 * once. Degraded means: ordered accesses and flushes use {@code dmb ishld} / {@code dmb ish},
 * which are not architecturally guaranteed to order Device-memory accesses against a device in
 * the outer-shareable domain, and nothing waits for writes to complete as {@code dsb st} does.
 *
 * <h2>What has been verified</h2>
 * The instruction encodings (against the Arm ARM's encoding diagrams), the exact bytes written,
 * the change to read+execute, one stub call per barrier, and the fallback paths are tested on
 * x86-64, with the native pieces mocked where they would have to run arm64 code; the real
 * {@code mmap}/{@code mprotect}/{@code munmap} downcalls are tested on this machine. The stubs
 * have <b>not</b> been executed on arm64 hardware.
 */
package dev.iomem.arch.arm64;
