package dev.iomem.core.catalogue;

import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real bus and records every transaction that reached the device (completed) and every
 * barrier, into a trace shared by all the buses of one case. Being no {@code MappedBus}, it also keeps the accessor off
 * its direct-segment fast path, so every access of the accessor shows here.
 */
final class TracingBus implements IoBus, Barriers {

    private final IoBus delegate;
    private final List<String> trace;
    private final AtomicInteger closes;

    TracingBus(IoBus delegate, List<String> trace, AtomicInteger closes) {
        this.delegate = delegate;
        this.trace = trace;
        this.closes = closes;
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public long load(long offset, Width w) {
        long v = delegate.load(offset, w);
        trace.add("load " + offset + " " + w.bytes());
        return v;
    }

    @Override
    public void store(long offset, Width w, long value) {
        delegate.store(offset, w, value);
        trace.add("store " + offset + " " + w.bytes());
    }

    @Override
    public int blockStoreLimit() {
        return delegate.blockStoreLimit();
    }

    @Override
    public void storeBlock(long offset, MemorySegment src) {
        delegate.storeBlock(offset, src);
        trace.add("block " + offset + " " + src.byteSize());
    }

    @Override
    public boolean isReadOnly() {
        return delegate.isReadOnly();
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        delegate.close();
    }

    @Override
    public void beforeWrite() {
        trace.add("barrier-before-write");
    }

    @Override
    public void afterRead(long value) {
        trace.add("barrier-after-read");
    }

    @Override
    public void flushWrites() {
        trace.add("flush");
    }
}
