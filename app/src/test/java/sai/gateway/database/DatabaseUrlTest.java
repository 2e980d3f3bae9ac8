package sai.gateway.database;

import org.junit.jupiter.api.Test;
import sai.gateway.secrets.Secret;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    private static final Path DATA = Path.of("/var/lib/gateway");

    @Test
    void emptyIsAnH2FileUnderTheDataDirectoryInPostgresMode() {
        DatabaseUrl url = DatabaseUrl.of("", "", Optional.empty(), DATA);
        assertThat(url.engine()).isEqualTo(DatabaseUrl.Engine.H2);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:h2:file:/var/lib/gateway/gateway" + DatabaseUrl.H2_MODE + ";CACHE_SIZE=4096");
        assertThat(url.user()).isEqualTo("sa");
    }

    @Test
    void aPlatformUrlBecomesJdbcWithItsUserAndDecodedPassword() {
        DatabaseUrl url = DatabaseUrl.of("postgres://gw%40team:p%3Ass%2Fw0rd@db.internal:6432/gateway?sslmode=require", null,
                Optional.empty(), DATA);
        assertThat(url.engine()).isEqualTo(DatabaseUrl.Engine.POSTGRES);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/gateway?sslmode=require");
        assertThat(url.user()).isEqualTo("gw@team");
        assertThat(url.password()).map(Secret::reveal).contains("p:ss/w0rd");
        assertThat(url.toString()).doesNotContain("p:ss/w0rd").doesNotContain("gateway?");
        assertThat(DatabaseUrl.of("postgresql://u@h/db", null, Optional.empty(), DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void theVariablesWinOverTheUrlsUserAndPasswordButBlankOnesDoNot() {
        DatabaseUrl url = DatabaseUrl.of("postgres://u:url-pw@h:5432/db", "override", Optional.of(Secret.of("file-pw")), DATA);
        assertThat(url.user()).isEqualTo("override");
        assertThat(url.password()).map(Secret::reveal).contains("file-pw");
        assertThat(DatabaseUrl.of("postgres://u:url-pw@h:5432/db", " ", Optional.empty(), DATA).user()).isEqualTo("u");
    }

    @Test
    void jdbcUrlsPassAndH2GetsThePostgresModeUnlessItSetsOne() {
        assertThat(DatabaseUrl.of("jdbc:postgresql://h/db", null, Optional.empty(), DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(DatabaseUrl.of("jdbc:h2:mem:x", null, Optional.empty(), DATA).jdbcUrl()).isEqualTo("jdbc:h2:mem:x" + DatabaseUrl.H2_MODE);
        assertThat(DatabaseUrl.of("jdbc:h2:mem:x;MODE=PostgreSQL", null, Optional.empty(), DATA).jdbcUrl()).isEqualTo("jdbc:h2:mem:x;MODE=PostgreSQL");
    }

    @Test
    void otherFormsAreRefusedWithoutRepeatingTheValue() {
        for (String bad : new String[]{"mysql://u:SECRETPW@h/db", "postgres://u:SECRETPW@/db", "postgres://u:SECRETPW@h", "postgres://u:SEC RET@h/db",
                "jdbc:mysql://h/db"}) {
            assertThat(DatabaseUrl.problem(bad)).as(bad).isNotNull().doesNotContain("SECRET");
            assertThatThrownBy(() -> DatabaseUrl.of(bad, null, Optional.empty(), DATA)).hasMessageNotContaining("SECRET");
        }
        assertThat(DatabaseUrl.problem("")).isNull();
        assertThat(DatabaseUrl.problem(null)).isNull();
    }
}
