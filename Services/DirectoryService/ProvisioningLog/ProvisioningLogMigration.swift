import Persistence

extension DirectoryMigrations {
    /// The provisioning log (README "Provisioning log"): what each SCIM request that changed or tried to change the
    /// directory did, and every failed one, as the gateways send them in batches. `provisioning_log` keeps one row
    /// per entry (bodies as text, `changed_attributes` as a JSON array), read newest first per tenant and per tenant
    /// and IdP, and pruned by time per tenant through the same index. Only failures pay for the indexes of failures
    /// (partial), the reads an admin looking for a cause makes: an initial sync's successes cost three index
    /// entries each (the id, the tenant's order, the IdP's order). `provisioning_counts` counts outcomes and successful reads per
    /// tenant, IdP and minute (the last 24 hours of the IdP summary); `provisioning_summary` holds each IdP's last
    /// request, success and failure, upserted once per batch. No foreign keys: the tenant and IdP deletes remove
    /// the rows themselves, and an insert checks no parent row per entry.
    ///
    /// On SQLite the log is a `WITHOUT ROWID` table keyed by its id: the gateways' ids are time-ordered (UUID v7), so
    /// rows are appended to the one B-tree that holds them and their id, instead of to a rowid table plus an index of
    /// ids (one write fewer per entry; the log's storage was the whole of its cost to a sync).
    static let v7 = Migration(version: 7, name: "provisioning-log") { engine in
        let clustered = engine == .sqlite ? " WITHOUT ROWID" : ""
        return [
            """
            CREATE TABLE provisioning_log (
                id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, occurred_at TEXT NOT NULL,
                request_id TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, operation TEXT NOT NULL,
                resource_type TEXT, resource_id TEXT, external_id TEXT, display_name TEXT, status TEXT NOT NULL,
                http_status INTEGER NOT NULL, scim_type TEXT, detail TEXT, changed_attributes TEXT NOT NULL,
                request_body TEXT, response_body TEXT, token_prefix TEXT)\(clustered)
            """,
            "CREATE INDEX provisioning_log_tenant ON provisioning_log (tenant_id, occurred_at, id)",
            "CREATE INDEX provisioning_log_idp ON provisioning_log (tenant_id, idp_id, occurred_at, id)",
            "CREATE INDEX provisioning_log_failures ON provisioning_log (tenant_id, occurred_at, id) WHERE status = 'failure'",
            "CREATE INDEX provisioning_log_idp_failures ON provisioning_log (tenant_id, idp_id, occurred_at, id) WHERE status = 'failure'",
            """
            CREATE TABLE provisioning_counts (
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, minute TEXT NOT NULL,
                success BIGINT NOT NULL, failure BIGINT NOT NULL, skipped BIGINT NOT NULL, reads BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, idp_id, minute))
            """,
            "CREATE INDEX provisioning_counts_minute ON provisioning_counts (minute)",
            """
            CREATE TABLE provisioning_summary (
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, last_request_at TEXT, last_success_at TEXT,
                last_failure_at TEXT, last_error TEXT,
                PRIMARY KEY (tenant_id, idp_id))
            """,
        ]
    }
}
