package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.usage.FailureCause;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageExplorer.Filter;
import sai.gateway.usage.UsageExplorer.Point;
import sai.gateway.usage.UsageExplorer.Series;
import sai.gateway.usage.UsageExplorer.Top;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The overview's numbers over one range, as the template's model: the totals, three charts (and their points as a
 * table), the top tenants, keys and models by tokens, and whose failures the errors were.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class OverviewView {

    static final int TOP = 10;
    static final int CODES = 10;
    /** SAI's side of the error mix, then the gateway's, in the order the page lists them. */
    static final List<FailureCause> SAI = List.of(FailureCause.SAI_RATE_LIMIT, FailureCause.SAI_TIMEOUT, FailureCause.SAI_UNAVAILABLE,
            FailureCause.SAI_ERROR);
    static final List<FailureCause> GATEWAY = List.of(FailureCause.GATEWAY_LIMIT, FailureCause.CLIENT_ERROR, FailureCause.GATEWAY_ERROR);

    private final UsageExplorer explorer;
    private final UiDirectory directory;
    private final UiText text;
    private final JsonMapper json;

    OverviewView(UsageExplorer explorer, UiDirectory directory, UiText text, JsonMapper json) {
        this.explorer = explorer;
        this.directory = directory;
        this.text = text;
        this.json = json;
    }

    /** One line of a top list; {@code detail} says whose a key is; {@code max} is the list's largest total, for the bar. */
    record TopRow(String id, String name, @Nullable String detail, String href, long requests, long promptTokens, long completionTokens,
                  long totalTokens, long max) {
    }

    /** One cause of the error mix; {@code share} of all failed requests, 0 to 1. */
    record MixRow(String cause, long requests, double share) {
    }

    /** SAI's failures or the gateway's side: their sum, its share of all failures, and each cause. */
    record MixSide(String side, long requests, double share, List<MixRow> causes) {
    }

    record Mix(List<MixSide> sides, long total, List<UsageExplorer.CodeCount> codes) {
    }

    /** A top list: which ({@code tenants}, {@code keys}, {@code models}), the message key of its name column, its rows. */
    record TopList(String list, String column, List<TopRow> rows) {
    }

    /** A chart point with its start as an ISO instant, for the table under the charts. */
    record PointRow(String start, Point point) {
    }

    /** @throws UsageExplorer.Unavailable the database did not answer */
    Map<String, Object> model(UiRange range, Locale locale) {
        Map<String, Object> model = new HashMap<>();
        Series series = explorer.series(range.from(), range.to(), range.bucket(), Filter.NONE);
        model.put("totals", series.totals());
        model.put("bucketWords", UiBuckets.words(range.bucket(), text, locale));
        boolean empty = series.totals().requests() == 0;
        model.put("empty", empty);
        if (empty) {
            return model;
        }
        model.put("charts", charts(series, range, locale));
        model.put("points", points(series));
        UiDirectory.Names names = directory.names();
        model.put("tops", List.of(
                new TopList("tenants", "col.tenant", top(range, "tenant", id -> orId(names.tenant(id), id), id -> null,
                        id -> "tenant?id=" + encode(id))),
                new TopList("keys", "col.key", top(range, "key", id -> orId(names.key(id), id), names::keyTenant,
                        id -> "key?id=" + encode(id))),
                new TopList("models", "col.model", top(range, "model", id -> id, id -> null,
                        id -> "usage?model=" + encode(id) + "&" + range.query()))));
        model.put("mix", mix(explorer.errorMix(range.from(), range.to(), Filter.NONE)));
        return model;
    }

    private List<UiChart> charts(Series series, UiRange range, Locale locale) {
        List<Long> x = series.points().stream().map(Point::bucketStart).toList();
        NumberFormat n = NumberFormat.getIntegerInstance(locale);
        String per = UiBuckets.words(range.bucket(), text, locale);
        UsageExplorer.Totals t = series.totals();
        List<UiChart> charts = new ArrayList<>();
        charts.add(UiChart.of(json, "chart-requests", text.get(locale, "chart.requests"),
                text.get(locale, "chart.requests.summary", n.format(t.requests()), n.format(t.errors()), per), x,
                List.of(UiChart.Series.left(text.get(locale, "stat.requests"), series.points().stream().map(Point::requests).toList()),
                        UiChart.Series.left(text.get(locale, "stat.errors"), series.points().stream().map(Point::errors).toList()))));
        charts.add(UiChart.of(json, "chart-tokens", text.get(locale, "chart.tokens"),
                text.get(locale, "chart.tokens.summary", n.format(t.promptTokens()), n.format(t.completionTokens()), per), x,
                List.of(UiChart.Series.left(text.get(locale, "stat.tokensIn"), series.points().stream().map(Point::promptTokens).toList()),
                        UiChart.Series.left(text.get(locale, "stat.tokensOut"), series.points().stream().map(Point::completionTokens).toList()))));
        charts.add(UiChart.of(json, "chart-latency", text.get(locale, "chart.latency"),
                text.get(locale, "chart.latency.summary", orDash(t.p50LatencyMs(), n), orDash(t.p95LatencyMs(), n), per), x,
                List.of(UiChart.Series.left(text.get(locale, "stat.p50"), series.points().stream().map(Point::p50LatencyMs).toList()),
                        UiChart.Series.left(text.get(locale, "stat.p95"), series.points().stream().map(Point::p95LatencyMs).toList()))));
        return charts;
    }

    private List<TopRow> top(UiRange range, String dimension, Function<String, String> name, Function<String, String> detail,
                             Function<String, String> href) {
        List<Top> top = explorer.top(range.from(), range.to(), dimension, TOP, Filter.NONE);
        long max = top.stream().mapToLong(Top::totalTokens).max().orElse(0);
        return top.stream().map(t -> new TopRow(t.name(), name.apply(t.name()), detail.apply(t.name()), href.apply(t.name()), t.requests(),
                t.promptTokens(), t.completionTokens(), t.totalTokens(), max)).toList();
    }

    static List<PointRow> points(Series series) {
        return series.points().stream().map(p -> new PointRow(Instant.ofEpochSecond(p.bucketStart()).toString(), p)).toList();
    }

    static Mix mix(UsageExplorer.ErrorMix mix) {
        Function<FailureCause, MixRow> row = cause -> new MixRow(cause.name().toLowerCase(Locale.ROOT), mix.byCause().get(cause),
                mix.failures() == 0 ? 0 : (double) mix.byCause().get(cause) / mix.failures());
        double total = Math.max(1, mix.failures());
        return new Mix(List.of(new MixSide("sai", mix.saiFailures(), mix.saiFailures() / total, SAI.stream().map(row).toList()),
                new MixSide("gateway", mix.gatewayFailures(), mix.gatewayFailures() / total, GATEWAY.stream().map(row).toList())),
                mix.failures(), mix.byCode().stream().limit(CODES).toList());
    }

    private static String orId(@Nullable String name, String id) {
        return name == null ? id : name;
    }

    private static String orDash(@Nullable Long value, NumberFormat n) {
        return value == null ? "–" : n.format(value);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
