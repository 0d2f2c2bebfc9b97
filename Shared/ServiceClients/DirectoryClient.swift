import NIOHTTP1
import InternalAPI
import Logging
import ScimCore

/// The directory service as its callers see it: tenants, identity providers, users and groups.
package protocol DirectoryClient: Sendable {
    func createTenant(_ request: TenantCreateRequest, logger: Logger) async throws -> Tenant
    func listTenants(logger: Logger) async throws -> [Tenant]
    func tenant(_ id: String, logger: Logger) async throws -> Tenant
    func updateTenant(_ id: String, _ request: TenantUpdateRequest, logger: Logger) async throws -> Tenant
    func deleteTenant(_ id: String, logger: Logger) async throws

    func createIdentityProvider(tenantID: String, _ request: IdentityProviderCreateRequest, logger: Logger) async throws -> IdentityProvider
    func listIdentityProviders(tenantID: String, logger: Logger) async throws -> [IdentityProvider]
    func identityProvider(tenantID: String, idpID: String, logger: Logger) async throws -> IdentityProvider
    func updateIdentityProvider(tenantID: String, idpID: String, _ request: IdentityProviderUpdateRequest, logger: Logger) async throws -> IdentityProvider
    func deleteIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws

    func createUser(tenantID: String, idpID: String, _ request: UserWriteRequest, logger: Logger) async throws -> StoredResource
    func user(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> StoredResource
    func replaceUser(tenantID: String, idpID: String, id: String, _ request: UserReplaceRequest, logger: Logger) async throws -> StoredResource
    func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws
    func searchUsers(tenantID: String, idpID: String, _ search: DirectorySearch, logger: Logger) async throws -> DirectoryPage
    /// The typed identity attributes stored for a user (404 when there is no such user).
    func userIdentity(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> UserIdentity
    /// Replaces a user's identity attributes (a re-mapping) without touching its resource or version.
    func setUserIdentity(tenantID: String, idpID: String, id: String, _ update: UserIdentityUpdate, logger: Logger) async throws

    func createGroup(tenantID: String, idpID: String, _ request: GroupWriteRequest, logger: Logger) async throws -> StoredResource
    func group(tenantID: String, idpID: String, id: String, includeMembers: Bool, logger: Logger) async throws -> StoredResource
    func replaceGroup(tenantID: String, idpID: String, id: String, _ request: GroupWriteRequest, logger: Logger) async throws -> StoredResource
    func patchGroup(tenantID: String, idpID: String, id: String, _ request: GroupPatchRequest, logger: Logger) async throws -> StoredResource
    func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws
    func searchGroups(tenantID: String, idpID: String, _ search: DirectorySearch, logger: Logger) async throws -> DirectoryPage

    /// The tenant's activity log, newest first, optionally of one identity provider.
    func activity(tenantID: String, idpID: String?, limit: Int, logger: Logger) async throws -> [ActivityEntry]

    /// Reads answered as the gateway's client sees them (``ScimRendering``). Each has a default implementation in
    /// terms of the plain reads (DirectoryClient+Rendered.swift); the HTTP client has the directory render them.
    func renderedUser(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedRead
    func renderedGroup(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedRead
    func renderedUserSearch(
        tenantID: String, idpID: String, _ search: DirectorySearch, _ rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead
    func renderedGroupSearch(
        tenantID: String, idpID: String, _ search: DirectorySearch, _ rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead
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
        tenantID: String, idpID: String, _ request: IdentityProviderUpdateRequest, logger: Logger
    ) async throws -> IdentityProvider {
        try await client.send(.PATCH, idpPath(tenantID, idpID), body: request, logger: logger)
    }
    package func deleteIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, idpPath(tenantID, idpID), logger: logger)
    }

    package func createUser(tenantID: String, idpID: String, _ request: UserWriteRequest, logger: Logger) async throws -> StoredResource {
        try await client.send(.POST, idpPath(tenantID, idpID) + "/users", body: request, logger: logger)
    }
    package func user(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> StoredResource {
        try await client.send(.GET, idpPath(tenantID, idpID) + "/users/\(pathSegment(id))", logger: logger)
    }

    package func replaceUser(tenantID: String, idpID: String, id: String, _ request: UserReplaceRequest, logger: Logger) async throws -> StoredResource {
        try await client.send(.PUT, idpPath(tenantID, idpID) + "/users/\(pathSegment(id))", body: request, logger: logger)
    }
    package func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, idpPath(tenantID, idpID) + "/users/\(pathSegment(id))" + ifMatchQuery(ifMatch), logger: logger)
    }
    package func searchUsers(tenantID: String, idpID: String, _ search: DirectorySearch, logger: Logger) async throws -> DirectoryPage {
        let call = Self.listCall(idpPath(tenantID, idpID) + "/users", search)
        return try await client.send(call.method, call.path, body: call.body, logger: logger)
    }

    package func createGroup(tenantID: String, idpID: String, _ request: GroupWriteRequest, logger: Logger) async throws -> StoredResource {
        try await client.send(.POST, idpPath(tenantID, idpID) + "/groups", body: request, logger: logger)
    }
    package func group(tenantID: String, idpID: String, id: String, includeMembers: Bool, logger: Logger) async throws -> StoredResource {
        try await client.send(.GET, idpPath(tenantID, idpID) + "/groups/\(pathSegment(id))?members=\(includeMembers)", logger: logger)
    }
    package func replaceGroup(tenantID: String, idpID: String, id: String, _ request: GroupWriteRequest, logger: Logger) async throws -> StoredResource {
        try await client.send(.PUT, idpPath(tenantID, idpID) + "/groups/\(pathSegment(id))", body: request, logger: logger)
    }
    package func patchGroup(tenantID: String, idpID: String, id: String, _ request: GroupPatchRequest, logger: Logger) async throws -> StoredResource {
        try await client.send(.PATCH, idpPath(tenantID, idpID) + "/groups/\(pathSegment(id))", body: request, logger: logger)
    }
    package func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, idpPath(tenantID, idpID) + "/groups/\(pathSegment(id))" + ifMatchQuery(ifMatch), logger: logger)
    }
    package func searchGroups(tenantID: String, idpID: String, _ search: DirectorySearch, logger: Logger) async throws -> DirectoryPage {
        let call = Self.listCall(idpPath(tenantID, idpID) + "/groups", search)
        return try await client.send(call.method, call.path, body: call.body, logger: logger)
    }

    package func activity(tenantID: String, idpID: String?, limit: Int, logger: Logger) async throws -> [ActivityEntry] {
        let idpQuery = idpID.map { "&idp=\(pathSegment($0))" } ?? ""
        return try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(tenantID))/activity?limit=\(limit)\(idpQuery)", logger: logger)
    }

    package func renderedUser(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedRead {
        try await client.sendRendered(.GET, idpPath(tenantID, idpID) + "/users/\(pathSegment(id))", rendering: rendering, logger: logger)
    }
    package func renderedGroup(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedRead {
        try await client.sendRendered(.GET, idpPath(tenantID, idpID) + "/groups/\(pathSegment(id))", rendering: rendering, logger: logger)
    }
    package func renderedUserSearch(
        tenantID: String, idpID: String, _ search: DirectorySearch, _ rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead {
        let call = Self.listCall(idpPath(tenantID, idpID) + "/users", search)
        return try await client.sendRendered(call.method, call.path, body: call.body?.encoded(), rendering: rendering, logger: logger)
    }
    package func renderedGroupSearch(
        tenantID: String, idpID: String, _ search: DirectorySearch, _ rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead {
        let call = Self.listCall(idpPath(tenantID, idpID) + "/groups", search)
        return try await client.sendRendered(call.method, call.path, body: call.body?.encoded(), rendering: rendering, logger: logger)
    }

    private func ifMatchQuery(_ ifMatch: Int?) -> String { ifMatch.map { "?ifMatch=\($0)" } ?? "" }

    /// The longest list query sent in the URL; a longer one (a client's `POST /.search` may carry a filter of many
    /// kilobytes) goes as a JSON body to `…/search`, which has no such limit.
    package static let maximumListQueryLength = 4096

    /// How a list goes to the directory: a `GET` of `collection` with the search as its query, or, when that would be
    /// too long, a `POST` of the search as JSON to `collection/search`.
    static func listCall(_ collection: String, _ search: DirectorySearch) -> (method: HTTPMethod, path: String, body: DirectorySearch?) {
        if let path = listPath(collection, search) { return (.GET, path, nil) }
        return (.POST, collection + "/search", search)
    }

    /// `collection` with the search as its query, or nil when the query would be longer than
    /// ``maximumListQueryLength``.
    package static func listPath(_ collection: String, _ search: DirectorySearch) -> String? {
        var query = ""
        for (name, value) in search.queryItems {
            query += query.isEmpty ? "?" : "&"
            query += name + "=" + pathSegment(value)
            if query.utf8.count > maximumListQueryLength { return nil }
        }
        return collection + query
    }
}
