package dev.iomem.core.access;

import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A heap-backed bus that records every transaction and barrier, for core's own tests. */
final class RecordingBus implements IoBus, Barriers {
    final byte[] memory;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final int blockLimit;
    boolean closed;

    RecordingBus(int size, int blockLimit) {
        this.memory = new byte[size];
        this.blockLimit = blockLimit;
    }

    @Override public long size() { return memory.length; }

    @Override
    public long load(long offset, Width w) {
        log.add("load " + offset + " " + w.bytes());
        long v = 0;
        for (int i = w.bytes() - 1; i >= 0; i--) {
            v = (v << 8) | (memory[(int) offset + i] & 0xff);
        }
        return v;
    }

    @Override
    public void store(long offset, Width w, long value) {
        log.add("store " + offset + " " + w.bytes());
        for (int i = 0; i < w.bytes(); i++) {
            memory[(int) offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override public int blockStoreLimit() { return blockLimit; }

    @Override
    public void storeBlock(long offset, MemorySegment src) {
        log.add("block " + offset + " " + src.byteSize());
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, memory, (int) offset, (int) src.byteSize());
    }

    @Override public void close() { closed = true; log.add("close"); }

    @Override public void beforeWrite() { log.add("barrier-before-write"); }
    @Override public void afterRead(long value) { log.add("barrier-after-read"); }
    @Override public void flushWrites() { log.add("flush"); }
}
