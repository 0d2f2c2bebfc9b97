import Foundation
import InternalAPI
import Logging
import Persistence
import SQLKit
import ScimCore

/// ``DirectoryStore`` on SQL: the same code for SQLite and PostgreSQL.
struct SQLDirectoryStore: DirectoryStore {
    let storage: any SQLStorage

    func isReachable() async -> Bool {
        (try? await storage.read { database in try await database.raw("SELECT 1 AS one").first() }) != nil
    }

    // MARK: Tenants

    func createTenant(_ tenant: Tenant, actor: String) async throws -> Tenant {
        do {
            try await storage.write { database in
                try await database.raw(
                    """
                    INSERT INTO tenants (id, name, created_at, updated_at)
                    VALUES (\(bind: tenant.id), \(bind: tenant.name), \(bind: Timestamp.string(from: tenant.createdAt)), \(bind: Timestamp.string(from: tenant.updatedAt)))
                    """
                ).run()
                try await Self.record(
                    ActivityEvent(tenantID: tenant.id, actor: actor, action: "tenant.created", resourceType: "Tenant", resourceID: tenant.id), in: database)
            }
        } catch where StorageErrors.isUniqueViolation(error) {
            throw ScimError.uniqueness("A tenant with id '\(tenant.id)' already exists.")
        }
        return tenant
    }

    func tenants() async throws -> [Tenant] {
        try await storage.read { database in
            try await database.raw("SELECT id, name, created_at, updated_at FROM tenants ORDER BY id").all().map(Self.tenant(from:))
        }
    }

    func tenant(id: String) async throws -> Tenant? {
        try await storage.read { database in
            try await database.raw("SELECT id, name, created_at, updated_at FROM tenants WHERE id = \(bind: id)").first().map(Self.tenant(from:))
        }
    }

    func updateTenant(_ tenant: Tenant, actor: String) async throws {
        try await storage.write { database in
            try await database.raw(
                "UPDATE tenants SET name = \(bind: tenant.name), updated_at = \(bind: Timestamp.string(from: tenant.updatedAt)) WHERE id = \(bind: tenant.id)"
            ).run()
            try await Self.record(
                ActivityEvent(tenantID: tenant.id, actor: actor, action: "tenant.updated", resourceType: "Tenant", resourceID: tenant.id), in: database)
        }
    }

    func deleteTenant(id: String, actor: String) async throws -> Bool {
        try await storage.write { database in
            guard try await database.raw("SELECT id FROM tenants WHERE id = \(bind: id)").first() != nil else { return false }
            // Users and groups first: their foreign key is to identity_providers, whose rows the tenant cascade removes.
            try await database.raw("DELETE FROM group_members WHERE group_id IN (SELECT id FROM groups WHERE tenant_id = \(bind: id))").run()
            try await database.raw("DELETE FROM groups WHERE tenant_id = \(bind: id)").run()
            try await database.raw("DELETE FROM user_emails WHERE tenant_id = \(bind: id)").run()
            try await database.raw("DELETE FROM users WHERE tenant_id = \(bind: id)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: id)").run()
            try await database.raw("DELETE FROM tenants WHERE id = \(bind: id)").run()
            try await database.raw("DELETE FROM activity_log WHERE tenant_id = \(bind: id)").run()
            return true
        }
    }

    private static func tenant(from row: any SQLRow) throws -> Tenant {
        Tenant(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: try date(row, "created_at"),
            updatedAt: try date(row, "updated_at"))
    }

    // MARK: Identity providers

