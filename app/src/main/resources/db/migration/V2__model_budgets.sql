-- Token budgets per model, for a tenant and for a key: "model=per_day/per_month" entries, comma-separated (model ids
-- come from SAI_MODELS, a comma-separated list, so they hold no comma); empty: none. 0 in an entry: no budget there.
ALTER TABLE tenant ADD COLUMN model_budgets VARCHAR(4000) DEFAULT '' NOT NULL;
ALTER TABLE virtual_key ADD COLUMN model_budgets VARCHAR(4000) DEFAULT '' NOT NULL;
