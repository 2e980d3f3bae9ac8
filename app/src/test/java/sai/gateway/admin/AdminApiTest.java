package sai.gateway.admin;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

import java.util.UUID;

/** The admin API on the embedded H2 database (in memory, one per class). */
@MicronautTest
class AdminApiTest extends AdminApiContract {

    @Override
    protected String databaseUrl() {
        return "jdbc:h2:mem:admin-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
