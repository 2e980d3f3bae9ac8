package sai.gateway.admin;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

import java.util.UUID;

/** The admin API on the embedded H2 database (in memory, one per class). */
@MicronautTest
class AdminApiTest extends AdminApiContract {

    @Override
    protected String databaseUrl() {
        // TEMPORARY until main's migration fix (usage_day, setting_value) is merged: DAY and VALUE are H2 keywords.
        return "jdbc:h2:mem:admin-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=DAY,VALUE";
    }
}
