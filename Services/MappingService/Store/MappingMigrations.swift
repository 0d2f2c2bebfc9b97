import Foundation
import Logging
import Persistence

enum MappingMigrations {
    static let all: [Migration] = [v1, v2, v3]

    /// Custom identity attributes per tenant, the identity providers the service knows (with their type), and
    /// each IdP's mapping rules.
    static let v1 = Migration(version: 1, name: "identity-attributes-and-mappings") { _ in
        [
            """
            CREATE TABLE identity_attributes (
                tenant_id TEXT NOT NULL, name TEXT NOT NULL, name_lower TEXT NOT NULL, description TEXT NOT NULL,
                type TEXT NOT NULL, multi_valued BOOLEAN NOT NULL, mandatory BOOLEAN NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY (tenant_id, name_lower))
            """,
            """
            CREATE TABLE identity_providers (
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, provider_type TEXT NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY (tenant_id, idp_id))
            """,
            """
            CREATE TABLE attribute_mappings (
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, attribute_lower TEXT NOT NULL, attribute TEXT NOT NULL,
                scim_path TEXT NOT NULL, PRIMARY KEY (tenant_id, idp_id, attribute_lower),
                FOREIGN KEY (tenant_id, idp_id) REFERENCES identity_providers(tenant_id, idp_id) ON DELETE CASCADE)
            """,
        ]
    }

    /// Whether an IdP's mappings were edited by an admin (a provider-type change re-seeds only untouched
    /// defaults), the audit trail of mapping changes, and re-apply jobs (resumed after a restart from `cursor`).
    static let v2 = Migration(version: 2, name: "customized-flag-mapping-events-reapply-jobs") { engine in
        let serial = engine == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        return [
            "ALTER TABLE identity_providers ADD COLUMN customized BOOLEAN NOT NULL DEFAULT FALSE",
            """
            CREATE TABLE mapping_events (
                id \(serial), tenant_id TEXT NOT NULL, idp_id TEXT, occurred_at TEXT NOT NULL, actor TEXT NOT NULL,
                action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT)
            """,
            "CREATE INDEX mapping_events_tenant ON mapping_events (tenant_id, occurred_at)",
            """
            CREATE TABLE reapply_jobs (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, state TEXT NOT NULL,
                total BIGINT NOT NULL, done BIGINT NOT NULL, failed BIGINT NOT NULL, cursor TEXT, detail TEXT,
                actor TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
            """,
            "CREATE INDEX reapply_jobs_idp ON reapply_jobs (tenant_id, idp_id, created_at)",
            "CREATE INDEX reapply_jobs_state ON reapply_jobs (state)",
        ]
    }

    /// A lease on each re-apply job, so that with several mapping replicas on one database one of them runs it.
    static let v3 = Migration(version: 3, name: "reapply-job-leases") { _ in
        [
            "ALTER TABLE reapply_jobs ADD COLUMN lease_owner TEXT",
            "ALTER TABLE reapply_jobs ADD COLUMN lease_until TEXT",
        ]
    }
}
