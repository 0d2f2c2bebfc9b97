import Foundation
import InternalAPI
import Logging
import Persistence
import SQLKit
import ScimCore

extension SQLDirectoryStore {
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
                    ActivityEvent(tenantID: tenant.id, actor: actor, action: "tenant.created", resourceType: "Tenant", resourceID: tenant.id),
                    in: database
                )
                try await ChangeEventOutbox.createSequence(tenantID: tenant.id, in: database)
            }
        } catch  where StorageErrors.isUniqueViolation(error) {
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
                ActivityEvent(tenantID: tenant.id, actor: actor, action: "tenant.updated", resourceType: "Tenant", resourceID: tenant.id),
                in: database
            )
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
            try await ChangeEventOutbox.deleteAll(tenantID: id, in: database)
            try await ProvisioningLogStore.deleteAll(tenantID: id, in: database)
            return true
        }
    }

    static func tenant(from row: any SQLRow) throws -> Tenant {
        Tenant(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: try date(row, "created_at"),
            updatedAt: try date(row, "updated_at")
        )
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
                        tenantID: idp.tenantID,
                        idpID: idp.id,
                        actor: actor,
                        action: "idp.created",
                        resourceType: "IdentityProvider",
                        resourceID: idp.id,
                        detail: "type=\(idp.providerType.rawValue)"
                    ),
                    in: database
                )
                try await ChangeEventOutbox.append([ChangeEvents.idpCreated(idp)], tenantID: idp.tenantID, in: database)
            }
        } catch  where StorageErrors.isUniqueViolation(error) {
            throw ScimError.uniqueness("An identity provider with id '\(idp.id)' already exists in tenant '\(idp.tenantID)'.")
        } catch  where StorageErrors.isForeignKeyViolation(error) {
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
                    provider_type = \(bind: idp.providerType.rawValue), updated_at = \(bind: Timestamp.string(from: idp.updatedAt)),
                    groups_editable = \(bind: idp.groupsEditable)
                WHERE tenant_id = \(bind: idp.tenantID) AND id = \(bind: idp.id)
                """
            ).run()
            try await Self.record(
                ActivityEvent(
                    tenantID: idp.tenantID,
                    idpID: idp.id,
                    actor: actor,
                    action: "idp.updated",
                    resourceType: "IdentityProvider",
                    resourceID: idp.id,
                    detail: "type=\(idp.providerType.rawValue)"
                ),
                in: database
            )
        }
    }

    func deleteIdentityProvider(tenantID: String, id: String, actor: String) async throws -> Bool {
        try await storage.write { database in
            guard
                let current = try await database.raw(
                    "SELECT name FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id)"
                ).first()
            else { return false }
            try await database.raw(
                "DELETE FROM group_members WHERE group_id IN (SELECT id FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id))"
            ).run()
            try await database.raw("DELETE FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id)").run()
            try await database.raw("DELETE FROM user_emails WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id)").run()
            try await database.raw("DELETE FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: id)").run()
            try await database.raw("DELETE FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id)").run()
            try await ProvisioningLogStore.deleteAll(tenantID: tenantID, idpID: id, in: database)
            try await Self.record(
                ActivityEvent(tenantID: tenantID, idpID: id, actor: actor, action: "idp.deleted", resourceType: "IdentityProvider", resourceID: id),
                in: database
            )
            let name = try current.decode(column: "name", as: String.self)
            try await ChangeEventOutbox.append([ChangeEvents.idpDeleted(id: id, name: name)], tenantID: tenantID, in: database)
            return true
        }
    }

    static func identityProvider(from row: any SQLRow) throws -> IdentityProvider {
        let typeText = try row.decode(column: "provider_type", as: String.self)
        return IdentityProvider(
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            providerType: ProviderType(lenient: typeText) ?? .generic,
            createdAt: try date(row, "created_at"),
            updatedAt: try date(row, "updated_at"),
            groupsEditable: try row.decode(column: "groups_editable", as: Bool.self)
        )
    }

}
