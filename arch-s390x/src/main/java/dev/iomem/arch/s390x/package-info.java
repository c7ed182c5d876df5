/**
 * The s390x (IBM Z) backend.
 *
 * <h2>Mechanism</h2>
 * s390x has no ordinary MMIO: a device access is a PCI instruction, which user space reaches
 * through the {@code s390_pci_mmio_write} (352) and {@code s390_pci_mmio_read} (353) system
 * calls ({@code arch/s390/pci/pci_mmio.c}). {@link dev.iomem.arch.s390x.ZpciSyscallBus} makes one
 * such call per device transaction through a {@link dev.iomem.arch.s390x.SyscallGateway}, whose
 * real implementation is iomem's one native layer, {@link dev.iomem.core.linux.Libc#syscall}: a
 * downcall to libc's variadic {@code syscall} with {@code errno} captured (named by
 * {@link dev.iomem.core.linux.ErrnoException#name}). It never touches the mapping itself; its
 * address is only passed to the kernel.
 *
 * <h2>Rules</h2>
 * No access crosses a 4 KiB page (the kernel refuses it with {@code EINVAL}; the bus refuses it
 * first). Copies are planned like the kernel's {@code zpci_get_max_io_size}: chunks within the
 * page, block stores of up to 128 bytes when address and length are multiples of 8, otherwise
 * 8-byte or smaller power-of-two accesses; reads of at most 8 bytes. Device values are
 * little-endian and the CPU big-endian: the system-call buffer holds the device bytes in address
 * order, written and read with explicitly little-endian layouts.
 *
 * <h2>Barriers</h2>
 * Compiler ordering only (as the kernel's {@code readl}/{@code writel} on s390 and rdma-core),
 * and a flush that does nothing: each {@code s390_pci_mmio_write} returns after the kernel has
 * issued and checked its PCI store; {@code pciwb} would only matter for MIO stores that user
 * space issued itself, and this backend issues none.
 *
 * <h2>Probe</h2>
 * Available on s390x, with native access, when at least one PCI function has the zPCI-only
 * {@code function_id} sysfs attribute. MIO support ({@code getauxval(AT_HWCAP) &
 * HWCAP_S390_PCI_MIO}, bit 21) is reported as information: the system calls are correct with or
 * without it.
 *
 * <h2>What has been verified</h2>
 * The exact system calls (numbers, addresses, lengths, bytes), errno and condition-code
 * reporting, page-crossing refusal, and the accessor's copies end to end are tested on x86-64
 * against a mocked gateway; the real {@code syscall} downcall and its {@code errno} capture are
 * tested with harmless x86-64 system calls. Nothing here has run on s390x hardware.
 */
package dev.iomem.arch.s390x;
