package sai.gateway.testing;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * For jqwik containers that check answers against the OpenAI spec: jqwik takes a JUnit assumption thrown
 * inside a try for a rejected sample, and fails the property when every sample is rejected. So without the
 * spec the whole container is skipped up front, with {@link OpenApiSchemas#MISSING_SPEC} as the reason.
 * Use with {@code @AddLifecycleHook(OpenAiSpecRequired.class)}.
 */
public final class OpenAiSpecRequired implements SkipExecutionHook {

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return OpenApiSchemas.specAvailable() ? SkipResult.doNotSkip() : SkipResult.skip(OpenApiSchemas.MISSING_SPEC);
    }
}
