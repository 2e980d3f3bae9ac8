package sai.gateway.cache;

/**
 * What the cache may do for one request: its key, and whether to read and to write it ({@code Cache-Control:
 * no-cache} skips the read and refreshes the entry, {@code no-store} skips both).
 */
public record CacheTicket(String key, boolean read, boolean write) {
}
