package dev.iomem.core.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.iomem.core.Iomem;
import dev.iomem.core.IoPlatform;
import dev.iomem.spi.ArchBackend;

/**
 * Guice wiring for iomem: binds the selected {@link ArchBackend} and the {@link IoPlatform}.
 *
 * <p>{@code Guice.createInjector(new IomemModule())} selects as {@link Iomem#platform()} does;
 * {@code new IomemModule("s390x")} forces a backend by name. To supply a backend instance of
 * your own, override the optional binding in another module:
 * <pre>{@code
 * OptionalBinder.newOptionalBinder(binder(), ArchBackend.class).setBinding().toInstance(myBackend);
 * }</pre>
 * Guice is an optional dependency of {@code iomem-core}: only consumers of this class need it.
 */
@SuppressWarnings("exports") // Guice is an optional dependency: only its users see AbstractModule
public final class IomemModule extends AbstractModule {

    private final String backendName;
    private volatile IoPlatform selection;

    /** Selects the backend as {@link Iomem#platform()} does. */
    public IomemModule() {
        this(null);
    }

    /**
     * Forces a backend by name.
     *
     * @param backendName the backend's name, or {@code null} to select as {@link Iomem#platform()} does
     */
    public IomemModule(String backendName) {
        this.backendName = backendName;
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), ArchBackend.class)
                .setDefault().toProvider(() -> selected().backend()).in(Singleton.class);
    }

    @Provides
    @Singleton
    IoPlatform platform(ArchBackend backend) {
        // The default binding ran selection already; an overriding binding did not.
        IoPlatform s = selection;
        if (s != null && s.backend() == backend) {
            return s;
        }
        return IoPlatform.of(backend, "bound through Guice (OptionalBinder.setBinding)");
    }

    private synchronized IoPlatform selected() {
        if (selection == null) {
            selection = Iomem.platform(backendName);
        }
        return selection;
    }
}
