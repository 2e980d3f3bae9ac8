package sai.gateway.ui;

/**
 * Every link, form and redirect of the dashboard is relative, so the same pages work at {@code /ui/} on the gateway's
 * port and under an API Gateway stage ({@code /prod/ui/}) with no setting: the browser resolves them against the page
 * it shows. Pages live one level under {@code /ui/}; only {@code /ui} itself (no slash) needs the {@code ui/} step.
 */
final class UiPaths {

    private UiPaths() {
    }

    /** A reference to the dashboard page {@code target} ("" for the overview) from the page at {@code path}. */
    static String toPage(String path, String target) {
        return path.equals("/ui") ? "ui/" + target : target.isEmpty() ? "./" : target;
    }
}
