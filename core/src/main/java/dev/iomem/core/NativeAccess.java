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
        Module m = c.getModule();
        return "--enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }
}
