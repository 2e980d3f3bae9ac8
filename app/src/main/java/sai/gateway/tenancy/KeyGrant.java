package sai.gateway.tenancy;

import java.util.ArrayList;
import java.util.List;

/**
 * What a presented virtual key grants: the key and its tenant. Left on the request by the access filter for the
 * limits, the credential chain and the usage record.
 */
public record KeyGrant(VirtualKey key, Tenant tenant) {

    public static final String ATTRIBUTE = "sai.gateway.key-grant";

    /** The models both the key and its tenant allow, in the tenant's order; empty lists mean "every model". */
    public List<String> allowedModels(List<String> configured) {
        List<String> allowed = new ArrayList<>();
        for (String model : configured) {
            if (allows(model)) {
                allowed.add(model);
            }
        }
        return allowed;
    }

    public boolean allows(String model) {
        return (tenant.allowedModels().isEmpty() || tenant.allowedModels().contains(model))
                && (key.allowedModels().isEmpty() || key.allowedModels().contains(model));
    }
}
