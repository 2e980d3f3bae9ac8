package sai.gateway.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON against a component schema ({@code #/components/schemas/NAME}) of the official
 * OpenAI OpenAPI spec, so tests can prove the gateway's wire format matches what SDKs expect.
 *
 * <p>The spec is found via the system property {@code openai.spec}, else by walking up from the
 * working directory to the first {@code shared/openai/openapi.yaml} (CI lays {@code shared/} beside the
 * repository). It is not in this repository, so a plain clone has two kinds of check:
 * <ul>
 *   <li>{@link #assertValid} and {@link #violations}, for tests whose point is the wire shape: without the
 *       spec they skip the test (a JUnit assumption, with {@link #MISSING_SPEC} as the reason);</li>
 *   <li>{@link #assertValidIfSpecPresent}, for checks made along the way (the shared helpers, behaviour
 *       tests): without the spec it does nothing, so the test's other assertions still run and can fail.</li>
 * </ul>
 * CI passes {@code -Dopenai.spec.required=true}: there a missing spec fails both kinds, with
 * {@link #MISSING_REQUIRED_SPEC}, so a moved {@code shared/} cannot silently turn every wire-shape check off.
 */
public final class OpenApiSchemas {

    public static final String SPEC_PROPERTY = "openai.spec";
    /** {@code -Dopenai.spec.required=true} (CI): a missing spec fails every check instead of skipping it. */
    public static final String REQUIRED_PROPERTY = "openai.spec.required";
    private static final String SPEC_RELATIVE = "shared/openai/openapi.yaml";
    private static final String WHERE = "put OpenAI's official OpenAPI spec (openapi.yaml of github.com/openai/openai-openapi) at "
            + "../" + SPEC_RELATIVE + " beside the repository (as CI does), or pass -D" + SPEC_PROPERTY + "=/path/to/openapi.yaml";
    /** Why a check against the spec was skipped, and where to get the spec. */
    public static final String MISSING_SPEC = "OpenAI spec not found, so this check of the wire shape is skipped: " + WHERE;
    /** Why a check failed when the spec is required, and where to get the spec. */
    public static final String MISSING_REQUIRED_SPEC = "OpenAI spec not found, and -D" + REQUIRED_PROPERTY
            + "=true makes that a failure (CI must check the wire shape): " + WHERE;
    // Any absolute IRI works; it only anchors the document's internal "#/..." references.
    private static final String BASE_IRI = "https://sai.gateway.invalid/openai/openapi.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private OpenApiSchemas() {
    }

    /** Throws an AssertionError listing every violation (with its JSON path) if {@code json} does not match. */
    public static void assertValid(String schemaName, String json) {
        List<String> violations = violations(schemaName, json);
        if (!violations.isEmpty()) {
            throw new AssertionError("JSON does not match OpenAI schema " + schemaName + ":\n  "
                    + String.join("\n  ", violations) + "\nJSON: " + json);
        }
    }

    /**
     * Like {@link #assertValid} when the spec is there; without it, nothing, so a test that validates along
     * the way (an error's shape, a stream's chunks) still makes its other assertions in a plain clone.
     */
    public static void assertValidIfSpecPresent(String schemaName, String json) {
        assertValidIfSpecPresent(Location.PATH, Location.REQUIRED, schemaName, json);
    }

    static void assertValidIfSpecPresent(Optional<Path> spec, boolean required, String schemaName, String json) {
        if (spec.isPresent()) {
            assertValid(schemaName, json);
        } else if (required) {
            throw new AssertionError(MISSING_REQUIRED_SPEC);
        }
    }

    /** Returns the violations of {@code json} against the named component schema; empty when valid. */
    public static List<String> violations(String schemaName, String json) {
        JsonSchema schema = schema(schemaName);
        JsonNode instance;
        try {
            instance = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of("$: not valid JSON: " + e.getOriginalMessage());
        }
        if (instance == null || instance.isMissingNode()) {
            return List.of("$: no JSON value");
        }
        Set<ValidationMessage> messages = schema.validate(instance);
        List<String> result = new ArrayList<>(messages.size());
        for (ValidationMessage m : messages) {
            result.add(m.getMessage());
        }
        return result;
    }

    /** Skips the calling test (JUnit assumption) when the spec is not there; for tests that need it up front. */
    public static void assumeSpec() {
        requireSpec(Location.PATH, Location.REQUIRED);
    }

    /** The spec file in use, e.g. for diagnostics; skips the caller when there is none. */
    public static Path specPath() {
        return requireSpec(Location.PATH, Location.REQUIRED);
    }

    /** The spec; without it, a skip, or a failure when {@code required}. */
    static Path requireSpec(Optional<Path> spec, boolean required) {
        if (spec.isEmpty() && required) {
            throw new AssertionError(MISSING_REQUIRED_SPEC);
        }
        if (spec.isEmpty()) {
            Assumptions.abort(MISSING_SPEC);
        }
        return spec.get();
    }

    private static JsonSchema schema(String name) {
        requireSpec(Location.PATH, Location.REQUIRED); // before Spec loads: an abort thrown from a class initializer would be an error
        JsonSchema cached = SCHEMAS.get(name);
        if (cached != null) {
            return cached;
        }
        // Building a sub-schema registers resources in the shared document, so build one at a time.
        synchronized (SCHEMAS) {
            return SCHEMAS.computeIfAbsent(name, OpenApiSchemas::build);
        }
    }

    private static JsonSchema build(String name) {
        if (!Spec.DOCUMENT.getSchemaNode().path("components").path("schemas").has(name)) {
            throw new IllegalArgumentException("No schema '" + name + "' in components/schemas of " + Spec.PATH);
        }
        // Taken from the whole document so that $refs anywhere in it resolve.
        JsonSchema schema = Spec.DOCUMENT.getRefSchema(
                SchemaLocation.Fragment.of("/components/schemas/" + escapePointer(name)));
        // Validating with a fully initialised schema is thread-safe; lazy initialisation is not.
        schema.initializeValidators();
        return schema;
    }

    private static String escapePointer(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** Where the spec is, looked up once, and whether the build demands it (surefire and failsafe pass -D properties on). */
    private static final class Location {
        static final Optional<Path> PATH = locate(System.getProperty(SPEC_PROPERTY), Path.of("").toAbsolutePath().normalize());
        static final boolean REQUIRED = Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** The spec named by {@code configured} (a path given on purpose must exist), else the first {@code shared/} up from {@code start}. */
    static Optional<Path> locate(String configured, Path start) {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("-D" + SPEC_PROPERTY + " points to a missing file: " + path);
            }
            return Optional.of(path);
        }
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SPEC_RELATIVE);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Lazy holder: the JVM guarantees one thread-safe load, on first use only (after requireSpec). */
    private static final class Spec {
        static final Path PATH = Location.PATH.orElseThrow();
        static final JsonSchema DOCUMENT = load(PATH);

        private static JsonSchema load(Path path) {
            // SnakeYAML refuses documents over 3 MB by default, and the spec is close to that.
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(Integer.MAX_VALUE);
            YAMLMapper yaml = new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
            JsonNode root;
            try (InputStream in = Files.newInputStream(path)) {
                root = yaml.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read OpenAI spec " + path, e);
            }
            root.path("components").path("schemas").forEach(OpenApiSchemas::rewriteNullable);

            // The spec is full of vendor keywords (x-oaiMeta, x-stainless-const, discriminator, example...);
            // they carry no constraints, so accept them silently instead of logging a warning for each.
            String metaIri = BASE_IRI + "/dialect";
            JsonMetaSchema dialect = JsonMetaSchema.builder(metaIri, JsonMetaSchema.getV202012())
                    .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                    .build();
            JsonSchemaFactory factory = JsonSchemaFactory.builder()
                    .defaultMetaSchemaIri(metaIri)
                    .metaSchema(dialect)
                    .build();
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                    .pathType(PathType.LEGACY) // messages read "$.choices[0].message: ..."
                    .nullableKeywordEnabled(false) // done by rewriteNullable, which also covers $ref siblings
                    .build();
            return factory.getSchema(SchemaLocation.of(BASE_IRI), root, config);
        }
    }

    // Keywords whose value is a schema, or a list or map of schemas: the only places a nested
    // schema (and so a "nullable") can sit. Walking only these keeps property names such as
    // "default" and example payloads out of the rewrite.
    private static final Set<String> SCHEMA_KEYWORDS = Set.of("items", "additionalProperties", "not",
            "contains", "propertyNames", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties");
    private static final Set<String> SCHEMA_LIST_KEYWORDS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_MAP_KEYWORDS = Set.of("properties", "patternProperties", "$defs",
            "dependentSchemas");

    /**
     * OpenAPI 3.0's {@code nullable: true} is not JSON Schema 2020-12, yet this 3.1 spec still uses
     * it, including beside {@code $ref} and {@code enum} (where adding "null" to {@code type} would
     * not be enough). Rewriting {@code S + nullable} to {@code anyOf: [S, {type: null}]} is exact
     * in every one of those cases.
     */
    static void rewriteNullable(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String keyword = field.getKey();
            JsonNode value = field.getValue();
            if (SCHEMA_KEYWORDS.contains(keyword)) {
                rewriteNullable(value);
            } else if (SCHEMA_LIST_KEYWORDS.contains(keyword) || SCHEMA_MAP_KEYWORDS.contains(keyword)) {
                value.forEach(OpenApiSchemas::rewriteNullable);
            }
        }
        JsonNode nullable = object.get("nullable");
        if (nullable == null || !nullable.isBoolean()) {
            return;
        }
        object.remove("nullable");
        if (nullable.booleanValue()) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            ObjectNode original = nodes.objectNode().setAll(object);
            object.removeAll();
            object.set("anyOf", nodes.arrayNode().add(original).add(nodes.objectNode().put("type", "null")));
        }
    }
}
