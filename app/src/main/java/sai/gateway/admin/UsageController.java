package sai.gateway.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import sai.gateway.admin.AdminWire.UsageList;
import sai.gateway.admin.AdminWire.UsageRow;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.error.UnavailableException;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import io.micronaut.http.HttpRequest;
import sai.gateway.usage.UsageTotals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * Usage totals from the daily roll-ups, as JSON or as a CSV file for a spreadsheet. Requests still waiting in the
 * usage writer's queue (a second or so) are not in them yet.
 */
@Controller("/admin")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Usage")
@SecurityRequirement(name = AdminOpenApi.SCHEME)
class UsageController {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UsageController.class);

    static final String CSV = "text/csv";
    private static final String FROM = "Unix seconds or a UTC date YYYY-MM-DD (its start). Default: 30 days before to. Days count whole.";
    private static final String TO = "Unix seconds (exclusive) or a UTC date YYYY-MM-DD (included, up to its end). Default: now. "
            + "At most 400 days after from.";
    private static final String GROUP_BY = "Comma-separated, any of day, tenant, key, model. Default: day.";

    private final UsageTotals totals;

    UsageController(UsageTotals totals) {
        this.totals = totals;
    }

    @Operation(summary = "Usage totals", description = "Requests, errors, tokens, cache hits and mean latency per group, sorted by "
            + "day, tenant, key, model. 503 usage_unavailable when the database does not answer.")
    @Get(uri = "/usage", produces = MediaType.APPLICATION_JSON)
    UsageList usage(@Parameter(description = FROM) @Nullable @QueryValue String from,
                    @Parameter(description = TO) @Nullable @QueryValue String to,
                    @Parameter(description = GROUP_BY) @Nullable @QueryValue("group_by") String groupBy,
                    @Parameter(description = "Only this tenant's usage.") @Nullable @QueryValue("tenant_id") String tenantId,
                    @Parameter(description = "Only this key's usage.") @Nullable @QueryValue("key_id") String keyId,
                    @Parameter(description = "Only this model's usage.") @Nullable @QueryValue String model, HttpRequest<?> request) {
        UsageQuery query = UsageQuery.of(from, to, groupBy, tenantId, keyId, model, Instant.now());
        return UsageList.of(query, rows(query, request));
    }

    @Operation(summary = "Usage totals as a CSV file", description = "The columns of GET /admin/usage (the grouped ones, then the numbers), "
            + "RFC 4180, UTF-8, CRLF. A text cell starting with = + - @, a tab or a CR is written with a leading ' so that "
            + "spreadsheets do not run it as a formula.")
    @ApiResponse(responseCode = "200", description = "The file.",
            content = @Content(mediaType = CSV, schema = @Schema(type = "string")),
            headers = @Header(name = "Content-Disposition", description = "attachment; filename=\"usage-<from>-<to>.csv\" (unix seconds)"))
    @Get(uri = "/usage.csv", produces = CSV)
    HttpResponse<byte[]> csv(@Parameter(description = FROM) @Nullable @QueryValue String from,
                             @Parameter(description = TO) @Nullable @QueryValue String to,
                             @Parameter(description = GROUP_BY) @Nullable @QueryValue("group_by") String groupBy,
                             @Parameter(description = "Only this tenant's usage.") @Nullable @QueryValue("tenant_id") String tenantId,
                             @Parameter(description = "Only this key's usage.") @Nullable @QueryValue("key_id") String keyId,
                             @Parameter(description = "Only this model's usage.") @Nullable @QueryValue String model, HttpRequest<?> request) {
        UsageQuery query = UsageQuery.of(from, to, groupBy, tenantId, keyId, model, Instant.now());
        byte[] file = csv(query, rows(query, request)).getBytes(StandardCharsets.UTF_8);
        String name = "usage-" + query.from().getEpochSecond() + "-" + query.to().getEpochSecond() + ".csv";
        return HttpResponse.ok(file).contentType(CSV + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    private List<UsageRow> rows(UsageQuery query, HttpRequest<?> request) {
        try {
            return totals.totals(query.from(), query.to(), new HashSet<>(query.groupBy()), query.tenantId(), query.keyId(), query.model())
                    .stream().map(UsageRow::of).toList();
        } catch (UsageTotals.Unavailable e) {
            // The reason (the cause's class and SQL state) for the operator; the caller gets the 503 without it.
            new RequestLog(LOG, RequestIds.of(request)).warn("[ADMIN] {} {} answered 503: {}", request.getMethodName(), request.getPath(), e.getMessage());
            throw UnavailableException.usage();
        }
    }

    static String csv(UsageQuery query, List<UsageRow> rows) {
        UsageCsv out = new UsageCsv();
        for (String group : query.groupBy()) {
            out.text(UsageRow.GROUP_COLUMNS.get(group));
        }
        UsageRow.NUMBER_COLUMNS.forEach(out::text);
        out.endRow();
        for (UsageRow row : rows) {
            for (String group : query.groupBy()) {
                out.text(row.group(group));
            }
            for (long number : row.numbers()) {
                out.number(number);
            }
            out.endRow();
        }
        return out.toString();
    }
}
