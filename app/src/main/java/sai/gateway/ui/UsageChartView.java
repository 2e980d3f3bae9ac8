package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageExplorer.Filter;
import sai.gateway.usage.UsageExplorer.Point;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * A tenant's or a key's last seven days on its own page: requests and tokens in and out per hour, as ui.js draws
 * them. Null when the usage cannot be read: the page still answers, without the chart.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UsageChartView {

    static final Duration RANGE = Duration.ofDays(7);
    static final Duration BUCKET = Duration.ofHours(1);

    private final UsageExplorer explorer;
    private final JsonMapper json;
    private final UiText text;

    UsageChartView(UsageExplorer explorer, JsonMapper json, UiText text) {
        this.explorer = explorer;
        this.json = json;
        this.text = text;
    }

    @Nullable
    String lastWeek(Filter filter, Locale locale) {
        Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(BUCKET);
        try {
            List<Point> points = explorer.series(to.minus(RANGE), to, BUCKET, filter).points();
            return UiChart.of(json, "usage", text.get(locale, "chart.title"), "", points.stream().map(Point::bucketStart).toList(),
                    List.of(UiChart.Series.right(text.get(locale, "stat.requests"), points.stream().map(Point::requests).toList()),
                            UiChart.Series.left(text.get(locale, "stat.tokensIn"), points.stream().map(Point::promptTokens).toList()),
                            UiChart.Series.left(text.get(locale, "stat.tokensOut"), points.stream().map(Point::completionTokens).toList())))
                    .json();
        } catch (UsageExplorer.Unavailable e) {
            return null;
        }
    }

    static Filter tenant(String id) {
        return new Filter(id, null, null, null, null);
    }

    static Filter key(String id) {
        return new Filter(null, id, null, null, null);
    }
}
