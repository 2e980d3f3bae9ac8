package sai.gateway.lambda;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.secrets.EnvironmentSecretSource;
import sai.gateway.secrets.Secret;
import sai.gateway.secrets.SecretSource;
import sai.gateway.secrets.SecretsConfiguration;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * {@code SAI_KEY}, {@code SAI_COOKIE} and {@code GATEWAY_API_KEYS} from one AWS Secrets Manager secret
 * (a JSON object with those fields), when {@code SAI_SECRET_ID} is set; it then replaces the environment
 * and file source entirely.
 *
 * <p>Read at startup (a missing or unusable secret stops the function with a message naming it), then
 * kept for {@code SAI_SECRET_TTL} and read again by the first request after that: a frozen Lambda runs
 * no background timer, so the refresh happens on the request path, once per TTL. A read that fails
 * (after the SDK's retries with backoff), or a new version that is unusable, leaves the values already
 * held in place and is tried again {@link #FAILED_READ_PAUSE} later. SAI refusing a system credential
 * triggers one early read ({@link #reloadAfterRejection()}), at most once per {@link #EARLY_READ_PAUSE}
 * so a key that is really wrong cannot turn every request into a Secrets Manager call.
 */
@Singleton
@Requires(property = AwsSecretConfiguration.SECRET_ID, pattern = AwsSecretConfiguration.PRESENT)
public final class SecretsManagerSecretSource implements SecretSource {

    static final String SAI_KEY = "SAI_KEY";
    static final String SAI_COOKIE = "SAI_COOKIE";
    static final String GATEWAY_API_KEYS = "GATEWAY_API_KEYS";
    static final Duration EARLY_READ_PAUSE = Duration.ofSeconds(10);
    static final Duration FAILED_READ_PAUSE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerSecretSource.class);

    private final SecretsManagerClient client;
    private final JsonMapper json;
    private final String secretId;
    private final long ttlNanos;
    private final boolean requireGatewayApiKeys;
    private final LongSupplier nanoClock;

    private volatile Snapshot snapshot;
    private long lastEarlyReadNanos;
    private boolean earlyReadDone;

    @Inject
    public SecretsManagerSecretSource(SecretsManagerClient client, JsonMapper json, AwsSecretConfiguration config,
                                      @Value("${secrets.require-gateway-api-keys:false}") boolean requireGatewayApiKeys,
                                      SecretsConfiguration environment, Environment properties) {
        this(client, json, config, requireGatewayApiKeys, System::nanoTime, readAtBootstrap(properties, config.secretId()));
        List<String> ignored = Stream.of(
                        Map.entry(SAI_KEY, nullToEmpty(environment.saiKey()) + nullToEmpty(environment.saiKeyFile())),
                        Map.entry(SAI_COOKIE, nullToEmpty(environment.saiCookie()) + nullToEmpty(environment.saiCookieFile())),
                        Map.entry(GATEWAY_API_KEYS, nullToEmpty(environment.gatewayApiKeys()) + nullToEmpty(environment.gatewayApiKeysFile())))
                .filter(e -> !e.getValue().isBlank())
                .map(Map.Entry::getKey)
                .toList();
        if (!ignored.isEmpty()) {
            LOG.warn("[SECRETS] SAI_SECRET_ID is set, so {} from the environment (or *_FILE) are ignored: the secret is the one source", ignored);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    SecretsManagerSecretSource(SecretsManagerClient client, JsonMapper json, AwsSecretConfiguration config,
                               boolean requireGatewayApiKeys, LongSupplier nanoClock) {
        this(client, json, config, requireGatewayApiKeys, nanoClock, null);
    }

    private SecretsManagerSecretSource(SecretsManagerClient client, JsonMapper json, AwsSecretConfiguration config,
                                       boolean requireGatewayApiKeys, LongSupplier nanoClock, @Nullable SecretDocument readAtBootstrap) {
        this.client = client;
        this.json = json;
        this.secretId = config.secretId();
        this.ttlNanos = config.ttl().toNanos();
        this.requireGatewayApiKeys = requireGatewayApiKeys;
        this.nanoClock = nanoClock;
        // throws: the function does not start without its credentials
        Values values = readAtBootstrap != null ? values(readAtBootstrap) : read();
        this.snapshot = new Snapshot(values, nanoClock.getAsLong() + ttlNanos);
        LOG.info("[SECRETS] system credentials from AWS Secrets Manager secret {} (version {}): {}; re-read every {}",
                secretId, values.versionId(), values.summary(), config.ttl());
    }

    @Override
    public Optional<Secret> saiKey() {
        return current().saiKey();
    }

    @Override
    public Optional<Secret> saiCookie() {
        return current().saiCookie();
    }

    @Override
    public List<Secret> gatewayApiKeys() {
        return current().gatewayApiKeys();
    }

    @Override
    public synchronized boolean reloadAfterRejection() {
        long now = nanoClock.getAsLong();
        if (earlyReadDone && now - lastEarlyReadNanos < EARLY_READ_PAUSE.toNanos()) {
            return false;
        }
        earlyReadDone = true;
        lastEarlyReadNanos = now;
        Values before = snapshot.values();
        return !refresh("SAI refused a system credential").sameAs(before);
    }

    /** After a SnapStart restore: the snapshot may be days old, and a rotation may have happened since. */
    public void reloadNow(String reason) {
        refresh(reason);
    }

    @Override
    public String describe() {
        return "AWS Secrets Manager secret " + secretId;
    }

    private Values current() {
        Snapshot s = snapshot;
        if (nanoClock.getAsLong() - s.refreshDueNanos() < 0) {
            return s.values();
        }
        synchronized (this) {
            s = snapshot;
            if (nanoClock.getAsLong() - s.refreshDueNanos() < 0) {
                return s.values(); // another request refreshed meanwhile
            }
            return refresh("SAI_SECRET_TTL elapsed");
        }
    }

    private synchronized Values refresh(String reason) {
        Values held = snapshot.values();
        try {
            Values fresh = read();
            snapshot = new Snapshot(fresh, nanoClock.getAsLong() + ttlNanos);
            if (!fresh.sameAs(held)) {
                LOG.info("[SECRETS] {}: secret {} read again, new values in use (version {}): {}", reason, secretId, fresh.versionId(),
                        fresh.summary());
            }
            return fresh;
        } catch (RuntimeException e) {
            // Serving the values held beats failing every request while Secrets Manager is throttling or away.
            snapshot = new Snapshot(held, nanoClock.getAsLong() + Math.min(ttlNanos, FAILED_READ_PAUSE.toNanos()));
            LOG.warn("[SECRETS] {}: reading secret {} failed, keeping the values read before (version {}): {}", reason, secretId,
                    held.versionId(), e.getMessage());
            return held;
        }
    }

    /** One GetSecretValue call, parsed and checked. Never logs or quotes the content. */
    private Values read() {
        return values(SecretDocument.read(client, json, secretId));
    }

    /**
     * The document {@link TenancySecretLocator} read moments before, while the context was starting: init reads the
     * secret once, not twice. Only the same secret counts (a test may build this source by hand).
     */
    @Nullable
    private static SecretDocument readAtBootstrap(Environment properties, String secretId) {
        return properties.getPropertySources().stream()
                .filter(TenancySecretLocator.SecretPropertySource.class::isInstance)
                .map(s -> ((TenancySecretLocator.SecretPropertySource) s).document())
                .filter(d -> d.secretId().equals(secretId))
                .findFirst().orElse(null);
    }

    private Values values(SecretDocument secret) {
        Optional<Secret> key = secret.field(SAI_KEY).map(Secret::of);
        Optional<Secret> cookie = secret.field(SAI_COOKIE).map(Secret::of);
        if (key.isEmpty() && cookie.isEmpty()) {
            throw secret.invalid("has neither " + SAI_KEY + " nor " + SAI_COOKIE + ": the gateway needs at least one system credential for SAI");
        }
        List<Secret> accessKeys = secret.field(GATEWAY_API_KEYS).map(EnvironmentSecretSource::splitKeys).orElse(List.of());
        if (requireGatewayApiKeys && accessKeys.isEmpty()) {
            throw secret.invalid("has no " + GATEWAY_API_KEYS + ", and GATEWAY_REQUIRE_API_KEYS is true");
        }
        return new Values(key, cookie, accessKeys, secret.versionId());
    }

    private record Snapshot(Values values, long refreshDueNanos) {
    }

    private record Values(Optional<Secret> saiKey, Optional<Secret> saiCookie, List<Secret> gatewayApiKeys, String versionId) {

        boolean sameAs(Values other) {
            return saiKey.equals(other.saiKey) && saiCookie.equals(other.saiCookie) && gatewayApiKeys.equals(other.gatewayApiKeys);
        }

        /** What is set, never what it is. */
        String summary() {
            return "SAI_KEY " + (saiKey.isPresent() ? "set" : "absent") + ", SAI_COOKIE " + (saiCookie.isPresent() ? "set" : "absent")
                    + ", " + gatewayApiKeys.size() + " access key(s)";
        }

        @Override
        public String toString() {
            return "Values[" + summary() + ", version " + versionId + "]";
        }
    }
}
