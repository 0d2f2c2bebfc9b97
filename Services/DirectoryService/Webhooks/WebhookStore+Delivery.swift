import Foundation
import Persistence
import SQLKit

/// A change event as the outbox holds it (migration 3): `body` is sent exactly as stored.
struct OutboxEvent: Sendable {
    var sequence: Int64
    var id: String
    var type: String
    var idpID: String?
    var body: [UInt8]
    /// When the change happened (`occurred_at`): the start of its delivery lag.
    var occurredAt: String
}

/// One delivery attempt, for the delivery log.
struct DeliveryAttempt: Sendable {
    var attemptedAt: String
    var eventID: String
    var eventType: String
    var sequence: Int64?
    var statusCode: Int?
    var latencyMs: Int
    var error: String?
    var succeeded: Bool
}

/// The delivery state's statements. A replica claims due endpoints with a lease (on PostgreSQL `FOR UPDATE SKIP
/// LOCKED`, so replicas claiming at once take different endpoints); every later write of the state names the lease
/// owner and the generation it claimed, and does nothing when either changed.
extension WebhookStore {
    /// Enabled endpoints that are due (no retry pending, or its time has come), not leased by a live replica, and
    /// have events past their cursor: leased to `owner` until now + lease.
    func claim(owner: String, limit: Int) async throws -> [WebhookEndpoint] {
        let now = Timestamp.now()
        let leaseEnd = Timestamp.string(from: Date().addingTimeInterval(settings.lease.seconds))
        let lock = storage.engine == .postgres ? " FOR UPDATE OF e SKIP LOCKED" : ""
        @Sendable func due(_ lock: String) -> SQLQueryString {
            """
            SELECT e.id FROM webhook_endpoints e
            WHERE e.enabled = \(bind: true) AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= \(bind: now))
              AND (e.lease_expires_at IS NULL OR e.lease_expires_at < \(bind: now))
              AND EXISTS (SELECT 1 FROM change_events c WHERE c.tenant_id = e.tenant_id AND c.sequence > e.delivered_through)
            ORDER BY e.next_attempt_at, e.id LIMIT \(unsafeRaw: String(limit))\(unsafeRaw: lock)
            """
        }
        // Looked for in a read first: most polls find nothing, and need not take the writer (SQLite's is shared).
        guard try await storage.read({ database in try await database.raw(due("")).first() }) != nil else { return [] }
        return try await storage.write { database in
            let ids = try await database.raw(due(lock)).all().map { try $0.decode(column: "id", as: String.self) }
            var claimed: [WebhookEndpoint] = []
            for id in ids {
                let row = try await database.raw(
                    """
                    UPDATE webhook_endpoints SET lease_owner = \(bind: owner), lease_expires_at = \(bind: leaseEnd)
                    WHERE id = \(bind: id) RETURNING \(unsafeRaw: Self.columns)
                    """
                ).first()
                if let row { claimed.append(try Self.endpoint(from: row)) }
            }
            return claimed
        }
    }

    /// Up to `limit` events of the tenant after `sequence`, in order.
    /// Enabled endpoints with events past their cursor, due now or waiting for a retry (the pending gauge).
    func pendingEndpointCount() async throws -> Int {
        try await storage.read { database in
            try await database.raw(
                """
                SELECT COUNT(*) AS pending FROM webhook_endpoints e
                WHERE e.enabled = \(bind: true)
                  AND EXISTS (SELECT 1 FROM change_events c WHERE c.tenant_id = e.tenant_id AND c.sequence > e.delivered_through)
                """
            ).first()?.decode(column: "pending", as: Int.self) ?? 0
        }
    }

