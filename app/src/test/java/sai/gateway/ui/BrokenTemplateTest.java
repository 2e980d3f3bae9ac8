package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.views.ModelAndView;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiFakeTest;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page whose template fails while it is drawn is answered, with a 500 page, and at once: left to Micronaut Views it
 * was drawn while the answer was being written, and the browser waited for an answer that never came.
 */
@MicronautTest(transactional = false)
class BrokenTemplateTest extends SaiFakeTest {
    private static final String KEY = "broken-" + UUID.randomUUID();

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(KEY, "broken");
        properties.put("spec.name", "BrokenTemplateTest");
        return properties;
    }

    /** A page of this test only, drawn from src/test/resources/views/ui/broken.html, whose expression fails. */
    @Controller("/ui")
    @Requires(property = "spec.name", value = "BrokenTemplateTest")
    static class BrokenController {
        @Get(uri = "/broken", produces = MediaType.TEXT_HTML)
        HttpResponse<?> broken(HttpRequest<?> request) {
            Map<String, Object> model = UiModel.page(request, "broken");
            model.put("thing", new Object());
            return HttpResponse.ok(new ModelAndView<>("ui/broken", model));
        }
    }

    @Test
    void aTemplateThatFailsIsAnswered500InsteadOfNever() {
        UiClient operator = new UiClient(baseUrl()).signedIn(KEY);

        // UiClient's requests time out after 30 s: before the fix this one did.
        var broken = operator.get("/ui/broken");

        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(broken.body()).contains("could not be drawn").doesNotContain("nothingHere", "OGNL", "Exception");
        assertThat(operator.get("/ui/").statusCode()).as("the next page").isEqualTo(200);
    }
}
