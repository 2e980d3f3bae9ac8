package sai.gateway.tenancy;

import sai.gateway.secrets.Secret;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A tenant as the request path sees it: its SAI key already decrypted, in memory only. */
public record Tenant(String id, String name, List<String> allowedModels, Limits limits, Map<String, ModelBudget> modelBudgets,
                     Optional<Secret> saiKey) {

    @Override
    public String toString() {
        return "Tenant[" + id + ", " + name + "]";
    }
}
