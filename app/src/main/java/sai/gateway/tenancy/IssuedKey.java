package sai.gateway.tenancy;

import sai.gateway.secrets.Secret;

/** A key just created or rotated, with its secret: the only time the secret exists outside the caller. */
public record IssuedKey(VirtualKeyRow row, Secret secret) {
}
