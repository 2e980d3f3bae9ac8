package sai.gateway.lambda;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import sai.gateway.auth.GatewayAccessFilter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SnapStart in the streaming mode: the Lambda Web Adapter (v1.1.0 and later) calls {@value #PATH} after a restore
 * ({@code AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH}, set by the SAM template), and the restore steps of the buffered mode
 * run: the secret and the tenants' keys are read again, since the snapshot may be days old. A failure there is logged
 * and answered 204 all the same, as in the buffered mode: a non-2xx would fail the restore, and the next refresh
 * reads them anyway.
 *
 * <p>The adapter answers 403 to outside requests for a hook path itself. The path is public for the gateway's
 * access keys (the adapter sends none), so a call is also limited to one per {@value #MIN_SECONDS_APART} seconds:
 * through an older adapter that forwards it, a stranger could only make the function re-read its secret that often.
 */
@Controller
@Requires(env = "streaming")
final class SnapStartHookController {

    static final String PATH = GatewayAccessFilter.LAMBDA_RESTORE_HOOK;
    private static final long MIN_SECONDS_APART = 10;

    private final SnapStartRestoreHook hook;
    private final AtomicLong last = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(MIN_SECONDS_APART));

    SnapStartHookController(SnapStartRestoreHook hook) {
        this.hook = hook;
    }

    // Reads Secrets Manager and the database: never on an event-loop thread.
    @Post(PATH)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<Void> afterRestore() {
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous >= TimeUnit.SECONDS.toNanos(MIN_SECONDS_APART) && last.compareAndSet(previous, now)) {
            hook.restored();
        }
        return HttpResponse.noContent();
    }
}
