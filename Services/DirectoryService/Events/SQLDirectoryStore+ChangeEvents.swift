import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

extension SQLDirectoryStore: ChangeEventStore {
    /// How many sequence numbers one filtered request looks through: a rare type or IdP answers a short (or empty)
    /// page and a cursor to continue from, instead of scanning the whole feed.
    static let filteredScanWindow: Int64 = 10_000

    func changeEvents(tenantID: String, request: ChangeEventFeedRequest) async throws -> ChangeEventPage {
        try await storage.read { database in
            // Every event up to `last` has committed (the number and its events commit together), so a scan bounded
            // by it never passes over an event that becomes visible later.
            let (last, pruned) = try await Self.numbering(tenantID: tenantID, in: database)
            let after: Int64
            switch request.start {
            case .latest: return ChangeEventPage(bodies: [], next: last)
            case .oldest: after = pruned
            case .after(let sequence):
                guard sequence >= pruned else { throw Self.expired(tenantID: tenantID) }
                guard sequence <= last else {
                    throw ScimError.invalidValue("The cursor '\(sequence)' is not one this feed gave out; start again from after=latest.")
                }
                after = sequence
            }
            let filtered = !request.types.isEmpty || request.idpID != nil
            let upper = filtered ? min(last, after + Self.filteredScanWindow) : last
            var query = SQLQueryString("SELECT sequence, body FROM change_events WHERE tenant_id = ")
            query.appendInterpolation(bind: tenantID)
            query.appendLiteral(" AND sequence > ")
            query.appendInterpolation(bind: after)
            query.appendLiteral(" AND sequence <= ")
            query.appendInterpolation(bind: upper)
            if !request.types.isEmpty {
                query.appendLiteral(" AND type IN (")
                query.appendInterpolation(binds: request.types.map(\.rawValue).sorted())
                query.appendLiteral(")")
            }
            if let idpID = request.idpID {
                query.appendLiteral(" AND idp_id = ")
                query.appendInterpolation(bind: idpID)
            }
            query.appendLiteral(" ORDER BY sequence LIMIT \(request.limit)")
            let rows = try await database.raw(query).all()
            var bodies: [String] = []
            bodies.reserveCapacity(rows.count)
            var next = upper
            for row in rows {
                bodies.append(try row.decode(column: "body", as: String.self))
                next = try row.decode(column: "sequence", as: Int64.self)
            }
            if rows.count < request.limit { next = upper }
            // Retention may have pruned past `after` while the page was read: the page could then miss events.
            guard try await Self.numbering(tenantID: tenantID, in: database).pruned <= after else {
                throw Self.expired(tenantID: tenantID)
            }
            return ChangeEventPage(bodies: bodies, next: next)
        }
    }

    func pruneChangeEvents(before cutoff: String, batchSize: Int, maximumBatches: Int) async throws -> Int {
        let tenants = try await storage.read { database in
            try await database.raw("SELECT tenant_id FROM change_event_sequences ORDER BY tenant_id").all().map { row in
                try row.decode(column: "tenant_id", as: String.self)
            }
        }
        var total = 0
        var batches = 0
        for tenantID in tenants {
            while batches < maximumBatches {
                batches += 1
                let pruned = try await pruneBatch(tenantID: tenantID, before: cutoff, batchSize: batchSize)
                total += pruned
                if pruned < batchSize { break }
            }
        }
        return total
    }

    /// One batch of one tenant: the longest run of the oldest events stamped before `cutoff` (a prefix, so that
    /// `pruned_through` means "everything up to here is gone"). Safe on several replicas at once: the delete and the
    /// move of `pruned_through` are idempotent.
    private func pruneBatch(tenantID: String, before cutoff: String, batchSize: Int) async throws -> Int {
        try await storage.write { database in
            let (_, pruned) = try await Self.numbering(tenantID: tenantID, in: database)
            let rows = try await database.raw(
                """
                SELECT sequence, occurred_at FROM change_events WHERE tenant_id = \(bind: tenantID) AND sequence > \(bind: pruned)
                ORDER BY sequence LIMIT \(unsafeRaw: String(batchSize))
                """
            ).all()
            var through: Int64?
            for row in rows {
                guard try row.decode(column: "occurred_at", as: String.self) < cutoff else { break }
                through = try row.decode(column: "sequence", as: Int64.self)
            }
            guard let through else { return 0 }
            let deleted = try await database.raw(
                """
                DELETE FROM change_events WHERE tenant_id = \(bind: tenantID) AND sequence > \(bind: pruned) AND sequence <= \(bind: through)
                RETURNING sequence
                """
            ).all().count
            try await database.raw(
                """
                UPDATE change_event_sequences SET pruned_through = \(bind: through)
                WHERE tenant_id = \(bind: tenantID) AND pruned_through < \(bind: through)
                """
            ).run()
            return deleted
        }
    }

    /// The tenant's `last_sequence` and `pruned_through`; 404 when there is no such tenant.
    private static func numbering(tenantID: String, in database: any SQLDatabase) async throws -> (last: Int64, pruned: Int64) {
        guard
            let row = try await database.raw(
                "SELECT last_sequence, pruned_through FROM change_event_sequences WHERE tenant_id = \(bind: tenantID)"
            ).first()
        else { throw ScimError.notFound("Tenant '\(tenantID)' not found.") }
        return (try row.decode(column: "last_sequence", as: Int64.self), try row.decode(column: "pruned_through", as: Int64.self))
    }

    private static func expired(tenantID: String) -> ScimError {
        ScimError(
            status: 410,
            detail:
                "The cursor is older than the event retention: those events are gone. Resync from the read API "
                + "(GET /api/v1/tenants/\(tenantID)/users and /groups), then continue the feed with after=latest."
        )
    }
}
