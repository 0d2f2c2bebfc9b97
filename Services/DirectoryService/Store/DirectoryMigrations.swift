import Foundation
import Logging
import Persistence

/// The directory's schema, one migration per shipped change.
enum DirectoryMigrations {
    static let all: [Migration] = [v1, v2, v3, v4, v5, v6, v7]

    /// Tenants, identity providers, users (with indexed columns for the attributes IdPs filter on), their
    /// emails, groups, membership rows and the activity log. Documents are JSON text on both engines (filters read
    /// them as `jsonb` on PostgreSQL); timestamps are ISO 8601 text, which sorts in time order.
    static let v1 = Migration(version: 1, name: "tenants-idps-users-groups-activity") { engine in
        let json = "TEXT"
        let serial = engine == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        return [
            """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
            """,
            """
            CREATE TABLE identity_providers (
                tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, provider_type TEXT NOT NULL,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id))
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL,
                user_name TEXT NOT NULL, user_name_lower TEXT NOT NULL, external_id TEXT, display_name TEXT,
                active BOOLEAN NOT NULL, resource \(json) NOT NULL, identity \(json) NOT NULL,
                version BIGINT NOT NULL, created TEXT NOT NULL, last_modified TEXT NOT NULL,
                FOREIGN KEY (tenant_id, idp_id) REFERENCES identity_providers(tenant_id, id) ON DELETE CASCADE)
            """,
            "CREATE UNIQUE INDEX users_user_name ON users (tenant_id, idp_id, user_name_lower)",
            "CREATE INDEX users_external_id ON users (tenant_id, idp_id, external_id)",
            "CREATE INDEX users_listing ON users (tenant_id, idp_id, created, id)",
            """
            CREATE TABLE user_emails (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, value_lower TEXT NOT NULL, type TEXT, is_primary BOOLEAN NOT NULL)
            """,
            "CREATE INDEX user_emails_value ON user_emails (value_lower)",
            "CREATE INDEX user_emails_user ON user_emails (user_id)",
            """
            CREATE TABLE groups (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL,
                display_name TEXT NOT NULL, display_name_lower TEXT NOT NULL, external_id TEXT,
                resource \(json) NOT NULL, version BIGINT NOT NULL, created TEXT NOT NULL, last_modified TEXT NOT NULL,
                FOREIGN KEY (tenant_id, idp_id) REFERENCES identity_providers(tenant_id, id) ON DELETE CASCADE)
            """,
            "CREATE INDEX groups_display_name ON groups (tenant_id, idp_id, display_name_lower)",
            "CREATE INDEX groups_external_id ON groups (tenant_id, idp_id, external_id)",
            "CREATE INDEX groups_listing ON groups (tenant_id, idp_id, created, id)",
            """
            CREATE TABLE group_members (
                group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
                member_id TEXT NOT NULL, member_type TEXT NOT NULL, display TEXT,
                PRIMARY KEY (group_id, member_id))
            """,
            "CREATE INDEX group_members_member ON group_members (member_id)",
            """
            CREATE TABLE activity_log (
                id \(serial), tenant_id TEXT NOT NULL, idp_id TEXT, occurred_at TEXT NOT NULL, actor TEXT NOT NULL,
                action TEXT NOT NULL, resource_type TEXT, resource_id TEXT, detail TEXT)
            """,
            "CREATE INDEX activity_log_tenant ON activity_log (tenant_id, occurred_at)",
        ]
    }

    /// A user's groups (`member_of`, read with every user) come from the membership index alone. With only
    /// `member_id` in it, each membership found there cost a second search of the table for its `group_id`, and a
    /// page of 100 users runs that statement 100 times. Deleting a user's memberships uses the same index by its prefix.
    static let v2 = Migration(version: 2, name: "membership-index-covers-group") { _ in
        [
            "CREATE INDEX group_members_member_group ON group_members (member_id, group_id)",
            "DROP INDEX group_members_member",
        ]
    }

    /// Change events, the outbox (README "Change events"): every write appends its events in its own transaction.
    /// `body` is the event's JSON exactly as the feed and webhooks send it. `sequence` is per tenant and strictly
    /// increasing in commit order: a write takes the next numbers from its tenant's `change_event_sequences` row as
    /// the last statement of its transaction, so the row's lock (PostgreSQL) or the single writer (SQLite) orders
    /// them. `pruned_through` is the highest sequence retention has removed (a cursor below it is 410).
    static let v3 = Migration(version: 3, name: "change-events") { _ in
        [
            """
            CREATE TABLE change_event_sequences (
                tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
                last_sequence BIGINT NOT NULL, pruned_through BIGINT NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE change_events (
                tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                sequence BIGINT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, idp_id TEXT,
                occurred_at TEXT NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (tenant_id, sequence))
            """,
            "CREATE INDEX change_events_time ON change_events (occurred_at)",
        ]
    }

    /// Webhook endpoints and their delivery state (README "Webhooks"): per endpoint the last sequence delivered (or
    /// passed over by its filters), the attempt count and next attempt time of a failing delivery, when it began
    /// failing, and the lease of the directory replica delivering it. `generation` changes with every change of the
    /// endpoint (replay, patch, rotation), so a replica still delivering under the old one cannot write its cursor
    /// back. `secret` is AES-GCM encrypted (WEBHOOK_ENCRYPTION_KEY). `webhook_deliveries` is the bounded attempt log.
    static let v5 = Migration(version: 5, name: "webhooks") { engine in
        let serial = engine == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        return [
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                url TEXT NOT NULL, types TEXT NOT NULL, idps TEXT NOT NULL, enabled BOOLEAN NOT NULL, disabled_reason TEXT,
                secret TEXT NOT NULL, previous_secret TEXT, previous_secret_expires_at TEXT,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                delivered_through BIGINT NOT NULL, generation BIGINT NOT NULL DEFAULT 0,
                next_attempt_at TEXT, attempt_count INTEGER NOT NULL DEFAULT 0, failing_since TEXT,
                lease_owner TEXT, lease_expires_at TEXT)
            """,
            "CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at)",
            """
            CREATE TABLE webhook_deliveries (
                id \(serial), endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                attempted_at TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL, sequence BIGINT,
                status_code INTEGER, latency_ms INTEGER NOT NULL, error TEXT, succeeded BOOLEAN NOT NULL)
            """,
            "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id)",
        ]
    }
}
