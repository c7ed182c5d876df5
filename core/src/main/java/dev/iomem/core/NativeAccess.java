package dev.iomem.core;

/**
 * Whether restricted FFM methods ({@code Linker} downcalls, {@code reinterpret}) are enabled
 * for a module: {@code --enable-native-access=ALL-UNNAMED} on the class path, or the module's
 * name on the module path, or {@code Enable-Native-Access} in an executable jar's manifest.
 */
public final class NativeAccess {

    private NativeAccess() {
    }

    /**
     * {@return whether native access is enabled for the modules of all the given classes}
     *
     * @param classes classes whose modules will make restricted calls
     */
    public static boolean enabledFor(Class<?>... classes) {
        for (Class<?> c : classes) {
            if (!c.getModule().isNativeAccessEnabled()) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the JVM flag that enables native access for the module of {@code c}}
     *
     * @param c a class of the module
     */
    public static String flagFor(Class<?> c) {
        return flagFor(new Class<?>[] {c});
    }

    /**
     * {@return the JVM flag that enables native access for the modules of all the given classes},
     * each named once, such as {@code --enable-native-access=dev.iomem.arch.x86,dev.iomem.core}
     *
     * @param classes classes whose modules will make restricted calls
     */
    public static String flagFor(Class<?>... classes) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (Class<?> c : classes) {
            Module m = c.getModule();
            names.add(m.isNamed() ? m.getName() : "ALL-UNNAMED");
        }
        return "--enable-native-access=" + String.join(",", names);
    }
}
