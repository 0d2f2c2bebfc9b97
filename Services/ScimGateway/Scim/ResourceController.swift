import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// `/scim/v2/{tenant}/{idp}/Users` and `/Groups`: create, read, list, search, replace, patch, delete.
struct ResourceController {
    let kind: ResourceKind
    let resources: ScimResources
    let http: ScimHTTP

    func register(on group: RouterGroup<ScimRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.post(".search", use: search)
        group.get(":id", use: get)
        group.put(":id", use: replace)
        group.patch(":id", use: patch)
        group.delete(":id", use: delete)
    }

    @Sendable func create(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let projection = try http.projection(try http.search(of: request), kind)
        let resource = try await JSONCoding.jsonValue(of: request, context: context)
        let stored = try await resources.create(
            kind, principal, resource: resource, includeMembers: projection.includes("members"), logger: context.logger)
        return http.resourceResponse(stored, kind, principal, projection: projection, status: .created)
    }

    /// Rendered by the directory (``ScimRendering``): the answer's bytes are relayed as they come.
    @Sendable func get(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let read = try await resources.renderedGet(
            kind, principal, id: try http.resourceID(context), http.rendering(principal, try http.search(of: request)), logger: context.logger)
        if let version = read.version, http.isNotModified(request, version: version) {
            return Response(status: .notModified, headers: [.eTag: ETag.weak(version)])
        }
        return JSONCoding.scimResponse(read)
    }

    @Sendable func list(_ request: Request, context: ScimRequestContext) async throws -> Response {
        try await answer(try http.search(of: request), context: context)
    }

    @Sendable func search(_ request: Request, context: ScimRequestContext) async throws -> Response {
        try await answer(try SearchRequest(searchBody: try await JSONCoding.jsonValue(of: request, context: context)), context: context)
    }

    /// A list page, rendered by the directory as a `ListResponse` (which also decides from the client's projection
    /// whether members are loaded).
    private func answer(_ search: SearchRequest, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let read = try await resources.renderedSearch(
            kind, principal, resources.directorySearch(search, includeMembers: true), http.rendering(principal, search), logger: context.logger)
        return JSONCoding.scimResponse(read)
    }

    @Sendable func replace(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let projection = try http.projection(try http.search(of: request), kind)
        let id = try http.resourceID(context)
        let resource = try await JSONCoding.jsonValue(of: request, context: context)
        let stored = try await resources.replace(
            kind, principal, id: id, resource: resource, ifMatch: try await writeCondition(request, principal, id: id, context: context),
            includeMembers: projection.includes("members"), logger: context.logger)
        return http.resourceResponse(stored, kind, principal, projection: projection)
    }

    /// 200 with the resource, or 204: always for groups unless the client named `attributes`/`excludedAttributes`
    /// (Entra expects 204 and a member list can be huge), and for users when the client sent `Prefer: return=minimal`.
    @Sendable func patch(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let search = try http.search(of: request)
        let projection = try http.projection(search, kind)
        let wantsBody: Bool
        switch kind {
        case .group: wantsBody = !search.attributes.isEmpty || !search.excludedAttributes.isEmpty
        case .user: wantsBody = !(request.headers[.prefer]?.lowercased().contains("return=minimal") ?? false)
        }
        let id = try http.resourceID(context)
        let patch = try await JSONCoding.jsonValue(of: request, context: context)
        let stored = try await resources.patch(
            kind, principal, id: id, patch: patch, ifMatch: try await writeCondition(request, principal, id: id, context: context),
            includeMembers: wantsBody && projection.includes("members"), logger: context.logger)
        guard wantsBody else { return Response(status: .noContent, headers: [.eTag: ETag.weak(stored.version)]) }
        return http.resourceResponse(stored, kind, principal, projection: projection)
    }

    @Sendable func delete(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let id = try http.resourceID(context)
        try await resources.delete(
            kind, principal, id: id, ifMatch: try await writeCondition(request, principal, id: id, context: context), logger: context.logger)
        return Response(status: .noContent)
    }

    /// The version a write must find: the client's `If-Match`, or, under `If-None-Match` (RFC 9110 §13.1.2), the
    /// version read to check it, so that the write fails with 412 if the resource changes in between. `If-None-Match`
    /// fails (412) on an existing resource for `*`, and for a list of tags when one of them is current.
    private func writeCondition(_ request: Request, _ principal: ScimPrincipal, id: String, context: ScimRequestContext) async throws -> Int? {
        let ifMatch = try http.ifMatch(request)
        guard request.headers[.ifNoneMatch] != nil else { return ifMatch }
        let current = try await resources.renderedGet(
            kind, principal, id: id, http.rendering(principal, SearchRequest(attributes: ["id"])), logger: context.logger)
        guard let version = current.version else { return ifMatch }
        if http.ifNoneMatchFails(request, version: version) == true {
            throw ScimError(status: 412, detail: "If-None-Match: \(kind.rawValue) '\(id)' exists at a version the condition excludes.")
        }
        if let ifMatch, ifMatch != version {
            throw ScimError.invalidVersion("\(kind.rawValue) '\(id)' is at version \(version), not \(ifMatch); read it again and retry.")
        }
        return version
    }
}

extension HTTPField.Name {
    static var prefer: Self { Self("Prefer")! }
}
