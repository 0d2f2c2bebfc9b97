import Foundation
import Logging
import Persistence

enum TokenMigrations {
    static let all: [Migration] = [v1]

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
}
