/// The names of the metric families Provisio records, in one place (`Deploy/grafana/metric-names.txt` lists the
/// ones the dashboard reads; a test checks them against a live registry). Units are in the names.
///
/// Persistence and ServiceClients name theirs where they record them (they do not depend on ServiceKit); the names
/// below repeat them for the tests and the bucket settings.
package enum MetricName {
    /// Counter `{route, method, status[, tenant]}`.
    package static let httpRequests = "provisio_http_server_requests_total"
    /// Histogram `{route, method, status[, tenant]}`.
    package static let httpRequestDuration = "provisio_http_server_request_duration_seconds"
    /// Counters `{cache}`.
    package static let cacheHits = "provisio_cache_hits_total"
    package static let cacheMisses = "provisio_cache_misses_total"
    /// Histogram `{peer, outcome}` (ServiceClients).
    package static let peerRequestDuration = "provisio_peer_request_duration_seconds"
    /// Counter `{peer, reason}` (ServiceClients).
    package static let peerErrors = "provisio_peer_errors_total"
    /// Counter `{peer}` (ServiceClients).
    package static let peerRetries = "provisio_peer_retries_total"
    /// Histogram `{engine, kind}` (Persistence).
    package static let dbOperationDuration = "provisio_db_operation_duration_seconds"
    /// Histogram `{engine, statement}` (Persistence).
    package static let dbStatementDuration = "provisio_db_statement_duration_seconds"
    /// Histogram `{engine}` (Persistence).
    package static let dbPoolWait = "provisio_db_pool_wait_seconds"
    /// Histogram (Persistence).
    package static let sqliteGroupCommitBatchSize = "provisio_db_sqlite_group_commit_batch_size"
    /// Webhook delivery (directory).
    package static let webhookEndpointsPending = "provisio_webhook_endpoints_pending"
    package static let webhookDeliveryAttempts = "provisio_webhook_delivery_attempts_total"
    package static let webhookDeliveryFailures = "provisio_webhook_delivery_failures_total"
    package static let webhookDeliveryLag = "provisio_webhook_delivery_lag_seconds"
}
