package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.config.Setting;
import sai.gateway.secrets.Secret;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code GATEWAY_CONFIG_FILE} into a {@link ConfigFile}, or refuses it with every problem found, one
 * {@code Configuration error: GATEWAY_CONFIG_FILE ...} line each, naming the place in the file and its line.
 *
 * <p>Strict, because the file is what operators review in git: an unknown or repeated field is a problem (a typo
 * would otherwise leave a limit unset without a word), and values are read from the YAML nodes as written, so
 * {@code name: no} is the text "no" and {@code requests_per_minute: "60"} is refused rather than guessed at. The
 * rules of tenants and keys themselves (models, limits, names) are {@link TenancyAdmin}'s; what is checked here is
 * what the file must say to be read at all, and the secrets, which are read here and never appear in a message.
 */
final class ConfigFileParser {

    static final String VARIABLE = "GATEWAY_CONFIG_FILE";
    static final List<String> LIMITS = List.of("requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month");
    static final List<String> TENANT_FIELDS = List.of("name", "allowed_models", "requests_per_minute", "tokens_per_minute",
            "tokens_per_day", "tokens_per_month", "sai_api_key_file", "sai_api_key_env", "keys");
    static final List<String> KEY_FIELDS = List.of("name", "owner", "allowed_models", "requests_per_minute", "tokens_per_minute",
            "tokens_per_day", "tokens_per_month", "expires_at", "revoked", "key_sha256", "key_env", "key_file");
    private static final List<String> KEY_SECRETS = List.of("key_sha256", "key_env", "key_file");
    /** 43 base64url characters are 32 bytes: as many random bits as the keys the gateway makes itself. */
    private static final Pattern PLAIN_KEY = Pattern.compile(Pattern.quote(KeyMaterial.PREFIX) + "[A-Za-z0-9_-]{43,}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WHOLE = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    /** Field names are shown in messages only when they look like field names: a mistyped line may hold a secret. */
    private static final Pattern SHOWABLE_FIELD = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final String HASH_HOWTO = "printf %s \"$KEY\" | sha256sum";

    private final Function<String, String> env;

    /** @param env the environment {@code key_env} and {@code sai_api_key_env} are read from */
    ConfigFileParser(Function<String, String> env) {
        this.env = env;
    }

    ConfigFile parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw refused(line("is not UTF-8 text: " + file));
        } catch (IOException | SecurityException e) {
            throw refused(line("points to a file that cannot be read: " + file));
        }
        if (text.isBlank()) {
            throw refused(line("points to an empty file: " + file));
        }
        Path absolute = file.toAbsolutePath();
        return parse(text, absolute.getParent() == null ? absolute : absolute.getParent());
    }

    /** @param base the directory relative {@code key_file} and {@code sai_api_key_file} paths are read from */
    ConfigFile parse(String text, Path base) {
        Reading reading = new Reading(base);
        ConfigFile file = reading.file(text);
        if (!reading.problems.isEmpty()) {
            throw new InvalidConfigurationException(reading.problems);
        }
        return file;
    }

    static String line(String problem) {
        return Setting.PREFIX + VARIABLE + " " + problem;
    }

    private static InvalidConfigurationException refused(String line) {
        return new InvalidConfigurationException(List.of(line));
    }

    static int lineOf(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** One reading of one file: its problems, and what must be unique across it. */
    private final class Reading {

        private final Path base;
        private final List<String> problems = new ArrayList<>();
        private final Map<String, String> tenantNames = new HashMap<>();
        private final Map<String, String> secrets = new HashMap<>();

        Reading(Path base) {
            this.base = base;
        }

        ConfigFile file(String text) {
            List<Node> documents = new ArrayList<>();
            try {
                for (Node document : new Yaml(new LoaderOptions()).composeAll(new StringReader(text))) {
                    documents.add(document);
                }
            } catch (MarkedYAMLException e) {
                // The problem and where, never the snippet of the file the exception also carries: it may be a secret line.
                problems.add(line("is not valid YAML: " + e.getProblem() + at(e.getProblemMark())));
                return new ConfigFile(List.of());
            } catch (YAMLException e) {
                problems.add(line("is not valid YAML: " + e.getMessage()));
                return new ConfigFile(List.of());
            }
            if (documents.isEmpty()) {
                problems.add(line("holds no YAML document: it must start with tenants:"));
                return new ConfigFile(List.of());
            }
            if (documents.size() > 1) {
                problem("", documents.get(1), "holds more than one YAML document: put every tenant in one list under tenants:");
                return new ConfigFile(List.of());
            }
            Node top = documents.get(0);
            if (!(top instanceof MappingNode map)) {
                problem("", top, "must start with tenants: and the list of tenants");
                return new ConfigFile(List.of());
            }
            Map<String, Node> fields = fields(map, "", List.of("tenants"), "the file", new HashMap<>());
            Node list = fields.get("tenants");
            if (list == null) {
                if (problems.isEmpty()) {
                    problem("tenants", top, "is required: the list of tenants, each with its name and keys");
                }
                return new ConfigFile(List.of());
            }
            List<ConfigFile.DeclaredTenant> tenants = new ArrayList<>();
            List<Node> items = items(list, "tenants", "must be a list of tenants, each starting with - name:");
            for (int i = 0; i < items.size(); i++) {
                ConfigFile.DeclaredTenant tenant = tenant(items.get(i), "tenants[" + i + "]");
                if (tenant != null) {
                    tenants.add(tenant);
                }
            }
            return new ConfigFile(List.copyOf(tenants));
        }

        @Nullable
        private ConfigFile.DeclaredTenant tenant(Node node, String path) {
            if (!(node instanceof MappingNode map)) {
                problem(path, node, "must be a tenant: name: and its settings");
                return null;
            }
            Map<String, Integer> lines = new LinkedHashMap<>();
            Map<String, Node> fields = fields(map, path, TENANT_FIELDS, "a tenant", lines);
            String name = name(fields, path, map);
            if (name != null) {
                String other = tenantNames.putIfAbsent(name, path);
                if (other != null) {
                    problem(path + ".name", fields.get("name"), "\"" + name + "\" is declared twice (also " + other + ")");
                }
            }
            List<String> models = models(fields.get("allowed_models"), path + ".allowed_models");
            Long[] limits = limits(fields, path);
            Secret saiKey = null;
            String saiKeyField = null;
            if (fields.containsKey("sai_api_key_file") && fields.containsKey("sai_api_key_env")) {
                problem(path, map, "sets both sai_api_key_file and sai_api_key_env: keep one");
            } else if (fields.containsKey("sai_api_key_file")) {
                saiKeyField = "sai_api_key_file";
                String value = fromFile(fields.get(saiKeyField), path + "." + saiKeyField);
                saiKey = value == null ? null : Secret.of(value);
            } else if (fields.containsKey("sai_api_key_env")) {
                saiKeyField = "sai_api_key_env";
                String value = fromEnv(fields.get(saiKeyField), path + "." + saiKeyField);
                saiKey = value == null ? null : Secret.of(value);
            }
            List<ConfigFile.DeclaredKey> keys = new ArrayList<>();
            Node keyList = fields.get("keys");
            if (keyList != null) {
                Map<String, String> keyNames = new HashMap<>();
                List<Node> items = items(keyList, path + ".keys", "must be a list of keys, each starting with - name:");
                for (int i = 0; i < items.size(); i++) {
                    ConfigFile.DeclaredKey key = key(items.get(i), path + ".keys[" + i + "]");
                    if (key != null) {
                        String other = keyNames.putIfAbsent(key.name(), key.path());
                        if (other != null) {
                            problem(key.path() + ".name", key.line(), "\"" + key.name() + "\" is declared twice in this tenant (also " + other + ")");
                        }
                        keys.add(key);
                    }
                }
            }
            if (name == null) {
                return null;
            }
            return new ConfigFile.DeclaredTenant(path, lineOf(map), Map.copyOf(lines), name, models, limits[0], limits[1], limits[2],
                    limits[3], saiKey, saiKeyField, List.copyOf(keys));
        }

        @Nullable
        private ConfigFile.DeclaredKey key(Node node, String path) {
            if (!(node instanceof MappingNode map)) {
                problem(path, node, "must be a key: name: and its settings");
                return null;
            }
            Map<String, Integer> lines = new LinkedHashMap<>();
            Map<String, Node> fields = fields(map, path, KEY_FIELDS, "a key", lines);
            String name = name(fields, path, map);
            String owner = null;
            if (fields.containsKey("owner")) {
                Node value = fields.get("owner");
                owner = isNull(value) ? "" : text(value, path + ".owner");
            }
            List<String> models = models(fields.get("allowed_models"), path + ".allowed_models");
            Long[] limits = limits(fields, path);
            Instant expiresAt = fields.containsKey("expires_at") ? expiry(fields.get("expires_at"), path + ".expires_at") : null;
            Boolean revoked = fields.containsKey("revoked") ? bool(fields.get("revoked"), path + ".revoked") : null;

            List<String> declared = KEY_SECRETS.stream().filter(fields::containsKey).toList();
            String keyHash = null;
            Secret plain = null;
            String keyField = null;
            if (declared.size() > 1) {
                problem(path, map, "sets " + String.join(" and ", declared) + ": a key has one secret, keep one");
            } else if (declared.size() == 1) {
                keyField = declared.get(0);
                Node value = fields.get(keyField);
                String where = path + "." + keyField;
                if (keyField.equals("key_sha256")) {
                    keyHash = sha256(value, where);
                } else {
                    String secret = keyField.equals("key_env") ? fromEnv(value, where) : fromFile(value, where);
                    if (secret != null) {
                        if (PLAIN_KEY.matcher(secret).matches()) {
                            plain = Secret.of(secret);
                            keyHash = KeyMaterial.hash(secret);
                        } else {
                            problem(where, value, "does not lead to a virtual key: it must be " + KeyMaterial.PREFIX
                                    + " and at least 43 base64url characters (32 random bytes)");
                        }
                    }
                }
                if (keyHash != null) {
                    String other = secrets.putIfAbsent(keyHash, path);
                    if (other != null) {
                        problem(where, value, "is the same secret as " + other + "'s: every key needs its own");
                    }
                }
            }
            if (name == null) {
                return null;
            }
            return new ConfigFile.DeclaredKey(path, lineOf(map), Map.copyOf(lines), name, owner, models, limits[0], limits[1], limits[2],
                    limits[3], expiresAt, revoked, keyHash, plain, keyField);
        }

        /** The entries of a mapping by field name: unknown, repeated and merged ({@code <<}) fields are problems. */
        private Map<String, Node> fields(MappingNode map, String path, List<String> known, String what, Map<String, Integer> lines) {
            Map<String, Node> fields = new LinkedHashMap<>();
            for (NodeTuple entry : map.getValue()) {
                Node keyNode = entry.getKeyNode();
                if (!(keyNode instanceof ScalarNode scalar) || isNull(keyNode)) {
                    problem(path, keyNode, "has a field whose name is not text");
                    continue;
                }
                String field = scalar.getValue();
                if (Tag.MERGE.equals(keyNode.getTag())) {
                    problem(path, keyNode, "uses a merge key (<<): write the fields out, so each entry reads as it applies");
                } else if (!known.contains(field)) {
                    problem(SHOWABLE_FIELD.matcher(field).matches() ? join(path, field) : path,
                            keyNode, SHOWABLE_FIELD.matcher(field).matches() ? "is not a field of " + what + hint(field, known)
                                    : "has a field that is not one of " + what + "'s: " + String.join(", ", known));
                } else if (lines.containsKey(field)) {
                    problem(join(path, field), keyNode, "is written twice (first on line " + lines.get(field) + ")");
                } else {
                    fields.put(field, entry.getValueNode());
                    lines.put(field, lineOf(keyNode));
                }
            }
            return fields;
        }

        @Nullable
        private String name(Map<String, Node> fields, String path, MappingNode map) {
            Node value = fields.get("name");
            if (value == null || isNull(value)) {
                problem(path + ".name", value == null ? map : value, "is required: tenants are matched by name, and keys by their tenant and name");
                return null;
            }
            String name = text(value, path + ".name");
            if (name != null && name.isBlank()) {
                problem(path + ".name", value, "is required: tenants are matched by name, and keys by their tenant and name");
                return null;
            }
            return name == null ? null : name.strip();
        }

        @Nullable
        private List<String> models(@Nullable Node node, String path) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof SequenceNode list)) {
                problem(path, node, "must be a list of model ids, for example [sai-model], or [] for every model");
                return null;
            }
            List<String> models = new ArrayList<>();
            for (Node item : list.getValue()) {
                String model = isNull(item) ? null : text(item, path);
                if (model == null) {
                    problem(path, item, "must be a list of model ids, for example [sai-model], or [] for every model");
                    return null;
                }
                models.add(model);
            }
            return models;
        }

        private Long[] limits(Map<String, Node> fields, String path) {
            Long[] limits = new Long[LIMITS.size()];
            for (int i = 0; i < limits.length; i++) {
                String field = LIMITS.get(i);
                Node value = fields.get(field);
                if (value != null) {
                    limits[i] = whole(value, path + "." + field);
                }
            }
            return limits;
        }

        @Nullable
        private Long whole(Node node, String path) {
            String problem = "must be 0 (no limit) or a positive whole number";
            if (node instanceof ScalarNode scalar && Tag.INT.equals(node.getTag()) && WHOLE.matcher(scalar.getValue()).matches()) {
                try {
                    return Long.parseLong(scalar.getValue().replace("_", ""));
                } catch (NumberFormatException e) {
                    problem(path, node, problem, scalar.getValue());
                    return null;
                }
            }
            problem(path, node, problem, shown(node));
            return null;
        }

        @Nullable
        private Boolean bool(Node node, String path) {
            if (node instanceof ScalarNode scalar && Tag.BOOL.equals(node.getTag())) {
                String value = scalar.getValue().toLowerCase(Locale.ROOT);
                if (value.equals("true") || value.equals("false")) {
                    return value.equals("true");
                }
            }
            problem(path, node, "must be true or false", shown(node));
            return null;
        }

        @Nullable
        private Instant expiry(Node node, String path) {
            if (isNull(node)) {
                return Instant.EPOCH;
            }
            String value = node instanceof ScalarNode scalar ? scalar.getValue().strip() : null;
            if (value != null) {
                try {
                    return OffsetDateTime.parse(value).toInstant();
                } catch (DateTimeParseException e) {
                    // below
                }
            }
            problem(path, node, "must be a time with its offset, for example 2027-06-30T00:00:00Z, or null for never", shown(node));
            return null;
        }

        @Nullable
        private String sha256(Node node, String path) {
            String value = text(node, path);
            if (value == null) {
                return null;
            }
            value = value.strip();
            if (KeyMaterial.looksVirtual(value)) {
                problem(path, node, "holds a key, not its SHA-256: the key itself never goes in the file; write its SHA-256 ("
                        + HASH_HOWTO + ")");
                return null;
            }
            if (!SHA256.matcher(value).matches()) {
                problem(path, node, "must be the key's SHA-256, 64 hex characters (" + HASH_HOWTO + ")");
                return null;
            }
            return value.toLowerCase(Locale.ROOT);
        }

        @Nullable
        private String fromEnv(Node node, String path) {
            String variable = text(node, path);
            if (variable == null) {
                return null;
            }
            variable = variable.strip();
            if (!ENV_NAME.matcher(variable).matches()) {
                problem(path, node, "must be the name of an environment variable, for example CI_BOT_KEY"
                        + (KeyMaterial.looksVirtual(variable) ? ", not the key itself: the key never goes in the file" : ""));
                return null;
            }
            String value = env.apply(variable);
            if (value == null || value.isBlank()) {
                problem(path, node, "names " + variable + ", which is not set or empty");
                return null;
            }
            return value.strip();
        }

        @Nullable
        private String fromFile(Node node, String path) {
            String name = text(node, path);
            if (name == null) {
                return null;
            }
            name = name.strip();
            if (KeyMaterial.looksVirtual(name)) {
                problem(path, node, "must be the path of a file, not the key itself: the key never goes in the file");
                return null;
            }
            Path file;
            try {
                file = base.resolve(name);
            } catch (InvalidPathException e) {
                problem(path, node, "is not a path");
                return null;
            }
            try {
                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    problem(path, node, "points to an empty file: " + file);
                    return null;
                }
                return value;
            } catch (IOException | SecurityException e) {
                problem(path, node, "points to a file that cannot be read: " + file);
                return null;
            }
        }

        @Nullable
        private String text(Node node, String path) {
            if (node instanceof ScalarNode scalar && !isNull(node)) {
                return scalar.getValue();
            }
            problem(path, node, isNull(node) ? "has no value" : "must be text, not a " + (node instanceof SequenceNode ? "list" : "mapping"));
            return null;
        }

        private List<Node> items(Node node, String path, String problem) {
            if (isNull(node)) {
                return List.of();
            }
            if (node instanceof SequenceNode list) {
                return list.getValue();
            }
            problem(path, node, problem);
            return List.of();
        }

        private void problem(String path, Node node, String problem) {
            problem(path, lineOf(node), problem);
        }

        private void problem(String path, int line, String problem) {
            problems.add(line((path.isEmpty() ? "" : path + " ") + problem + " (line " + line + ")"));
        }

        /** Only for fields that never hold a secret: limits, switches and times. */
        private void problem(String path, Node node, String problem, @Nullable String got) {
            problems.add(line(path + " " + problem + " (line " + lineOf(node) + (got == null ? "" : ", got \"" + got + "\"") + ")"));
        }
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    @Nullable
    private static String shown(Node node) {
        if (node instanceof ScalarNode scalar && !isNull(node)) {
            String value = scalar.getValue();
            return value.length() > 40 || KeyMaterial.looksVirtual(value) ? null : value;
        }
        return isNull(node) ? "nothing" : node instanceof SequenceNode ? "a list" : "a mapping";
    }

    private static String at(@Nullable Mark mark) {
        return mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String hint(String field, List<String> known) {
        if (field.equals("sai_api_key") || field.equals("sai_key")) {
            return ": a tenant's SAI key is never written in the file; name where to read it with sai_api_key_file or sai_api_key_env";
        }
        if (known.contains("key_sha256") && List.of("key", "secret", "api_key", "value").contains(field)) {
            return ": a key is never written in the file; declare it with key_sha256, key_env or key_file";
        }
        String nearest = null;
        int best = 3;
        for (String candidate : known) {
            int distance = distance(field.toLowerCase(Locale.ROOT).replace('-', '_'), candidate);
            if (distance < best) {
                best = distance;
                nearest = candidate;
            }
        }
        return nearest != null ? ": did you mean " + nearest + "?" : "; the fields are " + String.join(", ", known);
    }

    /** Levenshtein distance, for "did you mean". */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
