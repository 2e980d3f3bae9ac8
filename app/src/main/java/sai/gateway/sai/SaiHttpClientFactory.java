package sai.gateway.sai;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.LoadBalancer;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import sai.gateway.config.SaiConfiguration;

import java.net.URI;

/**
 * The one pooled, non-blocking client for SAI. Timeouts come from {@code SAI_CONNECT_TIMEOUT} and
 * {@code REQUEST_TIMEOUT}; TLS verification uses the JVM trust store (never trust-all).
 *
 * <p>Made by the application's client registry, so it runs on the application's default event loops, the ones that
 * serve the requests: a SAI call's connection is then taken on the loop of the request that makes it, and its answer
 * arrives there too. {@code HttpClient.create} gave the client event loops of its own, and every request crossed
 * between threads twice (issue 16's note).
 */
@Factory
public class SaiHttpClientFactory {

    /** SAI answers arrive whole; a long answer is text, but leave room for very long ones. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    @Bean(preDestroy = "close")
    @Singleton
    @Named("sai")
    HttpClient saiHttpClient(SaiConfiguration sai, HttpClientRegistry<HttpClient> clients, BeanContext context) {
        DefaultHttpClientConfiguration config = new DefaultHttpClientConfiguration();
        config.setConnectTimeout(sai.connectTimeout());
        config.setReadTimeout(sai.requestTimeout());
        config.setMaxContentLength(MAX_ANSWER_BYTES);
        config.setFollowRedirects(false);
        config.getConnectionPoolConfiguration().setEnabled(true);
        config.getConnectionPoolConfiguration().setMaxConcurrentHttp1Connections(512);
        return clients.resolveClient(null, LoadBalancer.fixed(URI.create(sai.url())), config, context);
    }
}