    func createIdentityProvider(_ idp: IdentityProvider, actor: String) async throws -> IdentityProvider {
        do {
            try await storage.write { database in
                try await database.raw(
                    """
                    INSERT INTO identity_providers (tenant_id, id, name, description, provider_type, created_at, updated_at)
                    VALUES (\(bind: idp.tenantID), \(bind: idp.id), \(bind: idp.name), \(bind: idp.description), \(bind: idp.providerType.rawValue),
                            \(bind: Timestamp.string(from: idp.createdAt)), \(bind: Timestamp.string(from: idp.updatedAt)))
                    """
                ).run()
                try await Self.record(
                    ActivityEvent(
                        tenantID: idp.tenantID, idpID: idp.id, actor: actor, action: "idp.created", resourceType: "IdentityProvider",
                        resourceID: idp.id, detail: "type=\(idp.providerType.rawValue)"),
                    in: database)
            }
        } catch where StorageErrors.isUniqueViolation(error) {
            throw ScimError.uniqueness("An identity provider with id '\(idp.id)' already exists in tenant '\(idp.tenantID)'.")
        } catch where StorageErrors.isForeignKeyViolation(error) {
            throw ScimError.notFound("Tenant '\(idp.tenantID)' not found.")
        }
        return idp
    }

    func identityProviders(tenantID: String) async throws -> [IdentityProvider] {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM identity_providers WHERE tenant_id = \(bind: tenantID) ORDER BY id"
            ).all().map(Self.identityProvider(from:))
        }
    }

    func identityProvider(tenantID: String, id: String) async throws -> IdentityProvider? {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id)"
            ).first().map(Self.identityProvider(from:))
        }
    }

    func updateIdentityProvider(_ idp: IdentityProvider, actor: String) async throws {
        try await storage.write { database in
            try await database.raw(
                """
                UPDATE identity_providers SET name = \(bind: idp.name), description = \(bind: idp.description),
                    provider_type = \(bind: idp.providerType.rawValue), updated_at = \(bind: Timestamp.string(from: idp.updatedAt))
                WHERE tenant_id = \(bind: idp.tenantID) AND id = \(bind: idp.id)
                """
            ).run()
            try await Self.record(
                ActivityEvent(
                    tenantID: idp.tenantID, idpID: idp.id, actor: actor, action: "idp.updated", resourceType: "IdentityProvider",
                    resourceID: idp.id, detail: "type=\(idp.providerType.rawValue)"),
                in: database)
        }
    }

    func deleteIdentityProvider(tenantID: String, id: String, actor: String) async throws -> Bool {
        try await storage.write { database in
            guard try await database.raw(
                "SELECT id FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id)"
            ).first() != nil else { return false }
            try await database.raw(
                "DELETE FROM group_members WHERE group_id IN (SELECT id FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id))"
            ).run()
            try await database.raw("DELETE FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id)").run()
            try await database.raw("DELETE FROM user_emails WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id)").run()
            try await database.raw("DELETE FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id)").run()
            try await Self.record(
                ActivityEvent(tenantID: tenantID, idpID: id, actor: actor, action: "idp.deleted", resourceType: "IdentityProvider", resourceID: id),
                in: database)
            return true
        }
    }

    private static func identityProvider(from row: any SQLRow) throws -> IdentityProvider {
        let typeText = try row.decode(column: "provider_type", as: String.self)
        return IdentityProvider(
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            providerType: ProviderType(lenient: typeText) ?? .generic,
            createdAt: try date(row, "created_at"),
            updatedAt: try date(row, "updated_at"))
    }

    // MARK: Users

    func insertUser(_ user: UserRecord, actor: String) async throws {
        do {
            try await storage.write { database in
                try await database.raw(
                    """
                    INSERT INTO users (id, tenant_id, idp_id, user_name, user_name_lower, external_id, display_name, active,
                                       resource, identity, version, created, last_modified)
                    VALUES (\(bind: user.id), \(bind: user.tenantID), \(bind: user.idpID), \(bind: user.userName), \(bind: user.userName.lowercased()),
                            \(bind: user.externalID), \(bind: user.displayName), \(bind: user.active),
                            \(bind: user.resource.encodedString()), \(bind: JSONValue.object(user.identity).encodedString()),
                            \(bind: user.version), \(bind: user.created), \(bind: user.lastModified))
                    """
                ).run()
                for email in user.emails {
                    try await database.raw(
                        """
                        INSERT INTO user_emails (user_id, tenant_id, idp_id, value_lower, type, is_primary)
                        VALUES (\(bind: user.id), \(bind: user.tenantID), \(bind: user.idpID), \(bind: email.value.lowercased()), \(bind: email.type), \(bind: email.primary))
                        """
                    ).run()
                }
                try await Self.record(
                    ActivityEvent(
                        tenantID: user.tenantID, idpID: user.idpID, actor: actor, action: "user.created", resourceType: "User", resourceID: user.id),
                    in: database)
            }
        } catch where StorageErrors.isUniqueViolation(error) {
            throw ScimError.uniqueness("A user with userName '\(user.userName)' already exists.")
        } catch where StorageErrors.isForeignKeyViolation(error) {
            throw ScimError.notFound("Identity provider '\(user.idpID)' of tenant '\(user.tenantID)' not found.")
        }
    }

    func user(tenantID: String, idpID: String, id: String) async throws -> UserRecord? {
        try await storage.read { database in
            try await database.raw(
                """
                SELECT id, tenant_id, idp_id, user_name, external_id, display_name, active, resource, identity, version, created, last_modified
                FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)
                """
            ).first().map(Self.user(from:))
        }
    }

    private static func user(from row: any SQLRow) throws -> UserRecord {
        UserRecord(
            id: try row.decode(column: "id", as: String.self),
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            idpID: try row.decode(column: "idp_id", as: String.self),
            userName: try row.decode(column: "user_name", as: String.self),
            externalID: try row.decode(column: "external_id", as: String?.self),
            displayName: try row.decode(column: "display_name", as: String?.self),
            active: try row.decode(column: "active", as: Bool.self),
            emails: [],
            resource: try json(row, "resource"),
            identity: try json(row, "identity").objectValue ?? [:],
            version: try row.decode(column: "version", as: Int.self),
            created: try row.decode(column: "created", as: String.self),
            lastModified: try row.decode(column: "last_modified", as: String.self))
    }

    // MARK: Activity

    func activity(tenantID: String, limit: Int) async throws -> [ActivityEvent] {
        try await storage.read { database in
            try await database.raw(
                """
                SELECT tenant_id, idp_id, actor, action, resource_type, resource_id, detail FROM activity_log
                WHERE tenant_id = \(bind: tenantID) ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                ActivityEvent(
                    tenantID: try row.decode(column: "tenant_id", as: String.self),
                    idpID: try row.decode(column: "idp_id", as: String?.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    resourceType: try row.decode(column: "resource_type", as: String?.self),
                    resourceID: try row.decode(column: "resource_id", as: String?.self),
                    detail: try row.decode(column: "detail", as: String?.self))
            }
        }
    }

    private static func record(_ event: ActivityEvent, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO activity_log (tenant_id, idp_id, occurred_at, actor, action, resource_type, resource_id, detail)
            VALUES (\(bind: event.tenantID), \(bind: event.idpID), \(bind: Timestamp.now()), \(bind: event.actor), \(bind: event.action),
                    \(bind: event.resourceType), \(bind: event.resourceID), \(bind: event.detail))
            """
        ).run()
    }

    // MARK: Row helpers

    private static func date(_ row: any SQLRow, _ column: String) throws -> Date {
        let text = try row.decode(column: column, as: String.self)
        guard let date = Timestamp.date(from: text) else { throw ScimError.internalError("Stored timestamp is unreadable.") }
        return date
    }

    private static func json(_ row: any SQLRow, _ column: String) throws -> JSONValue {
        let text = try row.decode(column: column, as: String.self)
        do {
            return try JSONValue.decode(Data(text.utf8))
        } catch {
            throw ScimError.internalError("Stored JSON is unreadable.")
        }
    }
}
