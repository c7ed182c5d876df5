/**
 * An out-of-tree iomem backend for riscv64, written as any plugin author would write one: it
 * depends only on the published {@code iomem-api} and {@code iomem-core} artifacts, registers
 * with {@link java.util.ServiceLoader} ({@code module-info.java} and
 * {@code META-INF/services/dev.iomem.spi.ArchBackend}), and is proven by the testkit's
 * conformance kit on simulated device memory.
 *
 * <h2>Rules ({@code arch/riscv/include/asm/mmio.h}, {@code lib/iomem_copy.c})</h2>
 * Scalars of 1, 2, 4 and 8 bytes, naturally aligned; copies and fills byte by byte up to an
 * 8-aligned device address, an 8-byte body, a byte tail, ascending; device values little-endian.
 * No atomic operations on the mapping.
 *
 * <h2>Barriers</h2>
 * {@code fence i,ir} after an ordered read ({@code __io_ar}), {@code fence w,o} before an
 * ordered write ({@code __io_bw}), {@code fence ow,ow} ({@code wmb()}) for
 * {@code flushWrites}. They run as machine-code stubs ({@code fence; ret}) in a page that is
 * written, made read+execute with {@code mprotect}, synchronised with {@code riscv_flush_icache},
 * and called through {@code Linker.Option.critical} downcalls. Where that is impossible (not a
 * riscv64 CPU, W^X policy, no native access) the backend falls back to the JVM's fences and
 * {@link com.example.iomem.riscv64.Riscv64Backend#probe()} says "ORDERING DEGRADED" and why.
 *
 * <h2>What has been verified</h2>
 * The fence and {@code ret} encodings against the ISA manual's bit layout, the exact stub bytes,
 * the order map, write, protect, flush, link, one stub call per barrier, the fallback paths, and
 * the whole rule set through the conformance kit, on x86-64. The stubs, the
 * {@code riscv_flush_icache} call and the mapped bus have <b>not</b> run on riscv64 hardware.
 */
package com.example.iomem.riscv64;
