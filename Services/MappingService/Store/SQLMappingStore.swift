import Foundation
import IdentityMapping
import Logging
import Persistence
import SQLKit

/// `MappingStore` on SQL (SQLite or PostgreSQL through SQLKit). Attributes, mappings and jobs live in
/// extensions; this file holds identity providers, deletion and the audit trail.
struct SQLMappingStore: MappingStore {
    let storage: any SQLStorage

    func isReachable() async -> Bool {
        (try? await storage.read { database in try await database.raw("SELECT 1 AS one").first() }) != nil
    }

    func registerIdentityProvider(tenantID: String, idpID: String, providerType: String, mappings: [AttributeMapping]) async throws {
        try await storage.write { database in
            if let row = try await database.raw(
                "SELECT provider_type, customized FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
            ).first() {
                let currentType = try row.decode(column: "provider_type", as: String.self)
                guard currentType.lowercased() != providerType.lowercased() else { return }
                try await database.raw(
                    "UPDATE identity_providers SET provider_type = \(bind: providerType) WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
                ).run()
                let event = MappingEvent(
                    tenantID: tenantID,
                    idpID: idpID,
                    actor: "admin",
                    action: "idp.provider-type-changed",
                    subject: idpID,
                    detail: "\(currentType) → \(providerType)"
                )
                try await Self.record(event, in: database)
                guard try !row.decode(column: "customized", as: Bool.self) else { return }
                try await database.raw("DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)").run()
            } else {
                try await database.raw(
                    "INSERT INTO identity_providers (tenant_id, idp_id, provider_type, created_at, customized) VALUES (\(bind: tenantID), \(bind: idpID), \(bind: providerType), \(bind: Timestamp.now()), \(bind: false))"
                ).run()
            }
            for mapping in mappings {
                try await Self.upsert(mapping, tenantID: tenantID, idpID: idpID, in: database)
            }
        }
    }

    func identityProvider(tenantID: String, idpID: String) async throws -> RegisteredIdentityProvider? {
        try await storage.read { database in
            try await database.raw(
                "SELECT provider_type, customized FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
            ).first().map { row in
                RegisteredIdentityProvider(
                    tenantID: tenantID,
                    idpID: idpID,
                    providerType: try row.decode(column: "provider_type", as: String.self),
                    customized: try row.decode(column: "customized", as: Bool.self)
                )
            }
        }
    }

    func deleteIdentityProvider(tenantID: String, idpID: String) async throws {
        try await storage.write { database in
            try await database.raw("DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)").run()
            try await database.raw(
                "UPDATE reapply_jobs SET state = 'failed', detail = 'The identity provider was deleted.', updated_at = \(bind: Timestamp.now()) WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND state IN ('pending', 'running')"
            ).run()
        }
    }

    func deleteTenant(tenantID: String) async throws {
        try await storage.write { database in
            try await database.raw("DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: tenantID)").run()
            try await database.raw("DELETE FROM identity_attributes WHERE tenant_id = \(bind: tenantID)").run()
            try await database.raw("DELETE FROM reapply_jobs WHERE tenant_id = \(bind: tenantID)").run()
            try await database.raw("DELETE FROM mapping_events WHERE tenant_id = \(bind: tenantID)").run()
        }
    }

    // MARK: Audit trail

    func events(tenantID: String, limit: Int) async throws -> [MappingEvent] {
        try await storage.read { database in
            try await database.raw(
                "SELECT idp_id, actor, action, subject, detail FROM mapping_events WHERE tenant_id = \(bind: tenantID) ORDER BY id DESC LIMIT \(bind: limit)"
            ).all().map { row in
                MappingEvent(
                    tenantID: tenantID,
                    idpID: try row.decode(column: "idp_id", as: String?.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    subject: try row.decode(column: "subject", as: String.self),
                    detail: try row.decode(column: "detail", as: String?.self)
                )
            }
        }
    }

    static func record(_ event: MappingEvent, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO mapping_events (tenant_id, idp_id, occurred_at, actor, action, subject, detail)
            VALUES (\(bind: event.tenantID), \(bind: event.idpID), \(bind: Timestamp.now()), \(bind: event.actor), \(bind: event.action),
                    \(bind: event.subject), \(bind: event.detail))
            """
        ).run()
    }

    static func upsert(_ mapping: AttributeMapping, tenantID: String, idpID: String, in database: any SQLDatabase) async throws {
        try await database.raw(
            "DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND attribute_lower = \(bind: mapping.attribute.lowercased())"
        ).run()
        try await database.raw(
            """
            INSERT INTO attribute_mappings (tenant_id, idp_id, attribute_lower, attribute, scim_path)
            VALUES (\(bind: tenantID), \(bind: idpID), \(bind: mapping.attribute.lowercased()), \(bind: mapping.attribute), \(bind: mapping.scimPath))
            """
        ).run()
    }
}
