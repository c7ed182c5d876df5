package dev.iomem.arch.s390x;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this machine shows of zPCI: the PCI functions that are zPCI functions, and whether the
 * CPU and kernel offer the MIO instructions.
 *
 * <p>A zPCI function is a PCI device whose sysfs directory has a {@code function_id} attribute:
 * only the s390 PCI code creates it ({@code arch/s390/pci/pci_sysfs.c}, with
 * {@code function_handle}, {@code pchid}, {@code pfgid}, {@code uid}, ...). Newer kernels also
 * show {@code mio_enabled} per function.
 *
 * @param zpciFunctions      how many PCI functions have a {@code function_id} attribute
 * @param mioFunctions       how many of them show {@code mio_enabled} = 1
 * @param mioInstructions    whether {@code AT_HWCAP} has {@code HWCAP_S390_PCI_MIO}
 */
record ZpciEnvironment(int zpciFunctions, int mioFunctions, boolean mioInstructions) {

    /**
     * Looks at a sysfs PCI device directory and an {@code AT_HWCAP} value.
     *
     * @param pciDevices the directory of PCI functions, normally {@code /sys/bus/pci/devices}
     * @param hwcap      the {@code AT_HWCAP} value of this process
     * @return what was found; a missing directory means no functions
     * @throws UncheckedIOException if the directory exists but cannot be read
     */
    static ZpciEnvironment inspect(Path pciDevices, long hwcap) {
        int zpci = 0;
        int mio = 0;
        try (Stream<Path> functions = Files.list(pciDevices)) {
            for (Path f : (Iterable<Path>) functions::iterator) {
                if (Files.exists(f.resolve("function_id"))) {
                    zpci++;
                    if (readTrimmed(f.resolve("mio_enabled")).equals("1")) {
                        mio++;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return new ZpciEnvironment(0, 0, (hwcap & AuxiliaryVector.HWCAP_S390_PCI_MIO) != 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pciDevices, e);
        }
        return new ZpciEnvironment(zpci, mio, (hwcap & AuxiliaryVector.HWCAP_S390_PCI_MIO) != 0);
    }

    private static String readTrimmed(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
