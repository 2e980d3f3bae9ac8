package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * What the raw-event and Secrets Manager tests share: WireMock standing in for SAI, API Gateway event
 * fixtures read as the Lambda runtime would hand them over, and application contexts built exactly as
 * the handlers build theirs on AWS ({@link LambdaApplicationContextBuilder}: environments
 * {@code function} and {@code lambda}, every singleton created at init), with test settings on top.
 */
final class LambdaFixture {

    static final String TEMPLATE_ID = "tpl-42";
    static final String EXECUTE_PATH = "/api/templates/" + TEMPLATE_ID + "/execute";
    static final String SYSTEM_KEY = "sys-KEY-lambda-5f4e3d";
    static final String SYSTEM_COOKIE = "session=sys-COOKIE-lambda-9a8b";

    private static final ObjectMapper EVENTS = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LambdaFixture() {
    }

    static WireMockServer startSai() {
        WireMockServer sai = new WireMockServer(options().dynamicPort());
        sai.start();
        return sai;
    }

    /** The settings every test needs: where SAI is, and short retry delays. */
    static Map<String, Object> gatewayProperties(WireMockServer sai) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("sai.url", sai.baseUrl());
        properties.put("sai.template-id", TEMPLATE_ID);
        properties.put("sai.models", "sai-model,claude-sonnet-4-5-20250929");
        properties.put("sai.retry-delay", "10ms");
        properties.put("sai.max-retries", "1");
        properties.put("gateway.locale", "en");
        return properties;
    }

    static ApplicationContext lambdaContext(Map<String, Object> properties, Object... singletons) {
        LambdaApplicationContextBuilder builder = new LambdaApplicationContextBuilder();
        builder.properties(properties);
        builder.singletons(singletons);
        return builder.build();
    }

    static APIGatewayProxyRequestEvent restEvent(String name) {
        return read(name, APIGatewayProxyRequestEvent.class);
    }

    static APIGatewayV2HTTPEvent httpEvent(String name) {
        return read(name, APIGatewayV2HTTPEvent.class);
    }

    private static <T> T read(String name, Class<T> type) {
        try (InputStream in = LambdaFixture.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            return EVENTS.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
