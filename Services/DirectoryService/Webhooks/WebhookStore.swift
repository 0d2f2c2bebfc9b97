import Foundation
import Persistence
import SQLKit
import ScimCore
import ServiceKit
import Webhooks

/// The webhook endpoints' SQL: the API's reads and writes. Delivery's own statements are in
/// WebhookStore+Delivery.swift.
struct WebhookStore: Sendable {
    let storage: any SQLStorage
    let settings: WebhookSettings

    static let columns = """
        id, tenant_id, url, types, idps, enabled, disabled_reason, secret, previous_secret, previous_secret_expires_at,
        created_at, updated_at, delivered_through, generation, next_attempt_at, attempt_count, failing_since
        """

    /// A new endpoint that starts after the tenant's newest event; 404 for an unknown tenant, 400 past the limit.
    func create(tenantID: String, url: String, types: [String], idps: [String]) async throws -> (WebhookEndpoint, WebhookSecret) {
        let secret = WebhookSecret.generate()
        let sealed = try settings.secrets.seal(secret)
        let id = RandomUUID.lowercasedString()
        let now = Timestamp.now()
        let limit = settings.maximumEndpointsPerTenant
        let endpoint = try await storage.write { database in
            try await Self.requireTenant(tenantID, in: database)
            let count =
                try await database.raw("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE tenant_id = \(bind: tenantID)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            guard count < limit else { throw ScimError.tooMany("A tenant may have at most \(limit) webhook endpoints.") }
            try await database.raw(
                """
                INSERT INTO webhook_endpoints (id, tenant_id, url, types, idps, enabled, secret, created_at, updated_at, delivered_through)
                VALUES (\(bind: id), \(bind: tenantID), \(bind: url), \(bind: Self.text(types)), \(bind: Self.text(idps)), \(bind: true),
                        \(bind: sealed), \(bind: now), \(bind: now),
                        COALESCE((SELECT MAX(sequence) FROM change_events WHERE tenant_id = \(bind: tenantID)), 0))
                """
            ).run()
            return try await Self.endpoint(tenantID: tenantID, id: id, in: database)
        }
        return (endpoint, secret)
    }

    func list(tenantID: String) async throws -> [WebhookEndpoint] {
        try await storage.read { database in
            try await Self.requireTenant(tenantID, in: database)
            return try await database.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM webhook_endpoints WHERE tenant_id = \(bind: tenantID) ORDER BY created_at, id"
            ).all().map(Self.endpoint(from:))
        }
    }

    func endpoint(tenantID: String, id: String) async throws -> WebhookEndpoint {
        try await storage.read { database in try await Self.endpoint(tenantID: tenantID, id: id, in: database) }
    }

    /// Applies a validated patch. A change restarts delivery under a new generation (the replica delivering the old
    /// one stops at its next cursor write); enabling a disabled endpoint clears its failure state.
    func patch(tenantID: String, id: String, url: String?, types: [String]?, idps: [String]?, enabled: Bool?) async throws -> WebhookEndpoint {
        try await storage.write { database in
            let current = try await Self.endpoint(tenantID: tenantID, id: id, in: database)
            let enabling = enabled == true && !current.enabled
            let stillEnabled = enabled ?? current.enabled
            try await database.raw(
                """
                UPDATE webhook_endpoints SET url = \(bind: url ?? current.url), types = \(bind: Self.text(types ?? current.types)),
                    idps = \(bind: Self.text(idps ?? current.idps)), enabled = \(bind: stillEnabled),
                    disabled_reason = \(bind: stillEnabled ? nil : (enabled == false ? "disabled by an administrator" : current.disabledReason)),
                    attempt_count = \(bind: enabling ? 0 : current.attemptCount),
                    failing_since = \(bind: enabling ? nil : current.failingSince),
                    next_attempt_at = \(bind: enabling ? nil : current.nextAttemptAt),
                    updated_at = \(bind: Timestamp.now()), generation = generation + 1, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(bind: id)
                """
            ).run()
            return try await Self.endpoint(tenantID: tenantID, id: id, in: database)
        }
    }

    func delete(tenantID: String, id: String) async throws {
        try await storage.write { database in
            _ = try await Self.endpoint(tenantID: tenantID, id: id, in: database)
            try await database.raw("DELETE FROM webhook_deliveries WHERE endpoint_id = \(bind: id)").run()
            try await database.raw("DELETE FROM webhook_endpoints WHERE id = \(bind: id)").run()
        }
    }

    /// A new secret; the current one keeps signing beside it for the grace period.
    func rotateSecret(tenantID: String, id: String) async throws -> (WebhookEndpoint, WebhookSecret) {
        let secret = WebhookSecret.generate()
        let sealed = try settings.secrets.seal(secret)
        let graceEnd = Timestamp.string(from: Date().addingTimeInterval(settings.rotationGrace.seconds))
        let endpoint = try await storage.write { database in
            let current = try await Self.endpoint(tenantID: tenantID, id: id, in: database)
            try await database.raw(
                """
                UPDATE webhook_endpoints SET secret = \(bind: sealed), previous_secret = \(bind: current.sealedSecret),
                    previous_secret_expires_at = \(bind: graceEnd), updated_at = \(bind: Timestamp.now()),
                    generation = generation + 1, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(bind: id)
                """
            ).run()
            return try await Self.endpoint(tenantID: tenantID, id: id, in: database)
        }
        return (endpoint, secret)
    }

