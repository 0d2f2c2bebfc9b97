import Foundation
import Hummingbird
import InternalAPI
import NIOCore
import NIOFoundationCompat
import ScimCore
import ServiceClients
import ServiceKit

/// The application API's reads of the directory (README "Application API: reading the directory"):
/// `GET /api/v1/tenants/{tenant}/users`, `users/{id}`, `groups`, `groups/{id}`, `groups/{id}/members`, `idps`. The
/// query is read and bounded here (a bad one is 400 without a call), passed on as the shared query types write it,
/// and the directory's rendered answer is relayed as it came; its errors (404) keep their status and body.
struct DirectoryReadController {
    let directory: any DirectoryApplicationReads

    /// Generic over the group's context, so that whatever authenticates the application API can carry its own.
    func register<Context: RequestContext>(on group: RouterGroup<Context>) {
        group.get("users") { request, context in try await users(request, context) }
        group.get("users/:id") { request, context in try await user(request, context) }
        group.get("groups") { request, context in try await groups(request, context) }
        group.get("groups/:id") { request, context in try await self.group(request, context) }
        group.get("groups/:id/members") { request, context in try await members(request, context) }
        group.get("idps") { request, context in try await identityProviders(request, context) }
    }

    func users(_ request: Request, _ context: some RequestContext) async throws -> Response {
        try await relay(.users(try ApplicationUserQuery(rawQuery: request.uri.query)), context)
    }

    func user(_ request: Request, _ context: some RequestContext) async throws -> Response {
        try ApplicationNoQuery.check(request.uri.query)
        return try await relay(.user(id: try Self.resourceID(context, "User")), context)
    }

    func groups(_ request: Request, _ context: some RequestContext) async throws -> Response {
        try await relay(.groups(try ApplicationGroupQuery(rawQuery: request.uri.query)), context)
    }

    func group(_ request: Request, _ context: some RequestContext) async throws -> Response {
        try ApplicationNoQuery.check(request.uri.query)
        return try await relay(.group(id: try Self.resourceID(context, "Group")), context)
    }

    func members(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let query = try ApplicationMemberQuery(rawQuery: request.uri.query)
        return try await relay(.members(groupID: try Self.resourceID(context, "Group"), query), context)
    }

    func identityProviders(_ request: Request, _ context: some RequestContext) async throws -> Response {
        try ApplicationNoQuery.check(request.uri.query)
        return try await relay(.identityProviders, context)
    }

    private func relay(_ read: ApplicationRead, _ context: some RequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let body = try await directory.applicationRead(tenantID: tenantID, read, logger: context.logger)
        return Response(status: .ok, headers: [.contentType: MediaType.json], body: .init(byteBuffer: ByteBuffer(data: body)))
    }

    /// The `:id` of the path; one longer than any stored id is 404 without a call.
    private static func resourceID(_ context: some RequestContext, _ resource: String) throws -> String {
        let id = try context.parameters.require("id")
        guard id.utf8.count <= ApplicationRead.maximumIDLength else { throw ScimError.notFound("\(resource) '\(id.prefix(128))' not found.") }
        return id
    }
}
