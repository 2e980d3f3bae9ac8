package sai.gateway.auth;

import sai.gateway.secrets.Secret;

/** A credential the gateway presents to SAI, with its kind. */
public record UpstreamCredential(CredentialKind kind, Secret value) {

    @Override
    public String toString() {
        return "UpstreamCredential[" + kind.label() + ", length=" + value.length() + "]";
    }
}
