package sai.gateway.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.admin.AdminWire.UsageRow;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV writer on values the gateway's own requests cannot produce: hostile text, quoting, line ends. */
class UsageCsvTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "=cmd()|'=cmd()",
            "+1|'+1",
            "-2|'-2",
            "@SUM(A1)|'@SUM(A1)",
            "sai-model|sai-model",
            "a=b|a=b",
            "`'=x`|`'=x`"})
    void aCellThatASpreadsheetWouldRunGetsALeadingQuote(String value, String written) {
        assertThat(new UsageCsv().text(value).endRow().toString()).isEqualTo(written + "\r\n");
    }

    @Test
    void tabsAndCarriageReturnsAtTheStartAreGuardedToo() {
        assertThat(UsageCsv.guarded("\t=1+1")).isEqualTo("'\t=1+1");
        assertThat(UsageCsv.guarded("\r=1+1")).isEqualTo("'\r=1+1");
        // CR makes the cell quoted as well: the reader gets the guarded text back, not two lines.
        assertThat(new UsageCsv().text("\r=1+1").endRow().toString()).isEqualTo("\"'\r=1+1\"\r\n");
    }

    @Test
    void commasQuotesAndLineBreaksAreQuotedAndReadBackUnchanged() {
        List<String> values = List.of("a,b", "say \"hi\"", "two\nlines", "cr\rlf\r\n", "", "plain", "=HYPERLINK(\"http://x\",\"y\")");

        UsageCsv csv = new UsageCsv();
        values.forEach(csv::text);
        String text = csv.number(42).endRow().toString();

        assertThat(text).startsWith("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",").endsWith(",42\r\n");
        List<List<String>> read = Rfc4180.parse(text);
        assertThat(read).hasSize(1);
        assertThat(read.get(0)).containsExactly("a,b", "say \"hi\"", "two\nlines", "cr\rlf\r\n", "", "plain",
                "'=HYPERLINK(\"http://x\",\"y\")", "42");
    }

    @Test
    void theFileHasTheGroupedColumnsThenTheNumbersAndGuardsAHostileModelId() {
        UsageQuery query = UsageQuery.of("1735689600", "1735776000", "key,model", null, null, null, Instant.now());
        UsageRow row = new UsageRow(null, null, "key_1", "=cmd()", 3, 1, 10, 20, 30, 2, 41, 250);

        List<List<String>> read = Rfc4180.parse(UsageController.csv(query, List.of(row)));

        assertThat(read).containsExactly(
                List.of("key_id", "model", "requests", "errors", "prompt_tokens", "completion_tokens", "total_tokens", "cache_hits", "avg_latency_ms",
                        "tokens_saved"),
                List.of("key_1", "'=cmd()", "3", "1", "10", "20", "30", "2", "250", "41"));
    }

    @Test
    void noRowsIsTheHeaderAlone() {
        UsageQuery query = UsageQuery.of(null, null, null, null, null, null, Instant.now());

        assertThat(UsageController.csv(query, List.of()))
                .isEqualTo("day,requests,errors,prompt_tokens,completion_tokens,total_tokens,cache_hits,avg_latency_ms,tokens_saved\r\n");
    }
}
