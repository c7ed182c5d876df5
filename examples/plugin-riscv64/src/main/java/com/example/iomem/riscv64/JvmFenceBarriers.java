package com.example.iomem.riscv64;

import dev.iomem.spi.Barriers;

import java.lang.invoke.VarHandle;

/**
 * The fallback riscv64 barriers, used where the native stubs cannot be made: the JVM's own
 * fences.
 *
 * <p>What they are on riscv64 depends on the JVM, not on this code. HotSpot's riscv port compiles
 * {@link VarHandle#acquireFence()}, {@link VarHandle#releaseFence()} and
 * {@link VarHandle#fullFence()} to {@code fence r,rw}, {@code fence rw,w} and {@code fence rw,rw},
 * and with its default {@code -XX:+UseConservativeFence} widens each R to IR and each W to OW
 * ({@code fence ir,iorw}, {@code fence iorw,ow}, {@code fence iorw,iorw}): supersets of the
 * kernel's {@code fence i,ir}, {@code fence w,o} and {@code fence ow,ow}. But nothing in the Java
 * specification promises the device bits, code that is not yet compiled may take other paths, and
 * other JVMs may differ: a fence without the I and O bits does not order device accesses at all.
 * That is why {@link Riscv64Backend#probe()} calls this "ORDERING DEGRADED".
 */
enum JvmFenceBarriers implements Barriers {
    /** The only instance. */
    INSTANCE;

    @Override
    public void beforeWrite() {
        VarHandle.releaseFence(); // fence rw,w (conservative: iorw,ow) where fence w,o is wanted
    }

    @Override
    public void afterRead(long value) {
        VarHandle.acquireFence(); // fence r,rw (conservative: ir,iorw) where fence i,ir is wanted
    }

    @Override
    public void flushWrites() {
        VarHandle.fullFence(); // fence rw,rw (conservative: iorw,iorw) where fence ow,ow is wanted
    }

    @Override
    public String toString() {
        return "riscv64 barriers, DEGRADED to the JVM's fences (device bits not guaranteed)";
    }
}
