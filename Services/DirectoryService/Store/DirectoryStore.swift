import Foundation
import InternalAPI
import ScimCore
import ScimFilter
import ScimPatch

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
    /// The resource as the IdP sent it (canonicalized), without `id`, `meta` and `groups`.
    var resource: JSONValue
    /// Typed identity attributes from the mapping service: written with the user; reads of the SCIM representation
    /// leave them out (empty) and ``DirectoryStore/userIdentity(tenantID:idpID:id:)`` reads them alone.
    var identity: [String: JSONValue]
    var version: Int
    var created: String
    var lastModified: String
    /// Groups the user is a direct member of (read-only, derived from membership rows).
    var groups: [GroupReference] = []

    struct EmailRow: Sendable, Hashable {
        var value: String
        var type: String?
        var primary: Bool
    }
}

struct GroupReference: Sendable, Hashable {
    var id: String
    var displayName: String
}

/// A user as a rendered read needs it: the stored document still as its JSON text, with what the representation
/// adds to it (`id`, `groups`, `meta`). ``UserTextRendering`` copies the text into the answer instead of parsing it.
struct StoredUserText: Sendable, Hashable {
    var id: String
    /// The `resource` column as stored (``JSONWriter``'s text of the document).
    var resourceText: String
    var version: Int
    var created: String
    var lastModified: String
    var groups: [GroupReference]
}

/// A group: its document (without members) and, when asked for, its membership rows.
struct GroupRecord: Sendable, Hashable {
    var id: String
    var tenantID: String
    var idpID: String
    var displayName: String
    var externalID: String?
    /// The resource as the IdP sent it (canonicalized), without `id`, `meta` and `members`.
    var resource: JSONValue
    var version: Int
    var created: String
    var lastModified: String
    /// nil when the members were not loaded.
    var members: [MemberRow]?
}

struct MemberRow: Sendable, Hashable {
    var value: String
    var type: String
    var display: String?
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
    /// Set when read back; a new event is stamped when stored.
    var occurredAt: String? = nil
}

/// A list query in storage terms: a translated, allow-listed filter and order, plus paging.
struct ListQuery: Sendable {
    var filter: SQLFragment?
    /// An allow-listed column expression from `SQLTranslator.orderBy`; nil = creation order.
    var orderBy: String?
    var descending: Bool
    var startIndex: Int
    var count: Int
    var cursor: ListCursor?
    var includeMembers: Bool
    /// The filter names at most one resource through a unique index (`id eq`, a user's `userName eq`): the list is
    /// a point lookup (`SQLStorage.lookup`).
    var isUniqueMatch = false
}

/// Where a cursor-paged list (RFC 9865) continues: after this (created, id).
struct ListCursor: Sendable, Hashable, Codable {
    var created: String
    var id: String
}

struct ListResult<Record: Sendable>: Sendable {
    var totalResults: Int
    var records: [Record]
    var nextCursor: ListCursor?
}

/// A PATCH of a group as the store applies it inside its transaction.
typealias GroupMutation = @Sendable (_ current: JSONValue) throws(ScimError) -> PatchResult

/// The directory's storage. Every write also appends its activity event, in the same transaction.
protocol DirectoryStore: ApplicationReadStore {
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
    /// Replaces the document and columns, bumping the version. 404, 412 `invalidVers` (stale `ifMatch`), 409.
    /// Its changed attributes are empty when the document and identity stayed the same.
    func replaceUser(_ user: UserRecord, ifMatch: Int?, actor: String) async throws -> Written<UserRecord>
    /// Deletes the user and its memberships. 404, 412. Returns what changed (``ChangeEvents/deletedAttributes(_:membershipsRemoved:)``).
    @discardableResult
    func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, actor: String) async throws -> [String]
    func listUsers(tenantID: String, idpID: String, query: ListQuery) async throws -> ListResult<UserRecord>
    /// ``user(tenantID:idpID:id:)`` and ``listUsers(tenantID:idpID:query:)`` with the documents left as stored text,
    /// for reads the directory renders.
    func userText(tenantID: String, idpID: String, id: String) async throws -> StoredUserText?
    func listUserTexts(tenantID: String, idpID: String, query: ListQuery) async throws -> ListResult<StoredUserText>

    /// Members must be users or groups of the same IdP (400 `invalidValue` naming the others).
    func insertGroup(_ group: GroupRecord, members: [MemberReference], actor: String) async throws -> GroupRecord
    func group(tenantID: String, idpID: String, id: String, includeMembers: Bool) async throws -> GroupRecord?
    func replaceGroup(_ group: GroupRecord, members: [MemberReference], ifMatch: Int?, actor: String) async throws -> Written<GroupRecord>
    /// Applies `mutation` to the stored document and its membership changes to the rows, in one transaction.
    func patchGroup(
        tenantID: String,
        idpID: String,
        id: String,
        ifMatch: Int?,
        includeMembers: Bool,
        actor: String,
        mutation: @escaping GroupMutation
    ) async throws -> Written<GroupRecord>
    @discardableResult
    func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, actor: String) async throws -> [String]
    func listGroups(tenantID: String, idpID: String, query: ListQuery) async throws -> ListResult<GroupRecord>

    /// The newest events first, optionally of one identity provider only.
    func activity(tenantID: String, idpID: String?, limit: Int) async throws -> [ActivityEvent]
    /// A user's identity attributes; nil when there is no such user.
    func userIdentity(tenantID: String, idpID: String, id: String) async throws -> [String: JSONValue]?
    /// Replaces a user's identity attributes without a new version (a re-mapping); false when there is no such user.
    func setUserIdentity(tenantID: String, idpID: String, id: String, identity: [String: JSONValue]) async throws -> Bool
    /// Appends an event another service reports (token events); false when the tenant does not exist.
    func appendActivity(_ event: ActivityEvent) async throws -> Bool
    /// The application's edit of a group whose IdP allows it (README "Externally managed groups"): 404, 409.
    func editGroup(tenantID: String, id: String, edit: GroupEdit, actor: String) async throws -> (group: GroupRecord, memberCount: Int)
}
