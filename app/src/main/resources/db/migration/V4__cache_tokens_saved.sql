-- The response cache (cache.ResponseCache): the tokens an answer served from the cache did not spend at SAI. On a hit
-- prompt_tokens and completion_tokens hold what budgets were charged (0 unless CACHE_HITS_COUNT_TOKENS=true).
ALTER TABLE usage_record ADD COLUMN tokens_saved BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_daily ADD COLUMN tokens_saved BIGINT DEFAULT 0 NOT NULL;
