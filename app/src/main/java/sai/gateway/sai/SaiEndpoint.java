package sai.gateway.sai;

import jakarta.inject.Singleton;
import sai.gateway.config.SaiConfiguration;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the template is executed (CONTRACT.md section 1), built once from {@code SAI_URL} and
 * {@code SAI_TEMPLATE_ID}; and the same address as logs may show it, without the user-info part an
 * operator may have put credentials in.
 */
@Singleton
public final class SaiEndpoint {

    private final URI executeUri;
    /** The listed models are known at startup, so each override URI is parsed once, not per call. */
    private final Map<String, URI> overrideUris;
    private final String printable;
    private final String userInfo;

    public SaiEndpoint(SaiConfiguration sai) {
        String execute = sai.url() + "/api/templates/" + URLEncoder.encode(sai.templateId(), StandardCharsets.UTF_8).replace("+", "%20") + "/execute";
        this.executeUri = URI.create(execute);
        this.overrideUris = sai.models().stream().collect(Collectors.toUnmodifiableMap(m -> m,
                m -> URI.create(execute + "?modelOverride=" + URLEncoder.encode(m, StandardCharsets.UTF_8))));
        String authority = executeUri.getRawAuthority() == null ? "" : executeUri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        this.userInfo = at < 0 ? "" : authority.substring(0, at);
        this.printable = executeUri.getScheme() + "://" + authority.substring(at + 1) + executeUri.getRawPath();
    }

    URI uri(Optional<String> modelOverride) {
        return modelOverride.map(overrideUris::get).orElse(executeUri);
    }

    /** {@code scheme://host:port/path} of the execute call: no user info, no query. */
    public String printable() {
        return printable;
    }

    /** Text about a failed call, with the URL's user info masked should a library have quoted it. */
    String scrub(String text) {
        return userInfo.isEmpty() ? text : text.replace(userInfo, "[redacted]");
    }
}
