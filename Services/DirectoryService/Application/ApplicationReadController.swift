import Foundation
import Hummingbird
import InternalAPI
import NIOCore
import ScimCore
import ServiceKit

/// `/internal/v1/tenants/:tenant/app/…`: the application API's reads (README "Application API: reading the
/// directory"), answered as the gateway relays them: `application/json` rendered by ``ApplicationShapes``. A list is
/// `{"data": [...], "next": cursor or null}`; an unknown tenant, user or group is 404, one of another tenant too.
struct ApplicationReadController<Store: DirectoryStore> {
    let store: Store

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("users", use: users)
        group.get("users/:id", use: user)
        group.get("groups", use: groups)
        group.get("groups/:id", use: self.group)
        group.get("groups/:id/members", use: members)
        group.get("idps", use: identityProviders)
    }

    @Sendable func users(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let query = try ApplicationUserQuery(rawQuery: request.uri.query)
        let page = try await store.applicationUsers(tenantID: tenantID, query)
        if page.rows.isEmpty { try await requireTenant(tenantID) }
        return Self.answer(ApplicationShapes.page(page.rows.map { ApplicationShapes.user($0, groups: $0.groups) }, next: page.next?.token))
    }

    @Sendable func user(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try Self.resourceID(context, "User")
        try ApplicationNoQuery.check(request.uri.query)
        guard let user = try await store.applicationUser(tenantID: tenantID, id: id) else { throw Self.notFound("User", id) }
        return Self.answer(ApplicationShapes.user(user, groups: user.groups))
    }

    @Sendable func groups(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let query = try ApplicationGroupQuery(rawQuery: request.uri.query)
        let page = try await store.applicationGroups(tenantID: tenantID, query)
        if page.rows.isEmpty { try await requireTenant(tenantID) }
        return Self.answer(
            ApplicationShapes.page(page.rows.map { ApplicationShapes.group($0.group, memberCount: $0.memberCount) }, next: page.next?.token)
        )
    }

    @Sendable func group(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try Self.resourceID(context, "Group")
        try ApplicationNoQuery.check(request.uri.query)
        guard let counted = try await store.applicationGroup(tenantID: tenantID, id: id) else { throw Self.notFound("Group", id) }
        return Self.answer(ApplicationShapes.group(counted.group, memberCount: counted.memberCount))
    }

    @Sendable func members(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try Self.resourceID(context, "Group")
        let query = try ApplicationMemberQuery(rawQuery: request.uri.query)
        guard let page = try await store.applicationMembers(tenantID: tenantID, groupID: id, query.page) else {
            throw Self.notFound("Group", id)
        }
        return Self.answer(ApplicationShapes.page(page.rows.map(ApplicationShapes.member), next: page.next?.token))
    }

    @Sendable func identityProviders(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        try ApplicationNoQuery.check(request.uri.query)
        let idps = try await store.identityProviders(tenantID: tenantID)
        if idps.isEmpty { try await requireTenant(tenantID) }
        return Self.answer(ApplicationShapes.page(idps.map(ApplicationShapes.identityProvider), next: nil))
    }

    /// An empty answer is 404 when the tenant itself does not exist (only then is it looked up).
    private func requireTenant(_ tenantID: String) async throws {
        guard try await store.tenant(id: tenantID) != nil else { throw ScimError.notFound("Tenant '\(tenantID.prefix(128))' not found.") }
    }

    /// The `:id` of the path; one longer than any stored id is 404 without a query.
    private static func resourceID(_ context: ServiceRequestContext, _ resource: String) throws -> String {
        let id = try context.parameters.require("id")
        guard id.utf8.count <= ApplicationRead.maximumIDLength else { throw notFound(resource, id) }
        return id
    }

    private static func notFound(_ resource: String, _ id: String) -> ScimError {
        .notFound("\(resource) '\(id.prefix(128))' not found.")
    }

    private static func answer(_ value: JSONValue) -> Response {
        var writer = JSONWriter(capacity: 4_096)
        writer.write(value)
        return Response(status: .ok, headers: [.contentType: MediaType.json], body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}
