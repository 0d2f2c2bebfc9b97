import Foundation
import InternalAPI
import Logging
import ScimCore

/// A user as the directory keeps it: the SCIM document plus the columns IdPs look users up by.
struct UserRecord: Sendable, Hashable {
    var id: String
    var tenantID: String
    var idpID: String
    var userName: String
    var externalID: String?
    var displayName: String?
    var active: Bool
    var emails: [EmailRow]
    /// The resource as the IdP sent it, without `id` and `meta` (those are columns).
    var resource: JSONValue
    /// Typed identity attributes from the mapping service.
    var identity: [String: JSONValue]
    var version: Int
    var created: String
    var lastModified: String

    struct EmailRow: Sendable, Hashable {
        var value: String
        var type: String?
        var primary: Bool
    }
}

/// One entry of a tenant's activity log: who did what to which resource, never a secret.
struct ActivityEvent: Sendable, Hashable {
    var tenantID: String
    var idpID: String?
    var actor: String
    var action: String
    var resourceType: String?
    var resourceID: String?
    var detail: String?
}

/// The directory's storage. Every write also appends its activity event, in the same transaction.
protocol DirectoryStore: Sendable {
    func isReachable() async -> Bool

    /// 409 when the id is taken.
    func createTenant(_ tenant: Tenant, actor: String) async throws -> Tenant
    func tenants() async throws -> [Tenant]
    func tenant(id: String) async throws -> Tenant?
    func updateTenant(_ tenant: Tenant, actor: String) async throws
    /// Deletes the tenant and everything in it. False when there was no such tenant.
    func deleteTenant(id: String, actor: String) async throws -> Bool

    /// 409 when the id is taken in the tenant.
    func createIdentityProvider(_ idp: IdentityProvider, actor: String) async throws -> IdentityProvider
    func identityProviders(tenantID: String) async throws -> [IdentityProvider]
    func identityProvider(tenantID: String, id: String) async throws -> IdentityProvider?
    func updateIdentityProvider(_ idp: IdentityProvider, actor: String) async throws
    /// Deletes the identity provider with its users and groups. False when there was no such IdP.
    func deleteIdentityProvider(tenantID: String, id: String, actor: String) async throws -> Bool

    /// 409 `uniqueness` when the userName is taken in the IdP (case-insensitively).
    func insertUser(_ user: UserRecord, actor: String) async throws
    func user(tenantID: String, idpID: String, id: String) async throws -> UserRecord?

    func activity(tenantID: String, limit: Int) async throws -> [ActivityEvent]
}
