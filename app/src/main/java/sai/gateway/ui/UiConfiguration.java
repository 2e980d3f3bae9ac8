package sai.gateway.ui;

import io.micronaut.context.annotation.ConfigurationProperties;
import sai.gateway.config.Setting;

import java.time.Duration;

/**
 * The operator dashboard's two knobs: how long a sign-in lasts ({@code UI_SESSION_TTL}) and how many sign-in attempts a
 * client address gets per minute ({@code UI_SIGN_IN_ATTEMPTS_PER_MINUTE}). The dashboard itself is on exactly when the
 * admin API is: {@code GATEWAY_ADMIN_KEY}.
 */
@ConfigurationProperties(UiConfiguration.PREFIX)
public record UiConfiguration(Duration sessionTtl, int signInAttemptsPerMinute) {

    public static final String PREFIX = "ui";

    public UiConfiguration {
        Setting.UI_SESSION_TTL.require(sessionTtl == null ? null : sessionTtl.toMillis() + "ms");
        Setting.UI_SIGN_IN_ATTEMPTS_PER_MINUTE.require(signInAttemptsPerMinute);
    }
}
