package dev.iomem.bench;

/** B5's baseline: a JVM that prints hello and exits. */
public final class Hello {
    private Hello() {
    }

    /**
     * Prints hello.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
