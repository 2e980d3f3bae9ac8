package sai.gateway.admin;

/**
 * RFC 4180 CSV, one cell at a time: CRLF after every row, a cell with a comma, quote, CR or LF in quotes with its
 * quotes doubled. Text cells hold values others chose (model ids, and whatever a future column adds), and a
 * spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula: such a cell gets a
 * leading single quote, which spreadsheets show as text. Numbers are written as they are. Public: the dashboard's
 * usage download ({@code sai.gateway.ui}) writes its file with the same guard rather than a second writer.
 */
public final class UsageCsv {

    private final StringBuilder out = new StringBuilder();
    private boolean rowStarted;

    public UsageCsv text(String value) {
        separate();
        out.append(quoted(guarded(value)));
        return this;
    }

    public UsageCsv number(long value) {
        separate();
        out.append(value);
        return this;
    }

    public UsageCsv endRow() {
        out.append("\r\n");
        rowStarted = false;
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (rowStarted) {
            out.append(',');
        }
        rowStarted = true;
    }

    static String guarded(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char first = value.charAt(0);
        boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
        return formula ? "'" + value : value;
    }

    static String quoted(String value) {
        boolean needs = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
        return needs ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
