package dev.iomem.spi;

/** Barriers that emit nothing: for strongly ordered memory. */
enum NoBarriers implements Barriers {
    INSTANCE;

    @Override
    public void beforeOrderedWrite() {
    }

    @Override
    public void afterOrderedRead() {
    }

    @Override
    public void flushWrites() {
    }
}
