-- One schema for both engines: PostgreSQL, and H2 in its PostgreSQL mode (database.DataSourceSettings sets it).
-- Ids are chosen by the gateway (no sequences to differ between engines); times are UTC instants.

CREATE TABLE tenant (
    id                  VARCHAR(40)   NOT NULL PRIMARY KEY,
    name                VARCHAR(200)  NOT NULL UNIQUE,
    -- Comma-separated ids of SAI_MODELS; empty: every model.
    allowed_models      VARCHAR(4000) NOT NULL,
    -- 0: no limit.
    requests_per_minute BIGINT        NOT NULL,
    tokens_per_minute   BIGINT        NOT NULL,
    tokens_per_day      BIGINT        NOT NULL,
    tokens_per_month    BIGINT        NOT NULL,
    -- AES-GCM under GATEWAY_ENCRYPTION_KEY (tenancy.TenantKeyCipher); never the plain key.
    sai_key_encrypted   VARCHAR(2000),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE virtual_key (
    id                  VARCHAR(40)   NOT NULL PRIMARY KEY,
    tenant_id           VARCHAR(40)   NOT NULL REFERENCES tenant (id),
    name                VARCHAR(200)  NOT NULL,
    owner               VARCHAR(320),
    allowed_models      VARCHAR(4000) NOT NULL,
    requests_per_minute BIGINT        NOT NULL,
    tokens_per_minute   BIGINT        NOT NULL,
    tokens_per_day      BIGINT        NOT NULL,
    tokens_per_month    BIGINT        NOT NULL,
    expires_at          TIMESTAMP WITH TIME ZONE,
    revoked             BOOLEAN       NOT NULL,
    -- SHA-256 of the key, hex; the key itself is shown once and never stored.
    key_hash            VARCHAR(64)   NOT NULL UNIQUE,
    -- The first characters of the key, to tell keys apart in lists.
    key_prefix          VARCHAR(20)   NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at        TIMESTAMP WITH TIME ZONE
);
CREATE INDEX virtual_key_tenant ON virtual_key (tenant_id);
CREATE INDEX virtual_key_updated ON virtual_key (updated_at);

-- One row per answered request: never message content, never a key.
CREATE TABLE usage_record (
    -- Chosen by the gateway when the request ends, so a batch written twice (a commit whose answer was lost) adds nothing.
    id                VARCHAR(40)  NOT NULL PRIMARY KEY,
    occurred_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    request_id        VARCHAR(128) NOT NULL,
    tenant_id         VARCHAR(40),
    key_id            VARCHAR(40),
    surface           VARCHAR(20)  NOT NULL,
    model             VARCHAR(200) NOT NULL,
    stream            BOOLEAN      NOT NULL,
    status            INTEGER      NOT NULL,
    error_code        VARCHAR(64),
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    latency_ms        BIGINT       NOT NULL,
    sai_latency_ms    BIGINT       NOT NULL,
    credential        VARCHAR(32)  NOT NULL,
    cache_hit         BOOLEAN      NOT NULL
);
CREATE INDEX usage_record_time ON usage_record (occurred_at);

-- Totals per UTC day (usage_day: DAY is a keyword in H2), tenant, key and model, kept as rows are written: reports and budgets never scan raw rows,
-- and USAGE_RETENTION_DAYS prunes raw rows only. '' stands for "no tenant" / "no key" (a primary key has no NULLs).
CREATE TABLE usage_daily (
    usage_day         DATE         NOT NULL,
    tenant_id         VARCHAR(40)  NOT NULL,
    key_id            VARCHAR(40)  NOT NULL,
    model             VARCHAR(200) NOT NULL,
    requests          BIGINT       NOT NULL,
    errors            BIGINT       NOT NULL,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    latency_ms        BIGINT       NOT NULL,
    cache_hits        BIGINT       NOT NULL,
    PRIMARY KEY (usage_day, tenant_id, key_id, model)
);

-- Small facts the gateway keeps about itself, e.g. the check value that proves GATEWAY_ENCRYPTION_KEY is the one used.
CREATE TABLE gateway_setting (
    name  VARCHAR(64)   NOT NULL PRIMARY KEY,
    setting_value VARCHAR(2000) NOT NULL
);
