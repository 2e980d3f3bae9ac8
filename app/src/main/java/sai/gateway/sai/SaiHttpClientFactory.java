package sai.gateway.sai;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import sai.gateway.config.SaiConfiguration;

import java.net.MalformedURLException;
import java.net.URI;

/**
 * The one pooled, non-blocking client for SAI. Timeouts come from {@code SAI_CONNECT_TIMEOUT} and
 * {@code REQUEST_TIMEOUT}; TLS verification uses the JVM trust store (never trust-all).
 */
@Factory
public class SaiHttpClientFactory {

    /** SAI answers arrive whole; a long answer is text, but leave room for very long ones. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    @Bean(preDestroy = "close")
    @Singleton
    @Named("sai")
    HttpClient saiHttpClient(SaiConfiguration sai) throws MalformedURLException {
        DefaultHttpClientConfiguration config = new DefaultHttpClientConfiguration();
        config.setConnectTimeout(sai.connectTimeout());
        config.setReadTimeout(sai.requestTimeout());
        config.setMaxContentLength(MAX_ANSWER_BYTES);
        config.setFollowRedirects(false);
        config.getConnectionPoolConfiguration().setEnabled(true);
        config.getConnectionPoolConfiguration().setMaxConcurrentHttp1Connections(512);
        return HttpClient.create(URI.create(sai.url()).toURL(), config);
    }
}
