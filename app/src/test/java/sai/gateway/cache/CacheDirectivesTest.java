package sai.gateway.cache;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The request's Cache-Control as the response cache reads it (RFC 9111 section 5.2.1). */
class CacheDirectivesTest {

    @ParameterizedTest(name = "Cache-Control: [{0}] Pragma: [{1}] -> read {2}, write {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null | null | true | true",
            "max-age=0 | null | true | true",
            "no-cache | null | false | true",
            "No-Cache | null | false | true",
            "max-age=0, no-cache | null | false | true",
            "  no-cache  ,private | null | false | true",
            "no-cache=\"set-cookie\" | null | false | true",
            "no-store | null | false | false",
            "NO-STORE, max-age=5 | null | false | false",
            "no-cache;;no-store | null | false | false",
            "no-cachex | null | true | true",
            "null | no-cache | false | true",
            "null | whatever | true | true",
            "no-cache,no-store | no-cache | false | false"})
    void readsNoCacheAndNoStore(String cacheControl, String pragma, boolean read, boolean write) {
        List<String> headers = cacheControl == null ? List.of() : Arrays.asList(cacheControl.split(";;"));

        CacheTicket ticket = CacheDirectives.ticket("k", headers, pragma);

        assertThat(ticket.read()).isEqualTo(read);
        assertThat(ticket.write()).isEqualTo(write);
        assertThat(ticket.key()).isEqualTo("k");
    }
}
