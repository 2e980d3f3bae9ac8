package sai.gateway.database;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without GATEWAY_ADMIN_KEY nothing of tenancy exists: no pool, no migration, no file under DATA_DIR. */
class TenancyOffTest {

    @Test
    void withoutAnAdminKeyNoDatabaseIsOpened(@TempDir Path dataDir) {
        try (ApplicationContext context = ApplicationContext.run(Map.of("sai.url", "http://127.0.0.1:9", "sai.template-id", "t",
                "secrets.sai-key", "k", "tenancy.data-dir", dataDir.toString()))) {
            assertThat(context.containsBean(DataSource.class)).as("a data source bean").isFalse();
            assertThat(dataDir).isEmptyDirectory();
            assertThat(context.getBeansOfType(sai.gateway.tenancy.KeyDirectory.class)).isEmpty();
        }
        assertThat(Files.exists(dataDir.resolve("gateway.mv.db"))).isFalse();
    }
}