    func events(tenantID: String, after sequence: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await storage.read { database in
            try await database.raw(
                """
                SELECT sequence, id, type, idp_id, body, occurred_at FROM change_events
                WHERE tenant_id = \(bind: tenantID) AND sequence > \(bind: sequence) ORDER BY sequence LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map { row in
                OutboxEvent(
                    sequence: try row.decode(column: "sequence", as: Int64.self),
                    id: try row.decode(column: "id", as: String.self),
                    type: try row.decode(column: "type", as: String.self),
                    idpID: try row.decode(column: "idp_id", as: String?.self),
                    body: Array(try row.decode(column: "body", as: String.self).utf8),
                    occurredAt: try row.decode(column: "occurred_at", as: String.self)
                )
            }
        }
    }

    /// Progress after successful deliveries: the cursor moves on, the failure state clears, the lease is renewed (or
    /// released), and the attempts go to the log. False when the endpoint is no longer this owner's under this
    /// generation: the caller stops.
    func saveProgress(
        _ endpoint: WebhookEndpoint,
        owner: String,
        deliveredThrough: Int64,
        attempts: [DeliveryAttempt],
        release: Bool
    ) async throws -> Bool {
        let leaseEnd = release ? nil : Timestamp.string(from: Date().addingTimeInterval(settings.lease.seconds))
        let logSize = settings.deliveryLogSize
        return try await storage.write { database in
            let kept = try await database.raw(
                """
                UPDATE webhook_endpoints SET delivered_through = \(bind: deliveredThrough), attempt_count = 0, failing_since = NULL,
                    next_attempt_at = NULL, lease_owner = \(bind: release ? nil : owner), lease_expires_at = \(bind: leaseEnd)
                WHERE id = \(bind: endpoint.id) AND lease_owner = \(bind: owner) AND generation = \(bind: endpoint.generation)
                RETURNING id
                """
            ).first()
            guard kept != nil else { return false }
            try await Self.log(attempts, endpointID: endpoint.id, keep: logSize, in: database)
            return true
        }
    }

    /// A failed delivery: the cursor stays before the event, the next attempt waits `retryIn`, and the lease is
    /// released. `disable` (410 Gone, or failing past the disabling period) turns the endpoint off and says why in
    /// the tenant's activity log.
    func saveFailure(
        _ endpoint: WebhookEndpoint,
        owner: String,
        deliveredThrough: Int64,
        attempts: [DeliveryAttempt],
        retryIn: Double,
        failingSince: String,
        disable: String?
    ) async throws {
        let next = Timestamp.string(from: Date().addingTimeInterval(retryIn))
        let logSize = settings.deliveryLogSize
        try await storage.write { database in
            let kept = try await database.raw(
                """
                UPDATE webhook_endpoints SET delivered_through = \(bind: deliveredThrough), attempt_count = attempt_count + 1,
                    failing_since = \(bind: failingSince), next_attempt_at = \(bind: next), lease_owner = NULL, lease_expires_at = NULL,
                    enabled = \(bind: disable == nil), disabled_reason = \(bind: disable)
                WHERE id = \(bind: endpoint.id) AND lease_owner = \(bind: owner) AND generation = \(bind: endpoint.generation)
                RETURNING id
                """
            ).first()
            guard kept != nil else { return }
            try await Self.log(attempts, endpointID: endpoint.id, keep: logSize, in: database)
            if let disable {
                try await SQLDirectoryStore.record(
                    ActivityEvent(
                        tenantID: endpoint.tenantID,
                        idpID: nil,
                        actor: "webhooks",
                        action: "webhook.disabled",
                        resourceType: "Webhook",
                        resourceID: endpoint.id,
                        detail: "Webhook to \(Self.origin(of: endpoint.url)) disabled: \(disable)"
                    ),
                    in: database
                )
            }
        }
    }

    /// `scheme://host[:port]` of a webhook URL, for the activity log, which a tenant's viewer keys read: a receiver's
    /// path or query often carries a secret of its own (`…/hooks/T0123/abcdef`, `?token=…`).
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "(an invalid URL)"
        }
        return "\(scheme)://\(host.prefix(253))" + (components.port.map { ":\($0)" } ?? "")
    }

    /// Gives up a lease without other change (shutdown, a refused address).
    func release(_ endpoint: WebhookEndpoint, owner: String) async throws {
        try await storage.write { database in
            try await database.raw(
                "UPDATE webhook_endpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE id = \(bind: endpoint.id) AND lease_owner = \(bind: owner)"
            ).run()
        }
    }

    /// Every lease: a single SQLite worker starting up knows no other holds one (a killed process's leases would
    /// otherwise delay its endpoints until they expire).
    func releaseAllLeases() async throws {
        try await storage.write { database in
            try await database.raw("UPDATE webhook_endpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner IS NOT NULL").run()
        }
    }

    func logTestAttempt(_ attempt: DeliveryAttempt, endpointID: String) async throws {
        let logSize = settings.deliveryLogSize
        try await storage.write { database in try await Self.log([attempt], endpointID: endpointID, keep: logSize, in: database) }
    }

    /// Appends attempts and keeps the newest `keep` of the endpoint.
    private static func log(_ attempts: [DeliveryAttempt], endpointID: String, keep: Int, in database: any SQLDatabase) async throws {
        guard !attempts.isEmpty else { return }
        for attempt in attempts {
            try await database.raw(
                """
                INSERT INTO webhook_deliveries (endpoint_id, attempted_at, event_id, event_type, sequence, status_code, latency_ms, error, succeeded)
                VALUES (\(bind: endpointID), \(bind: attempt.attemptedAt), \(bind: attempt.eventID), \(bind: attempt.eventType),
                        \(bind: attempt.sequence), \(bind: attempt.statusCode), \(bind: attempt.latencyMs), \(bind: attempt.error),
                        \(bind: attempt.succeeded))
                """
            ).run()
        }
        let boundary = try await database.raw(
            """
            SELECT id FROM webhook_deliveries WHERE endpoint_id = \(bind: endpointID) ORDER BY id DESC LIMIT 1 OFFSET \(unsafeRaw: String(keep))
            """
        ).first()
        if let boundary {
            let id = try boundary.decode(column: "id", as: Int64.self)
            try await database.raw("DELETE FROM webhook_deliveries WHERE endpoint_id = \(bind: endpointID) AND id <= \(bind: id)").run()
        }
    }
}
