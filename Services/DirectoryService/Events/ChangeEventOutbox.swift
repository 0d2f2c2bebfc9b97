import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore
import ServiceKit

/// Appends a write's change events inside the write's own transaction (the outbox: no change without its event, no
/// event without its change).
///
/// Call ``append(_:tenantID:in:)`` as the **last** thing a write does in its transaction. It takes the tenant's next
/// sequence numbers with one `UPDATE … RETURNING` of `change_event_sequences`: on PostgreSQL that row stays locked
/// until commit, so numbers are handed out in commit order and a reader that has seen N never later finds a new
/// event below N; on SQLite the single writer orders them. Holding the lock only from there to commit keeps
/// concurrent writers of one tenant apart for two statements, not for their whole write.
enum ChangeEventOutbox {
    /// Rows per `INSERT` (7 parameters each: 700, under every engine's limit on bound parameters).
    static let rowsPerInsert = 100

    static func append(_ events: [PendingChangeEvent], tenantID: String, in database: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        // Rendered before the lock is taken: the only work left after it is splicing in the numbers.
        let time = Timestamp.now()
        let rendered = events.map { event in RenderedEvent(event: event, tenantID: tenantID, time: time) }
        let count = Int64(events.count)
        let last = try await database.raw(
            """
            UPDATE change_event_sequences SET last_sequence = last_sequence + \(bind: count)
            WHERE tenant_id = \(bind: tenantID) RETURNING last_sequence
            """
        ).first()?.decode(column: "last_sequence", as: Int64.self)
        guard let last else {
            throw ScimError.notFound("Tenant '\(tenantID)' not found.")
        }
        let first = last - count + 1
        var sequence = first
        for chunk in rendered.chunked(into: rowsPerInsert) {
            var rows: [SQLQueryString] = []
            rows.reserveCapacity(chunk.count)
            for event in chunk {
                rows.append(
                    "(\(bind: tenantID), \(bind: sequence), \(bind: event.id), \(bind: event.type), \(bind: event.idpID), \(bind: time), \(bind: event.body(sequence: sequence)))"
                )
                sequence += 1
            }
            try await database.raw(
                "INSERT INTO change_events (tenant_id, sequence, id, type, idp_id, occurred_at, body) VALUES " + rows.joined(separator: ", ")
            ).run()
        }
    }

    /// The numbering row of a new tenant (in the tenant's own transaction).
    static func createSequence(tenantID: String, in database: any SQLDatabase) async throws {
        try await database.raw(
            "INSERT INTO change_event_sequences (tenant_id, last_sequence, pruned_through) VALUES (\(bind: tenantID), 0, 0)"
        ).run()
    }

    /// A tenant's events and numbering (tenant delete).
    static func deleteAll(tenantID: String, in database: any SQLDatabase) async throws {
        try await database.raw("DELETE FROM change_events WHERE tenant_id = \(bind: tenantID)").run()
        try await database.raw("DELETE FROM change_event_sequences WHERE tenant_id = \(bind: tenantID)").run()
    }
}

/// An event's JSON, written once: everything but `sequence` before the numbers are known, so that taking them
/// costs only the splice of one number into the text.
///
/// `{"sequence":N,"id":…,"type":…,"tenant":…,"idp":…,"time":…,"data":…,"previous":…}` (`previous` for updates only).
struct RenderedEvent: Sendable {
    let id: String
    let type: String
    let idpID: String?
    /// The text after `"sequence":N`, starting with its comma.
    private let tail: [UInt8]

    init(event: PendingChangeEvent, tenantID: String, time: String) {
        id = RandomUUID.lowercasedString()
        type = event.type.rawValue
        idpID = event.idpID
        var writer = JSONWriter(capacity: 512)
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("id")
        writer.write(.string(id))
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("type")
        writer.write(.string(type))
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("tenant")
        writer.write(.string(tenantID))
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("idp")
        writer.write(event.idpID.map(JSONValue.string) ?? .null)
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("time")
        writer.write(.string(time))
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("data")
        writer.write(event.data)
        if let previous = event.previous {
            writer.appendByte(UInt8(ascii: ","))
            writer.writeKey("previous")
            writer.write(previous)
        }
        writer.appendByte(UInt8(ascii: "}"))
        tail = writer.bytes
    }

    func body(sequence: Int64) -> String {
        var bytes: [UInt8] = Array("{\"sequence\":\(sequence)".utf8)
        bytes.append(contentsOf: tail)
        return String(decoding: bytes, as: UTF8.self)
    }
}
