import Foundation
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The directory service as its callers see it: tenants, identity providers, users and groups.
package protocol DirectoryClient: DirectoryApplicationReads, DirectoryProvisioningLogReads {
    func createTenant(_ request: TenantCreateRequest, logger: Logger) async throws -> Tenant
    func listTenants(logger: Logger) async throws -> [Tenant]
    func tenant(_ id: String, logger: Logger) async throws -> Tenant
    func updateTenant(_ id: String, _ request: TenantUpdateRequest, logger: Logger) async throws -> Tenant
    func deleteTenant(_ id: String, logger: Logger) async throws

    func createIdentityProvider(tenantID: String, _ request: IdentityProviderCreateRequest, logger: Logger) async throws -> IdentityProvider
    func listIdentityProviders(tenantID: String, logger: Logger) async throws -> [IdentityProvider]
    func identityProvider(tenantID: String, idpID: String, logger: Logger) async throws -> IdentityProvider
    func updateIdentityProvider(
        tenantID: String,
        idpID: String,
        _ request: IdentityProviderUpdateRequest,
        logger: Logger
    ) async throws -> IdentityProvider
    func deleteIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws

    // Users and groups. Each SCIM write answers as the gateway's client will see it (``RenderedScim``), rendered by
    // the directory for `rendering`; so do the reads the gateway relays.
    func createUser(
        tenantID: String,
        idpID: String,
        _ request: UserWriteRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws
        -> RenderedScim
    func renderedUser(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim
    /// The stored resource, for the gateway's user PATCH (a read-modify-write that needs the document itself).
    func user(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> StoredResource
    func replaceUser(
        tenantID: String,
        idpID: String,
        id: String,
        _ request: UserReplaceRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim
    /// The attributes the delete changed (``ProvisioningHeaders/changedAttributes``), for the provisioning log.
    @discardableResult
    func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws -> [String]?
    /// A page of `rendering.query` as a SCIM `ListResponse`.
    func renderedUserSearch(tenantID: String, idpID: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim
    /// A page of stored users (the mapping service walks an IdP's users with it to re-map them).
    func searchUsers(tenantID: String, idpID: String, _ search: SearchRequest, logger: Logger) async throws -> DirectoryPage
    /// The typed identity attributes stored for a user (404 when there is no such user).
    func userIdentity(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> UserIdentity
    /// Replaces a user's identity attributes (a re-mapping) without touching its resource or version.
    func setUserIdentity(tenantID: String, idpID: String, id: String, _ update: UserIdentityUpdate, logger: Logger) async throws
    /// A page of the tenant's change-event feed as the directory rendered it (`query`: the client's, unread).
    func renderedChangeEvents(tenantID: String, query: String?, logger: Logger) async throws -> [UInt8]
    /// The application's edit of a group (`body`: the client's JSON, unread), answered as the directory rendered it.
    func editGroup(tenantID: String, id: String, body: Data, logger: Logger) async throws -> [UInt8]

    func createGroup(
        tenantID: String,
        idpID: String,
        _ request: GroupWriteRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws
        -> RenderedScim
    func renderedGroup(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim
    func replaceGroup(
        tenantID: String,
        idpID: String,
        id: String,
        _ request: GroupWriteRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim
    func patchGroup(
        tenantID: String,
        idpID: String,
        id: String,
        _ request: GroupPatchRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim
    /// The attributes the delete changed (``ProvisioningHeaders/changedAttributes``), for the provisioning log.
    @discardableResult
    func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws -> [String]?
    func renderedGroupSearch(tenantID: String, idpID: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim

    /// The tenant's activity log, newest first, optionally of one identity provider.
    func activity(tenantID: String, idpID: String?, limit: Int, logger: Logger) async throws -> [ActivityEntry]

    /// The webhook API (DirectoryClient+Webhooks.swift): `subpath` under the tenant's `webhooks`, relayed as JSON bytes.
    func webhooks(_ method: HTTPMethod, tenantID: String, subpath: String, body: Data?, logger: Logger) async throws -> Data

    /// Stores a gateway's batch of provisioning-log entries and read counts (`POST /internal/v1/provisioning-log`).
    func recordProvisioning(_ batch: ProvisioningLogBatch, logger: Logger) async throws
}

package struct HTTPDirectoryClient: DirectoryClient {
    let client: InternalHTTPClient  // internal: extensions in other files (DirectoryClient+Identity) use it

    package init(client: InternalHTTPClient) { self.client = client }

    private func idpPath(_ tenantID: String, _ idpID: String) -> String {
        "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))"
    }

    package func createTenant(_ request: TenantCreateRequest, logger: Logger) async throws -> Tenant {
        try await client.send(.POST, "/internal/v1/tenants", body: request, logger: logger)
    }
    package func listTenants(logger: Logger) async throws -> [Tenant] {
        try await client.send(.GET, "/internal/v1/tenants", logger: logger)
    }
    package func tenant(_ id: String, logger: Logger) async throws -> Tenant {
        try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(id))", logger: logger)
    }
    package func updateTenant(_ id: String, _ request: TenantUpdateRequest, logger: Logger) async throws -> Tenant {
        try await client.send(.PATCH, "/internal/v1/tenants/\(pathSegment(id))", body: request, logger: logger)
    }
    package func deleteTenant(_ id: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, "/internal/v1/tenants/\(pathSegment(id))", logger: logger)
    }

    package func createIdentityProvider(tenantID: String, _ request: IdentityProviderCreateRequest, logger: Logger) async throws -> IdentityProvider {
        try await client.send(.POST, "/internal/v1/tenants/\(pathSegment(tenantID))/idps", body: request, logger: logger)
    }
    package func listIdentityProviders(tenantID: String, logger: Logger) async throws -> [IdentityProvider] {
        try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(tenantID))/idps", logger: logger)
    }
    package func identityProvider(tenantID: String, idpID: String, logger: Logger) async throws -> IdentityProvider {
        try await client.send(.GET, idpPath(tenantID, idpID), logger: logger)
    }
    package func updateIdentityProvider(
        tenantID: String,
        idpID: String,
        _ request: IdentityProviderUpdateRequest,
        logger: Logger
    ) async throws -> IdentityProvider {
        try await client.send(.PATCH, idpPath(tenantID, idpID), body: request, logger: logger)
    }
    package func deleteIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, idpPath(tenantID, idpID), logger: logger)
    }

    private func usersPath(_ tenantID: String, _ idpID: String) -> String { idpPath(tenantID, idpID) + "/users" }
    private func groupsPath(_ tenantID: String, _ idpID: String) -> String { idpPath(tenantID, idpID) + "/groups" }

    package func createUser(
        tenantID: String,
        idpID: String,
        _ request: UserWriteRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        try await client.sendRendered(
            .POST,
            Self.oneResource(usersPath(tenantID, idpID), rendering),
            body: request.encoded(),
            rendering,
            logger: logger
        )
    }
    package func renderedUser(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim {
        try await client.sendRendered(
            .GET,
            Self.oneResource(usersPath(tenantID, idpID) + "/\(pathSegment(id))", rendering),
            rendering,
            logger: logger
        )
    }
    package func user(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> StoredResource {
        try await client.send(.GET, usersPath(tenantID, idpID) + "/\(pathSegment(id))", logger: logger)
    }
    package func replaceUser(
        tenantID: String,
        idpID: String,
        id: String,
        _ request: UserReplaceRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        try await client.sendRendered(
            .PUT,
            Self.oneResource(usersPath(tenantID, idpID) + "/\(pathSegment(id))", rendering),
            body: request.encoded(),
            rendering,
            logger: logger
        )
    }
    package func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws -> [String]? {
        try await client.sendReportingChanges(.DELETE, usersPath(tenantID, idpID) + "/\(pathSegment(id))" + ifMatchQuery(ifMatch), logger: logger)
    }
    package func renderedUserSearch(tenantID: String, idpID: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim {
        let call = Self.listCall(usersPath(tenantID, idpID), rendering.query)
        return try await client.sendRendered(call.method, call.path, body: call.body?.encoded(), rendering, logger: logger)
    }
    package func searchUsers(tenantID: String, idpID: String, _ search: SearchRequest, logger: Logger) async throws -> DirectoryPage {
        let call = Self.listCall(usersPath(tenantID, idpID), search)
        return try await client.send(call.method, call.path, body: call.body, logger: logger)
    }

    package func createGroup(
        tenantID: String,
        idpID: String,
        _ request: GroupWriteRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        try await client.sendRendered(
            .POST,
            Self.oneResource(groupsPath(tenantID, idpID), rendering),
            body: request.encoded(),
            rendering,
            logger: logger
        )
    }
    package func renderedGroup(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim {
        try await client.sendRendered(
            .GET,
            Self.oneResource(groupsPath(tenantID, idpID) + "/\(pathSegment(id))", rendering),
            rendering,
            logger: logger
        )
    }
    package func replaceGroup(
        tenantID: String,
        idpID: String,
        id: String,
        _ request: GroupWriteRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        try await client.sendRendered(
            .PUT,
            Self.oneResource(groupsPath(tenantID, idpID) + "/\(pathSegment(id))", rendering),
            body: request.encoded(),
            rendering,
            logger: logger
        )
    }
    package func patchGroup(
        tenantID: String,
        idpID: String,
        id: String,
        _ request: GroupPatchRequest,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        try await client.sendRendered(
            .PATCH,
            Self.oneResource(groupsPath(tenantID, idpID) + "/\(pathSegment(id))", rendering),
            body: request.encoded(),
            rendering,
            logger: logger
        )
    }
    package func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws -> [String]? {
        try await client.sendReportingChanges(.DELETE, groupsPath(tenantID, idpID) + "/\(pathSegment(id))" + ifMatchQuery(ifMatch), logger: logger)
    }
    package func renderedGroupSearch(tenantID: String, idpID: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedScim {
        let call = Self.listCall(groupsPath(tenantID, idpID), rendering.query)
        return try await client.sendRendered(call.method, call.path, body: call.body?.encoded(), rendering, logger: logger)
    }

    package func activity(tenantID: String, idpID: String?, limit: Int, logger: Logger) async throws -> [ActivityEntry] {
        let idpQuery = idpID.map { "&idp=\(pathSegment($0))" } ?? ""
        return try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(tenantID))/activity?limit=\(limit)\(idpQuery)", logger: logger)
    }

    /// A path to one resource with the client's projection as its query (what the answer about one resource
    /// depends on).
    static func oneResource(_ path: String, _ rendering: ScimRendering) -> String {
        let query = rendering.query.projectionQuery
        return query.isEmpty ? path : path + "?" + query
    }

    private func ifMatchQuery(_ ifMatch: Int?) -> String { ifMatch.map { "?ifMatch=\($0)" } ?? "" }

    /// The longest list query sent in the URL; a longer one (a client's `POST /.search` may carry a filter of many
    /// kilobytes) goes as a `.search` body to `…/search`, which has no such limit.
    package static let maximumListQueryLength = 4096

    /// How a list goes to the directory: a `GET` of `collection` with the query in the URL, or, when that would be
    /// too long, a `POST` of the query as a SCIM `.search` body to `collection/search`. Either way the directory
    /// reads back the same ``SearchRequest``.
    static func listCall(_ collection: String, _ search: SearchRequest) -> (method: HTTPMethod, path: String, body: JSONValue?) {
        if let path = listPath(collection, search) { return (.GET, path, nil) }
        return (.POST, collection + "/search", search.searchBody)
    }

    /// `collection` with the query, or nil when the query would be longer than ``maximumListQueryLength``.
    package static func listPath(_ collection: String, _ search: SearchRequest) -> String? {
        let query = search.rawQuery
        guard query.utf8.count <= maximumListQueryLength else { return nil }
        return query.isEmpty ? collection : collection + "?" + query
    }
}
