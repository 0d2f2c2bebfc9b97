import Foundation
import IdentityMapping
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// Custom identity attributes and mapping rules.
extension SQLMappingStore {
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
                    builtIn: false
                )
            }
        }
    }

    func createAttribute(tenantID: String, _ attribute: IdentityAttribute, event: MappingEvent) async throws {
        try await storage.write { database in
            if let row = try await database.raw(
                "SELECT name FROM identity_attributes WHERE tenant_id = \(bind: tenantID) AND name_lower = \(bind: attribute.name.lowercased())"
            ).first() {
                let existing = try row.decode(column: "name", as: String.self)
                throw ScimError.uniqueness("The tenant already has an identity attribute named '\(existing)'.")
            }
            try await database.raw(
                """
                INSERT INTO identity_attributes (tenant_id, name, name_lower, description, type, multi_valued, mandatory, created_at)
                VALUES (\(bind: tenantID), \(bind: attribute.name), \(bind: attribute.name.lowercased()), \(bind: attribute.description),
                        \(bind: attribute.type.rawValue), \(bind: attribute.multiValued), \(bind: attribute.mandatory), \(bind: Timestamp.now()))
                """
            ).run()
            try await Self.record(event, in: database)
        }
    }

    func updateAttribute(tenantID: String, _ attribute: IdentityAttribute, event: MappingEvent) async throws -> Bool {
        try await storage.write { database in
            guard
                try await database.raw(
                    "SELECT name FROM identity_attributes WHERE tenant_id = \(bind: tenantID) AND name_lower = \(bind: attribute.name.lowercased())"
                ).first() != nil
            else { return false }
            try await database.raw(
                """
                UPDATE identity_attributes SET description = \(bind: attribute.description), mandatory = \(bind: attribute.mandatory)
                WHERE tenant_id = \(bind: tenantID) AND name_lower = \(bind: attribute.name.lowercased())
                """
            ).run()
            try await Self.record(event, in: database)
            return true
        }
    }

    func deleteAttribute(tenantID: String, name: String, event: MappingEvent) async throws -> Bool {
        try await storage.write { database in
            guard
                let row = try await database.raw(
                    "SELECT name FROM identity_attributes WHERE tenant_id = \(bind: tenantID) AND name_lower = \(bind: name.lowercased())"
                ).first()
            else { return false }
            let stored = try row.decode(column: "name", as: String.self)
            let users = try await Self.mappings(tenantID: tenantID, attribute: name, in: database)
            guard users.isEmpty else {
                let list = users.map { "\($0.idpID) (\($0.scimPath))" }.joined(separator: ", ")
                throw ScimError.conflict(
                    "The identity attribute '\(stored)' is mapped by \(users.count == 1 ? "identity provider" : "identity providers") \(list); remove those mappings first."
                )
            }
            try await database.raw(
                "DELETE FROM identity_attributes WHERE tenant_id = \(bind: tenantID) AND name_lower = \(bind: name.lowercased())"
            ).run()
            try await Self.record(event, in: database)
            return true
        }
    }

    func mappings(tenantID: String, idpID: String) async throws -> [AttributeMapping]? {
        try await storage.read { database in
            guard
                try await database.raw(
                    "SELECT idp_id FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
                ).first() != nil
            else { return nil }
            return try await database.raw(
                "SELECT attribute, scim_path FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) ORDER BY attribute_lower"
            ).all().map { row in
                AttributeMapping(
                    attribute: try row.decode(column: "attribute", as: String.self),
                    scimPath: try row.decode(column: "scim_path", as: String.self)
                )
            }
        }
    }

    func mappings(tenantID: String, attribute: String) async throws -> [(idpID: String, scimPath: String)] {
        try await storage.read { database in try await Self.mappings(tenantID: tenantID, attribute: attribute, in: database) }
    }

    func setMapping(tenantID: String, idpID: String, _ mapping: AttributeMapping, event: MappingEvent) async throws {
        try await storage.write { database in
            try await Self.upsert(mapping, tenantID: tenantID, idpID: idpID, in: database)
            try await Self.markCustomized(tenantID: tenantID, idpID: idpID, in: database)
            try await Self.record(event, in: database)
        }
    }

    func removeMapping(tenantID: String, idpID: String, attribute: String, event: MappingEvent) async throws -> Bool {
        try await storage.write { database in
            let key = attribute.lowercased()
            guard
                try await database.raw(
                    "SELECT attribute FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND attribute_lower = \(bind: key)"
                ).first() != nil
            else { return false }
            try await database.raw(
                "DELETE FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND attribute_lower = \(bind: key)"
            ).run()
            try await Self.markCustomized(tenantID: tenantID, idpID: idpID, in: database)
            try await Self.record(event, in: database)
            return true
        }
    }

    private static func markCustomized(tenantID: String, idpID: String, in database: any SQLDatabase) async throws {
        try await database.raw(
            "UPDATE identity_providers SET customized = \(bind: true) WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)"
        ).run()
    }

    private static func mappings(
        tenantID: String,
        attribute: String,
        in database: any SQLDatabase
    ) async throws -> [(idpID: String, scimPath: String)] {
        try await database.raw(
            "SELECT idp_id, scim_path FROM attribute_mappings WHERE tenant_id = \(bind: tenantID) AND attribute_lower = \(bind: attribute.lowercased()) ORDER BY idp_id"
        ).all().map { row in (try row.decode(column: "idp_id", as: String.self), try row.decode(column: "scim_path", as: String.self)) }
    }
}
