package dev.iomem.testkit.internal;

import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves the {@link ArchBackend} constructor parameter of {@link RegisteredBackendConformance}
 * from the token in the configuration parameter {@link BackendRegistry#TOKEN_PARAMETER}.
 */
public final class RegisteredBackendResolver implements ParameterResolver {

    /** Creates the resolver; JUnit calls this. */
    public RegisteredBackendResolver() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ArchBackend.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        String token = extensionContext.getConfigurationParameter(BackendRegistry.TOKEN_PARAMETER)
                .orElseThrow(() -> new ParameterResolutionException("no backend given: run this suite through ConformanceRunner, "
                        + "which sets the configuration parameter " + BackendRegistry.TOKEN_PARAMETER));
        ArchBackend backend = BackendRegistry.lookup(token);
        if (backend == null) {
            throw new ParameterResolutionException("no backend is registered under " + token);
        }
        return backend;
    }
}
