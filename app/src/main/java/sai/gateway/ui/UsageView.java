package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageExplorer.Point;
import sai.gateway.usage.UsageExplorer.Series;

import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The usage explorer's model: the filters' choices, the filtered totals and chart, and the grouped table. */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UsageView {

    private final UsageExplorer explorer;
    private final UiDirectory directory;
    private final UiText text;
    private final JsonMapper json;
    private final List<String> models;

    UsageView(UsageExplorer explorer, UiDirectory directory, UiText text, JsonMapper json, SaiConfiguration sai) {
        this.explorer = explorer;
        this.directory = directory;
        this.text = text;
        this.json = json;
        this.models = sai.models();
    }

    /**
     * The filters' choices: tenants, keys (the chosen tenant's), SAI_MODELS; a value asked for that is not among
     * them (a model no longer configured) is kept as a choice, so the form shows what the table is filtered by.
     *
     * @throws io.micronaut.data.exceptions.DataAccessException the database did not answer
     */
    Map<String, Object> options(UsageForm form) {
        Map<String, Object> model = new HashMap<>();
        model.put("tenants", directory.tenants(form.tenant()));
        model.put("keys", directory.keys(form.tenant(), form.key()));
        List<String> modelChoices = new ArrayList<>(models);
        if (form.model() != null && !modelChoices.contains(form.model())) {
            modelChoices.add(0, form.model());
        }
        model.put("models", modelChoices);
        return model;
    }

    /** @throws UsageExplorer.Unavailable the database did not answer */
    Map<String, Object> model(UsageForm form, Locale locale) {
        Map<String, Object> model = new HashMap<>();
        UiRange range = form.range();
        Series series = explorer.series(range.from(), range.to(), range.bucket(), form.filter());
        model.put("totals", series.totals());
        model.put("bucketWords", UiBuckets.words(range.bucket(), text, locale));
        model.put("empty", series.totals().requests() == 0);
        model.put("table", table(form, locale));
        model.put("csvHref", "usage.csv?" + form.query());
        if (series.totals().requests() > 0) {
            model.put("chart", chart(series, range, locale));
            model.put("points", OverviewView.points(series));
        }
        return model;
    }

    /** @throws UsageExplorer.Unavailable the database did not answer */
    UsageTable table(UsageForm form, Locale locale) {
        UsageExplorer.Groups groups = explorer.grouped(form.range().from(), form.range().to(), form.groups(), form.filter(), form.rows());
        return UsageTable.of(form, groups, directory.names(), text, locale);
    }

    private UiChart chart(Series series, UiRange range, Locale locale) {
        NumberFormat n = NumberFormat.getIntegerInstance(locale);
        UsageExplorer.Totals t = series.totals();
        return UiChart.of(json, "chart-usage", text.get(locale, "chart.usage"),
                text.get(locale, "chart.usage.summary", n.format(t.requests()), n.format(t.errors()),
                        n.format(t.promptTokens() + t.completionTokens()), UiBuckets.words(range.bucket(), text, locale)),
                series.points().stream().map(Point::bucketStart).toList(),
                List.of(UiChart.Series.left(text.get(locale, "stat.requests"), series.points().stream().map(Point::requests).toList()),
                        UiChart.Series.left(text.get(locale, "stat.errors"), series.points().stream().map(Point::errors).toList()),
                        UiChart.Series.right(text.get(locale, "stat.tokens"),
                                series.points().stream().map(p -> p.promptTokens() + p.completionTokens()).toList())));
    }
}
