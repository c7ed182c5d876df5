package dev.iomem.arch.s390x;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real gateway, {@code Libc.syscall}: the variadic {@code syscall} downcall with errno
 * capture, exercised with harmless x86-64 system calls (the zPCI numbers 352/353 are never made
 * here).
 */
@DisplayName("The libc system-call gateway")
class SyscallGatewayLibcTest {

    // x86-64 numbers, arch/x86/entry/syscalls/syscall_64.tbl
    private static final long WRITE = 1;
    private static final long GETPID = 39;

    @BeforeEach
    void onX8664() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "uses x86-64 system call numbers");
    }

    @Test
    @DisplayName("a successful call returns the kernel's result (getpid is this process's pid)")
    void success() {
        assertThat(SyscallGateway.libc().call(GETPID, 0, MemorySegment.NULL, 0)).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    @DisplayName("the three arguments reach the kernel in order: write(2, buffer, 0) succeeds, write(-1, ...) is EBADF")
    void argumentsAndErrno() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            assertThat(SyscallGateway.libc().call(WRITE, 2, buf, 0)).isZero();
            assertThat(SyscallGateway.libc().call(WRITE, -1, buf, 1)).isEqualTo(-9); // EBADF
        }
    }

    @Test
    @DisplayName("an unknown system call returns the negated ENOSYS captured from errno")
    void enosys() {
        assertThat(SyscallGateway.libc().call(100_000, 0, MemorySegment.NULL, 0)).isEqualTo(-38);
    }
}
