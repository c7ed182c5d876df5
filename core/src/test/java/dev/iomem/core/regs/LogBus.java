package dev.iomem.core.regs;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A heap-backed bus that logs every load and store, for the register-block tests. */
final class LogBus implements IoBus, Barriers {
    final byte[] memory;
    final List<String> log = new ArrayList<>();

    LogBus(int size) {
        this.memory = new byte[size];
    }

    static IoAccessor accessor(LogBus bus, AccessRules rules) {
        return RuleDrivenAccessor.over(bus, rules, bus);
    }

    @Override public long size() { return memory.length; }

    @Override
    public long load(long offset, Width w) {
        log.add("load 0x" + Long.toHexString(offset) + " " + w.bytes());
        return peek(offset, w);
    }

    long peek(long offset, Width w) {
        long v = 0;
        for (int i = w.bytes() - 1; i >= 0; i--) {
            v = (v << 8) | (memory[(int) offset + i] & 0xff);
        }
        return v;
    }

    void poke(long offset, Width w, long value) {
        for (int i = 0; i < w.bytes(); i++) {
            memory[(int) offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public void store(long offset, Width w, long value) {
        log.add("store 0x" + Long.toHexString(offset) + " " + w.bytes() + " 0x" + Long.toHexString(value & w.mask()));
        poke(offset, w, value);
    }

    @Override public int blockStoreLimit() { return 0; }

    @Override
    public void storeBlock(long offset, MemorySegment src) {
        log.add("block 0x" + Long.toHexString(offset) + " " + src.byteSize());
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, memory, (int) offset, (int) src.byteSize());
    }

    @Override public void close() { }

    @Override public void beforeWrite() { log.add("barrier-before-write"); }
    @Override public void afterRead(long value) { log.add("barrier-after-read"); }
    @Override public void flushWrites() { log.add("flush"); }
}