    /// Delivers again from `after` (every retained event with a higher sequence), with a clean failure state. A
    /// cursor past the tenant's newest event is refused: the endpoint would silently skip what comes until then.
    func replay(tenantID: String, id: String, after: Int64) async throws -> WebhookEndpoint {
        try await storage.write { database in
            _ = try await Self.endpoint(tenantID: tenantID, id: id, in: database)
            // The tenant's numbering, not its retained events: after pruning, the newest number outlives its event.
            let numbering = try await database.raw(
                "SELECT last_sequence, pruned_through FROM change_event_sequences WHERE tenant_id = \(bind: tenantID)"
            ).first()
            let newest = try numbering?.decode(column: "last_sequence", as: Int64.self) ?? 0
            let pruned = try numbering?.decode(column: "pruned_through", as: Int64.self) ?? 0
            guard after <= newest else {
                throw ScimError.invalidValue("'after' (\(after)) is past the newest event of the tenant (\(newest)).")
            }
            guard after >= pruned else {
                throw ScimError(
                    status: 410,
                    detail:
                        "'after' (\(after)) is older than the event retention: events up to \(pruned) are gone. Replay from \(pruned) "
                        + "or later, and resync what came before from the read API (GET /api/v1/tenants/\(tenantID)/users and /groups)."
                )
            }
            try await database.raw(
                """
                UPDATE webhook_endpoints SET delivered_through = \(bind: after), attempt_count = 0, failing_since = NULL,
                    next_attempt_at = NULL, updated_at = \(bind: Timestamp.now()), generation = generation + 1,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(bind: id)
                """
            ).run()
            return try await Self.endpoint(tenantID: tenantID, id: id, in: database)
        }
    }

    /// A page of the delivery log, newest first: attempts with an id below `before` (a previous page's `next`).
    func deliveries(tenantID: String, id: String, before: Int64?, limit: Int) async throws -> WebhookList<WebhookDeliveryRecord> {
        try await storage.read { database in
            _ = try await Self.endpoint(tenantID: tenantID, id: id, in: database)
            let rows = try await database.raw(
                """
                SELECT id, attempted_at, event_id, event_type, sequence, status_code, latency_ms, error, succeeded FROM webhook_deliveries
                WHERE endpoint_id = \(bind: id) AND id < \(bind: before ?? Int64.max) ORDER BY id DESC LIMIT \(unsafeRaw: String(limit + 1))
                """
            ).all()
            let records = try rows.prefix(limit).map { row in
                WebhookDeliveryRecord(
                    id: String(try row.decode(column: "id", as: Int64.self)),
                    attemptedAt: try row.decode(column: "attempted_at", as: String.self),
                    eventId: try row.decode(column: "event_id", as: String.self),
                    eventType: try row.decode(column: "event_type", as: String.self),
                    sequence: try row.decode(column: "sequence", as: Int64?.self).map(String.init),
                    statusCode: try row.decode(column: "status_code", as: Int?.self),
                    latencyMs: try row.decode(column: "latency_ms", as: Int.self),
                    error: try row.decode(column: "error", as: String?.self),
                    succeeded: try row.decode(column: "succeeded", as: Bool.self)
                )
            }
            return WebhookList(data: records, next: rows.count > limit ? records.last?.id : nil)
        }
    }

    /// The secrets that sign now: the current one, then the previous one while its grace period runs.
    func signingSecrets(of endpoint: WebhookEndpoint, now: String = Timestamp.now()) throws -> [WebhookSecret] {
        var secrets = [try settings.secrets.open(endpoint.sealedSecret)]
        if let previous = endpoint.sealedPreviousSecret, let expiry = endpoint.previousSecretExpiresAt, expiry > now {
            secrets.append(try settings.secrets.open(previous))
        }
        return secrets
    }

    // MARK: Rows

    static func requireTenant(_ tenantID: String, in database: any SQLDatabase) async throws {
        guard try await database.raw("SELECT id FROM tenants WHERE id = \(bind: tenantID)").first() != nil else {
            throw ScimError.notFound("Tenant '\(tenantID)' not found.")
        }
    }

    static func endpoint(tenantID: String, id: String, in database: any SQLDatabase) async throws -> WebhookEndpoint {
        let row = try await database.raw(
            "SELECT \(unsafeRaw: columns) FROM webhook_endpoints WHERE id = \(bind: id) AND tenant_id = \(bind: tenantID)"
        ).first()
        guard let row else {
            try await requireTenant(tenantID, in: database)
            throw ScimError.notFound("Webhook '\(id.prefix(100))' not found.")
        }
        return try endpoint(from: row)
    }

    static func endpoint(from row: any SQLRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.decode(column: "id", as: String.self),
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            types: list(try row.decode(column: "types", as: String.self)),
            idps: list(try row.decode(column: "idps", as: String.self)),
            enabled: try row.decode(column: "enabled", as: Bool.self),
            disabledReason: try row.decode(column: "disabled_reason", as: String?.self),
            sealedSecret: try row.decode(column: "secret", as: String.self),
            sealedPreviousSecret: try row.decode(column: "previous_secret", as: String?.self),
            previousSecretExpiresAt: try row.decode(column: "previous_secret_expires_at", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self),
            deliveredThrough: try row.decode(column: "delivered_through", as: Int64.self),
            generation: try row.decode(column: "generation", as: Int64.self),
            nextAttemptAt: try row.decode(column: "next_attempt_at", as: String?.self),
            attemptCount: try row.decode(column: "attempt_count", as: Int.self),
            failingSince: try row.decode(column: "failing_since", as: String?.self)
        )
    }

    /// Lists are stored as JSON arrays of strings.
    static func text(_ list: [String]) -> String { String(decoding: JSONCoding.encode(list), as: UTF8.self) }

    static func list(_ text: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? [] }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
