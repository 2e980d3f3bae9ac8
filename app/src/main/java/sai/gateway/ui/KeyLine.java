package sai.gateway.ui;

import sai.gateway.tenancy.KeyStatus;
import sai.gateway.tenancy.VirtualKeyRow;

import java.time.Instant;
import java.util.Locale;

/** A key as a list shows it: the row, its tenant's name and whether it works now. */
record KeyLine(VirtualKeyRow key, String tenantName, String status) {

    static KeyLine of(VirtualKeyRow key, String tenantName, Instant now) {
        return new KeyLine(key, tenantName, KeyStatus.of(key, now).name().toLowerCase(Locale.ROOT));
    }
}
