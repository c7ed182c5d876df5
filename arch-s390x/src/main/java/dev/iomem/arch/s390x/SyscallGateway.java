package dev.iomem.arch.s390x;

import dev.iomem.core.linux.Libc;

import java.lang.foreign.MemorySegment;

/**
 * The one way {@link ZpciSyscallBus} reaches the kernel: a three-argument system call of the
 * shape of {@code s390_pci_mmio_write(unsigned long mmio_addr, const void *user_buffer, size_t length)}
 * and {@code s390_pci_mmio_read(unsigned long mmio_addr, void *user_buffer, size_t length)}.
 * An interface so that the exact calls can be checked on machines that are not s390x.
 */
public interface SyscallGateway {

    /** {@code __NR_s390_pci_mmio_write} on s390x ({@code arch/s390/kernel/syscalls/syscall.tbl}). */
    long S390_PCI_MMIO_WRITE = 352;

    /** {@code __NR_s390_pci_mmio_read} on s390x ({@code arch/s390/kernel/syscalls/syscall.tbl}). */
    long S390_PCI_MMIO_READ = 353;

    /**
     * Makes one system call.
     *
     * @param number  the system call number
     * @param address the first argument, an address in this process (for the zPCI calls, the
     *                virtual address of the mapped BAR window plus the offset)
     * @param buffer  the second argument, a native buffer the kernel reads or fills
     * @param length  the third argument, the number of bytes
     * @return what the kernel returned when it did not fail (0 for success; the zPCI calls may
     *         also return a positive PCI condition code), or the negated {@code errno} when it
     *         failed
     */
    long call(long number, long address, MemorySegment buffer, long length);

    /**
     * {@return the real gateway: libc's variadic {@code syscall} through iomem's one native layer,
     * {@link Libc#syscall}, which captures {@code errno} and returns it negated} Not a critical
     * downcall: the zPCI system calls take {@code mmap_read_lock} and may sleep.
     */
    static SyscallGateway libc() {
        return Libc::syscall;
    }
}
