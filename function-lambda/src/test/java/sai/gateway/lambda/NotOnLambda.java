package sai.gateway.lambda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Skips, by name and with the reason in the test report, the few tests of app's contract suite that
 * cannot apply behind API Gateway (listed in {@code not-on-lambda.txt}). Registered through JUnit's
 * extension auto-detection, so app's test classes run here unchanged. Surefire's own excludes cannot
 * name a method, let alone one case of a parameterized test.
 */
public final class NotOnLambda implements ExecutionCondition {

    static final String LIST = "/not-on-lambda.txt";
    private static final Map<String, String> REASONS = load();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String className = context.getTestClass().map(Class::getName).orElse("");
        String method = context.getTestMethod().map(m -> "#" + m.getName()).orElse("");
        for (Map.Entry<String, String> entry : REASONS.entrySet()) {
            if (matches(entry.getKey(), className, method, context)) {
                return ConditionEvaluationResult.disabled("Not on Lambda: " + entry.getValue());
            }
        }
        return ConditionEvaluationResult.enabled("runs behind the Lambda handler too");
    }

    /** {@code Class}, {@code Class#method}, or {@code Class#method[case]} where case is part of the display name. */
    private static boolean matches(String key, String className, String method, ExtensionContext context) {
        int bracket = key.indexOf('[');
        String name = bracket < 0 ? key : key.substring(0, bracket);
        if (!name.contains("#")) {
            return name.equals(className) && method.isEmpty();
        }
        if (!name.equals(className + method)) {
            return false;
        }
        if (bracket < 0) {
            return true;
        }
        String fragment = key.substring(bracket + 1, key.length() - 1);
        return context.getDisplayName().contains(fragment);
    }

    static Map<String, String> reasons() {
        return REASONS;
    }

    private static Map<String, String> load() {
        Map<String, String> reasons = new LinkedHashMap<>();
        try (InputStream in = NotOnLambda.class.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IllegalStateException(LIST + " is missing from the test classpath");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int bar = trimmed.indexOf(" | ");
                if (bar < 0) {
                    throw new IllegalStateException(LIST + ": every line needs ' | ' and a reason: " + trimmed);
                }
                reasons.put(trimmed.substring(0, bar).strip(), trimmed.substring(bar + 3).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reasons;
    }
}
