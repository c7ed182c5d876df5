package dev.iomem.spi;

/** Barriers that emit nothing: for strongly ordered memory. */
enum NoBarriers implements Barriers {
    INSTANCE;

    @Override
    public void afterRead(long value) {
    }

    @Override
    public void beforeWrite() {
    }

    @Override
    public void flushWrites() {
    }
}
