package sai.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Optional;
import sai.gateway.secrets.Secret;

/**
 * Who a request counts against for the per-client limits: the gateway access key it presented, else the
 * user's SAI key or cookie, else the address it came from. Always a hash: the limits' keys (in memory or in
 * Redis) never hold a credential.
 */
public final class ClientIdentity {

    private ClientIdentity() {
    }

    /** The key (an access key or a virtual key, Bearer or x-api-key) is the one the access filter admitted the request by. */
    public static String of(HttpRequest<?> request, CredentialPlan plan) {
        Optional<Secret> key = request.getAttribute(GatewayAccessFilter.ADMITTED_KEY, Secret.class);
        if (key.isPresent()) {
            return "key:" + hash(key.get().reveal());
        }
        UpstreamCredential primary = plan.primary();
        if (primary.kind() == CredentialKind.USER_KEY || primary.kind() == CredentialKind.USER_COOKIE) {
            return "user:" + hash(primary.value().reveal());
        }
        return byAddress(request);
    }

    /** The client by its address alone, hashed like every other identity here (a dashboard sign-in has no key yet). */
    public static String byAddress(HttpRequest<?> request) {
        return "ip:" + hash(address(request.getRemoteAddress()));
    }

    private static String address(@Nullable InetSocketAddress remote) {
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    private static String hash(String value) {
        return HexFormat.of().formatHex(Secret.sha256(value), 0, 16);
    }
}
