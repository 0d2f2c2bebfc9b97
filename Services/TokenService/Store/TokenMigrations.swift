import Foundation
import Logging
import Persistence

enum TokenMigrations {
    static let all: [Migration] = [v1, v2, v3, v4]

    /// Bearer tokens (hash and non-secret prefix only) and the audit trail of token events.
    static let v1 = Migration(version: 1, name: "bearer-tokens-and-events") { engine in
        let serial = engine == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        return [
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL,
                prefix TEXT NOT NULL, secret_hash TEXT NOT NULL,
                created_at TEXT NOT NULL, expires_at TEXT, last_used_at TEXT, revoked_at TEXT)
            """,
            "CREATE UNIQUE INDEX tokens_prefix ON tokens (prefix)",
            "CREATE INDEX tokens_idp ON tokens (tenant_id, idp_id)",
            """
            CREATE TABLE token_events (
                id \(serial), tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, token_id TEXT, action TEXT NOT NULL,
                actor TEXT NOT NULL, occurred_at TEXT NOT NULL, detail TEXT)
            """,
            "CREATE INDEX token_events_idp ON token_events (tenant_id, idp_id, occurred_at)",
        ]
    }

    /// Token lifecycle (expiry warnings), OAuth clients (secret hashes only) and JWT signing keys.
    /// v1 has shipped: never edit it, add a version.
    static let v2 = Migration(
        version: 2,
        name: "token-lifecycle-oauth-clients-signing-keys",
        [
            "ALTER TABLE tokens ADD COLUMN expiry_warned_at TEXT",
            """
            CREATE TABLE oauth_clients (
                client_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL,
                secret_hash TEXT NOT NULL, previous_secret_hash TEXT, previous_valid_until TEXT,
                created_at TEXT NOT NULL, secret_rotated_at TEXT, last_used_at TEXT, revoked_at TEXT)
            """,
            "CREATE INDEX oauth_clients_idp ON oauth_clients (tenant_id, idp_id)",
            """
            CREATE TABLE signing_keys (
                kid TEXT PRIMARY KEY, algorithm TEXT NOT NULL, private_key_pem TEXT NOT NULL,
                created_at TEXT NOT NULL, retired_at TEXT)
            """,
        ]
    )

    /// Tenant API keys (hash and non-secret prefix only), for the admin and application APIs. Revoked keys keep
    /// their row (`revoked_at`), so a prefix is never reused and the audit trail can name them.
    static let v3 = Migration(
        version: 3,
        name: "tenant-api-keys",
        [
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
                prefix TEXT NOT NULL, secret_hash TEXT NOT NULL,
                created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT)
            """,
            "CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix)",
            "CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at)",
        ]
    )

    /// Admin console sessions (README "Admin console"): keyed by the SHA-256 of the session id, which only the browser
    /// holds; the principal is the root key or a tenant API key's id and role, never a key.
    static let v4 = Migration(
        version: 4,
        name: "console-sessions",
        [
            """
            CREATE TABLE console_sessions (
                id_hash TEXT PRIMARY KEY, tenant_id TEXT, api_key_id TEXT, role TEXT,
                created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, idle_seconds BIGINT NOT NULL, expires_at TEXT NOT NULL)
            """,
            "CREATE INDEX console_sessions_expiry ON console_sessions (expires_at)",
        ]
    )
}
