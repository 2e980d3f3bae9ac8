package sai.gateway.cache;

import sai.gateway.sai.SaiAnswer;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Where cached answers live: this process, or Redis. Asynchronous, so the event loop never waits on Redis; never fails. */
interface AnswerStore {

    /** The entry, or empty when there is none, it expired, or the store cannot be reached. */
    CompletableFuture<Optional<SaiAnswer>> find(String key);

    /** Keeps the answer for the TTL; completes when it is kept or failed to be (a failure is the store's to log, never the request's). */
    CompletableFuture<Void> keep(String key, SaiAnswer answer);
}
