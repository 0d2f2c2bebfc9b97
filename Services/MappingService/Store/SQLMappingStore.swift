import Foundation
import Logging
import Persistence
import SQLKit

struct SQLMappingStore: MappingStore {
    let storage: any SQLStorage

    func isReachable() async -> Bool {
        (try? await storage.read { database in try await database.raw("SELECT 1 AS one").first() }) != nil
    }

    func customAttributes(tenantID: String) async throws -> [IdentityAttribute] {
        try await storage.read { database in
            try await database.raw(
                "SELECT name, description, type, multi_valued, mandatory FROM identity_attributes WHERE tenant_id = \(bind: tenantID) ORDER BY name_lower"
            ).all().map { row in
                IdentityAttribute(
                    name: try row.decode(column: "name", as: String.self),
                    description: try row.decode(column: "description", as: String.self),
                    type: IdentityAttributeType(rawValue: try row.decode(column: "type", as: String.self)) ?? .string,
                    multiValued: try row.decode(column: "multi_valued", as: Bool.self),
                    mandatory: try row.decode(column: "mandatory", as: Bool.self),
                    builtIn: false)
            }
        }
    }

    func registerIdentityProvider(tenantID: String, idpID: String, providerType: String, mappings: [AttributeMapping]) async throws {
        try await storage.write { database in
            guard try await database.raw(
                "SELECT idp_id FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
            ).first() == nil else { return }
            try await database.raw(
                "INSERT INTO identity_providers (tenant_id, idp_id, provider_type, created_at) VALUES (\(bind: tenantID), \(bind: idpID), \(bind: providerType), \(bind: Timestamp.now()))"
            ).run()
            for mapping in mappings {
                try await database.raw(
                    """
                    INSERT INTO attribute_mappings (tenant_id, idp_id, attribute_lower, attribute, scim_path)
                    VALUES (\(bind: tenantID), \(bind: idpID), \(bind: mapping.attribute.lowercased()), \(bind: mapping.attribute), \(bind: mapping.scimPath))
                    """
                ).run()
            }
        }
    }

    func mappings(tenantID: String, idpID: String) async throws -> [AttributeMapping]? {
        try await storage.read { database in
            guard try await database.raw(
                "SELECT idp_id FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
            ).first() != nil else { return nil }
            return try await database.raw(
                "SELECT attribute, scim_path FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) ORDER BY attribute_lower"
            ).all().map { row in
                AttributeMapping(attribute: try row.decode(column: "attribute", as: String.self), scimPath: try row.decode(column: "scim_path", as: String.self))
            }
        }
    }

    func deleteIdentityProvider(tenantID: String, idpID: String) async throws {
        try await storage.write { database in
            try await database.raw("DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)").run()
        }
    }

    func deleteTenant(tenantID: String) async throws {
        try await storage.write { database in
            try await database.raw("DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: tenantID)").run()
            try await database.raw("DELETE FROM identity_attributes WHERE tenant_id = \(bind: tenantID)").run()
        }
    }
}
