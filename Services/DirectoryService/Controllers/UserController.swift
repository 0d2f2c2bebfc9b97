import Foundation
import Hummingbird
import InternalAPI
import Logging
import Persistence
import ScimCore
import ServiceKit

/// Internal API for one identity provider's users. The gateway has already authenticated the IdP, type-checked the
/// resource and mapped its identity attributes; this stores it and answers as the gateway's client will see it
/// (``RenderedAnswer``).
struct UserController<Store: DirectoryStore> {
    let store: Store
    let lists: ListQueryBuilder

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post(use: create)
        group.get(use: search)
        group.post("search", use: search)
        group.get(":id", use: get)
        group.put(":id", use: replace)
        group.delete(":id", use: delete)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let answer = try RenderedAnswer(request, resourceType: .user)
        let body = try await JSONCoding.decode(UserWriteRequest.self, from: request, context: context)
        let record = try UserDocument.record(
            from: body.resource,
            identity: body.identity,
            tenantID: tenantID,
            idpID: idpID,
            id: RandomUUID.lowercasedString(),
            now: Timestamp.now()
        )
        try await store.insertUser(record, actor: "idp:\(idpID)")
        context.logger.debug("User created", metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "user.id": "\(record.id)"])
        return answer.response(
            UserDocument.representation(of: record),
            status: .created,
            changedAttributes: ChangeEvents.createdAttributes(body.resource)
        )
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let answer = try RenderedAnswer(request, resourceType: .user)
        if let renderer = answer.renderer {
            guard let user = try await store.userText(tenantID: tenantID, idpID: idpID, id: id) else {
                throw ScimError.notFound("User '\(id)' not found.")
            }
            return JSONCoding.scimResponse(try UserTextRendering.rendered(user, by: renderer))
        }
        guard let record = try await store.user(tenantID: tenantID, idpID: idpID, id: id) else {
            throw ScimError.notFound("User '\(id)' not found.")
        }
        return answer.response(UserDocument.representation(of: record))
    }

    @Sendable func replace(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let answer = try RenderedAnswer(request, resourceType: .user)
        let body = try await JSONCoding.decode(UserReplaceRequest.self, from: request, context: context)
        let record = try UserDocument.record(
            from: body.resource,
            identity: body.identity,
            tenantID: tenantID,
            idpID: idpID,
            id: id,
            now: Timestamp.now()
        )
        let replaced = try await store.replaceUser(record, ifMatch: body.ifMatch, actor: "idp:\(idpID)")
        return answer.response(UserDocument.representation(of: replaced.record), changedAttributes: replaced.changedAttributes)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let ifMatch = request.uri.queryParameters.get("ifMatch", as: Int.self)
        let changed = try await store.deleteUser(tenantID: tenantID, idpID: idpID, id: id, ifMatch: ifMatch, actor: "idp:\(idpID)")
        var headers = HTTPFields()
        headers.reportChanges(changed)
        return Response(status: .noContent, headers: headers)
    }

    @Sendable func search(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let search = try await SearchRequestDecoding.search(from: request, context: context)
        let answer = try RenderedAnswer(request, query: search, resourceType: .user)
        let query = try lists.query(for: search, includeMembers: answer.includesMembers)
        let startIndex = query.cursor == nil ? query.startIndex : nil
        if let renderer = answer.renderer {
            let result = try await store.listUserTexts(tenantID: tenantID, idpID: idpID, query: query)
            return JSONCoding.scimResponse(
                try UserTextRendering.rendered(
                    result.records,
                    totalResults: result.totalResults,
                    startIndex: startIndex,
                    nextCursor: result.nextCursor.map(CursorCoding.encode),
                    by: renderer
                )
            )
        }
        let result = try await store.listUsers(tenantID: tenantID, idpID: idpID, query: query)
        return answer.response(
            DirectoryPage(
                totalResults: result.totalResults,
                startIndex: startIndex,
                resources: result.records.map(UserDocument.representation(of:)),
                nextCursor: result.nextCursor.map(CursorCoding.encode)
            )
        )
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"))
    }
}
