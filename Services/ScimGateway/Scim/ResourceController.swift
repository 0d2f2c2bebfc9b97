import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// `/scim/v2/{tenant}/{idp}/Users` and `/Groups`: create, read, list, search, replace, patch, delete. Every answer
/// about resources is rendered by the directory for this client (``ScimHTTP/rendering(_:_:)``) and relayed as its
/// bytes; the gateway sets the status and the `ETag` (and `Location`) that come with it.
struct ResourceController {
    let kind: ScimResourceType
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
        let search = try http.search(of: request)
        try http.checkProjection(search, kind)
        let resource = try await ProvisioningRecord.jsonBody(of: request, context: context)
        let created = try await resources.create(kind, principal, resource: resource, http.rendering(principal, search), logger: context.logger)
        return JSONCoding.scimResponse(created, status: .created)
    }

    @Sendable func get(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let read = try await resources.renderedGet(
            kind,
            principal,
            id: try http.resourceID(context),
            http.rendering(principal, try http.search(of: request)),
            logger: context.logger
        )
        if let version = read.version, http.isNotModified(request, version: version) {
            return Response(status: .notModified, headers: [.eTag: ETag.weak(version)])
        }
        return JSONCoding.scimResponse(read)
    }

    @Sendable func list(_ request: Request, context: ScimRequestContext) async throws -> Response {
        try await answer(try http.search(of: request), context: context)
    }

    @Sendable func search(_ request: Request, context: ScimRequestContext) async throws -> Response {
        try await answer(try SearchRequest(searchBody: try await ProvisioningRecord.jsonBody(of: request, context: context)), context: context)
    }

    /// A list page, rendered by the directory as a `ListResponse` (which also decides from the client's projection
    /// whether members are loaded).
    private func answer(_ search: SearchRequest, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let read = try await resources.renderedSearch(kind, principal, http.rendering(principal, resources.page(search)), logger: context.logger)
        return JSONCoding.scimResponse(read)
    }

    @Sendable func replace(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let search = try http.search(of: request)
        try http.checkProjection(search, kind)
        let id = try http.resourceID(context)
        let resource = try await ProvisioningRecord.jsonBody(of: request, context: context)
        let replaced = try await resources.replace(
            kind,
            principal,
            id: id,
            resource: resource,
            ifMatch: try await writeCondition(request, principal, id: id, context: context),
            http.rendering(principal, search),
            logger: context.logger
        )
        return JSONCoding.scimResponse(replaced)
    }

    /// 200 with the resource, or 204: always for groups unless the client named `attributes`/`excludedAttributes`
    /// (Entra expects 204 and a member list can be huge), and for users when the client sent `Prefer: return=minimal`.
    @Sendable func patch(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let search = try http.search(of: request)
        try http.checkProjection(search, kind)
        let wantsBody: Bool
        switch kind {
        case .group: wantsBody = !search.attributes.isEmpty || !search.excludedAttributes.isEmpty
        case .user: wantsBody = !(request.headers[.prefer]?.lowercased().contains("return=minimal") ?? false)
        }
        let id = try http.resourceID(context)
        let patch = try await ProvisioningRecord.jsonBody(of: request, context: context)
        let patched = try await resources.patch(
            kind,
            principal,
            id: id,
            patch: patch,
            ifMatch: try await writeCondition(request, principal, id: id, context: context),
            http.rendering(principal, wantsBody ? search : ScimHTTP.versionOnly),
            logger: context.logger
        )
        guard wantsBody else {
            var headers = HTTPFields()
            if let version = patched.version { headers[.eTag] = ETag.weak(version) }
            return Response(status: .noContent, headers: headers)
        }
        return JSONCoding.scimResponse(patched)
    }

    @Sendable func delete(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let id = try http.resourceID(context)
        try await resources.delete(
            kind,
            principal,
            id: id,
            ifMatch: try await writeCondition(request, principal, id: id, context: context),
            logger: context.logger
        )
        return Response(status: .noContent)
    }

    /// The version a write must find: the client's `If-Match`, or, under `If-None-Match` (RFC 9110 §13.1.2), the
    /// version read to check it, so that the write fails with 412 if the resource changes in between. `If-None-Match`
    /// fails (412) on an existing resource for `*`, and for a list of tags when one of them is current.
    private func writeCondition(_ request: Request, _ principal: ScimPrincipal, id: String, context: ScimRequestContext) async throws -> Int? {
        let ifMatch = try http.ifMatch(request)
        guard request.headers[.ifNoneMatch] != nil else { return ifMatch }
        let current = try await resources.renderedGet(
            kind,
            principal,
            id: id,
            http.rendering(principal, ScimHTTP.versionOnly),
            logger: context.logger
        )
        guard let version = current.version else { return ifMatch }
        if http.ifNoneMatchFails(request, version: version) == true {
            throw ScimError(status: 412, detail: "If-None-Match: \(kind.name) '\(id)' exists at a version the condition excludes.")
        }
        if let ifMatch, ifMatch != version {
            throw ScimError.invalidVersion("\(kind.name) '\(id)' is at version \(version), not \(ifMatch); read it again and retry.")
        }
        return version
    }
}

extension HTTPField.Name {
    static var prefer: Self { Self("Prefer")! }
}
