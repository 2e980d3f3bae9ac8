package sai.gateway.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/template.yaml as CloudFormation and SAM would see it for given parameter values (the others at their
 * defaults): the resources whose Condition holds, each AWS::Serverless::Function with SAM's Globals merged in (maps key
 * by key, the function's keys winning; lists global first; an intrinsic counts as one value), and the template's own
 * intrinsics evaluated: Ref to a parameter, AWS::NoValue, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition,
 * Fn::Join, Fn::FindInMap, and parameters inside Fn::Sub strings. What only AWS knows (Ref or Fn::GetAtt to a resource,
 * pseudo parameters such as AWS::Region, ${StreamingFunction.Alias}) is left as written.
 */
final class SamTemplate {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUB_NAME = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");

    private final JsonNode raw;

    private SamTemplate(JsonNode raw) {
        this.raw = raw;
    }

    static SamTemplate read(Path path) {
        try {
            return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(Files.readString(path)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** The template as written. */
    JsonNode raw() {
        return raw;
    }

    Resolved resolve(Map<String, String> parameters) {
        parameters.keySet().forEach(name -> assertThat(raw.at("/Parameters/" + name).isObject()).as("parameter %s", name).isTrue());
        return new Resolved(parameters);
    }

    final class Resolved {

        private final Map<String, JsonNode> values = new HashMap<>();
        private final Map<String, Boolean> conditions = new HashMap<>();

        private Resolved(Map<String, String> parameters) {
            raw.path("Parameters").fields().forEachRemaining(p -> {
                String value = parameters.getOrDefault(p.getKey(), p.getValue().path("Default").asText());
                if (p.getValue().path("Type").asText().equals("CommaDelimitedList")) {
                    ArrayNode items = JSON.createArrayNode();
                    Arrays.stream(value.split(",", -1)).forEach(items::add);
                    values.put(p.getKey(), items);
                } else {
                    values.put(p.getKey(), JSON.getNodeFactory().textNode(value));
                }
            });
        }

        boolean condition(String name) {
            Boolean known = conditions.get(name);
            if (known != null) {
                return known;
            }
            JsonNode definition = raw.at("/Conditions/" + name);
            assertThat(definition.isMissingNode()).as("condition %s", name).isFalse();
            boolean value = truth(evaluate(definition));
            conditions.put(name, value);
            return value;
        }

        /** Whether the resource exists for these values. */
        boolean has(String logicalId) {
            JsonNode resource = raw.at("/Resources/" + logicalId);
            assertThat(resource.isObject()).as("resource %s is in the template", logicalId).isTrue();
            return !resource.has("Condition") || condition(resource.path("Condition").asText());
        }

        /** The logical ids of the resources that exist for these values. */
        List<String> resources() {
            List<String> ids = new ArrayList<>();
            raw.path("Resources").fieldNames().forEachRemaining(id -> {
                if (has(id)) {
                    ids.add(id);
                }
            });
            return ids;
        }

        /** An existing resource's properties, evaluated; for a SAM function, with Globals merged in first. */
        JsonNode properties(String logicalId) {
            assertThat(has(logicalId)).as("%s exists for these parameters", logicalId).isTrue();
            JsonNode resource = raw.at("/Resources/" + logicalId);
            JsonNode properties = resource.path("Properties");
            if (resource.path("Type").asText().equals("AWS::Serverless::Function")) {
                properties = merge(raw.at("/Globals/Function"), properties);
            }
            JsonNode evaluated = evaluate(properties);
            return evaluated == null ? JSON.createObjectNode() : evaluated;
        }

        /** An output's value, evaluated, or null when its Condition does not hold. */
        JsonNode output(String name) {
            JsonNode output = raw.at("/Outputs/" + name);
            assertThat(output.isObject()).as("output %s is in the template", name).isTrue();
            if (output.has("Condition") && !condition(output.path("Condition").asText())) {
                return null;
            }
            return evaluate(output.path("Value"));
        }

        /** The descriptions of the template's Rules assertions these values break (CloudFormation refuses the stack). */
        List<String> brokenRules() {
            List<String> broken = new ArrayList<>();
            raw.path("Rules").fields().forEachRemaining(rule -> {
                JsonNode when = rule.getValue().path("RuleCondition");
                if (when.isMissingNode() || truth(evaluate(when))) {
                    rule.getValue().path("Assertions").forEach(a -> {
                        if (!truth(evaluate(a.path("Assert")))) {
                            broken.add(rule.getKey() + ": " + a.path("AssertDescription").asText());
                        }
                    });
                }
            });
            return broken;
        }

        JsonNode evaluate(JsonNode node) {
            if (node.isArray()) {
                ArrayNode out = JSON.createArrayNode();
                node.forEach(item -> {
                    JsonNode value = evaluate(item);
                    if (value != null) {
                        out.add(value);
                    }
                });
                return out;
            }
            if (!node.isObject()) {
                return node;
            }
            if (node.size() == 1) {
                String function = node.fieldNames().next();
                JsonNode args = node.path(function);
                switch (function) {
                    case "Ref": {
                        String name = args.asText();
                        return name.equals("AWS::NoValue") ? null : values.getOrDefault(name, node);
                    }
                    case "Condition":
                        return bool(condition(args.asText()));
                    case "Fn::If":
                        return evaluate(args.get(condition(args.get(0).asText()) ? 1 : 2));
                    case "Fn::Equals": {
                        JsonNode both = evaluate(args);
                        return bool(both.get(0).equals(both.get(1)));
                    }
                    case "Fn::Not":
                        return bool(!truth(evaluate(args.get(0))));
                    case "Fn::And": {
                        boolean all = true;
                        for (JsonNode a : args) {
                            all &= truth(evaluate(a));
                        }
                        return bool(all);
                    }
                    case "Fn::Or": {
                        boolean any = false;
                        for (JsonNode a : args) {
                            any |= truth(evaluate(a));
                        }
                        return bool(any);
                    }
                    case "Fn::Join": {
                        JsonNode joined = evaluate(args);
                        List<String> parts = new ArrayList<>();
                        for (JsonNode p : joined.get(1)) {
                            if (!p.isValueNode()) {
                                return JSON.createObjectNode().set("Fn::Join", joined);
                            }
                            parts.add(p.asText());
                        }
                        return JSON.getNodeFactory().textNode(String.join(joined.get(0).asText(), parts));
                    }
                    case "Fn::FindInMap": {
                        JsonNode keys = evaluate(args);
                        JsonNode value = raw.path("Mappings").path(keys.get(0).asText()).path(keys.get(1).asText()).path(keys.get(2).asText());
                        assertThat(value.isMissingNode()).as("Fn::FindInMap %s", keys).isFalse();
                        return value;
                    }
                    case "Fn::Sub":
                        if (args.isTextual()) {
                            return JSON.createObjectNode().put("Fn::Sub", substituteParameters(args.asText()));
                        }
                        break;
                    default:
                        break;
                }
            }
            ObjectNode out = JSON.createObjectNode();
            node.fields().forEachRemaining(f -> {
                JsonNode value = evaluate(f.getValue());
                if (value != null) {
                    out.set(f.getKey(), value);
                }
            });
            return out;
        }

        private String substituteParameters(String text) {
            Matcher m = SUB_NAME.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                JsonNode value = values.get(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(value != null && value.isTextual() ? value.asText() : m.group()));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    /** SAM's Globals merge (samtranslator.plugins.globals): local wins, maps merge, lists concatenate. */
    static JsonNode merge(JsonNode global, JsonNode local) {
        if (global == null || global.isMissingNode()) {
            return local;
        }
        if (local == null || local.isMissingNode()) {
            return global;
        }
        if (isMap(global) && isMap(local)) {
            Map<String, JsonNode> merged = new LinkedHashMap<>();
            global.fields().forEachRemaining(f -> merged.put(f.getKey(), f.getValue()));
            local.fields().forEachRemaining(f -> merged.put(f.getKey(), merge(merged.get(f.getKey()), f.getValue())));
            ObjectNode out = JSON.createObjectNode();
            merged.forEach(out::set);
            return out;
        }
        if (global.isArray() && local.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            out.addAll((ArrayNode) global);
            out.addAll((ArrayNode) local);
            return out;
        }
        return local;
    }

    private static boolean isMap(JsonNode node) {
        if (!node.isObject()) {
            return false;
        }
        if (node.size() != 1) {
            return true;
        }
        String key = node.fieldNames().next();
        return !(key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::"));
    }

    private static JsonNode bool(boolean value) {
        return JSON.getNodeFactory().booleanNode(value);
    }

    private static boolean truth(JsonNode node) {
        assertThat(node != null && node.isBoolean()).as("a condition evaluates to true or false: %s", node).isTrue();
        return node.booleanValue();
    }
}
