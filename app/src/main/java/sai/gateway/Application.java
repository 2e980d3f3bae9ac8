package sai.gateway;

import io.micronaut.runtime.Micronaut;

/** The Netty runtime: {@code java -jar app.jar} serves the gateway on port 4000. */
public class Application {

    public static void main(String[] args) {
        Micronaut.build(args).banner(false).mainClass(Application.class).start();
    }
}
