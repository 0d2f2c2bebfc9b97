import Foundation
import Hummingbird
import InternalAPI
import Logging
import Persistence
import ScimCore
import ScimPatch
import ServiceKit

/// Internal API for one identity provider's groups. Memberships are rows: a PATCH that adds one member
/// inserts one row, whatever the size of the group. Answers are rendered for the gateway's client
/// (``RenderedAnswer``), which also decides whether the members are loaded.
struct GroupController<Store: DirectoryStore> {
    let store: Store
    let lists: ListQueryBuilder

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post(use: create)
        group.get(use: search)
        group.post("search", use: search)
        group.get(":id", use: get)
        group.put(":id", use: replace)
        group.patch(":id", use: patch)
        group.delete(":id", use: delete)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let answer = try RenderedAnswer(request, resourceType: .group)
        let body = try await JSONCoding.decode(GroupWriteRequest.self, from: request, context: context)
        let record = try GroupDocument.record(
            from: body.resource,
            tenantID: tenantID,
            idpID: idpID,
            id: RandomUUID.lowercasedString(),
            now: Timestamp.now()
        )
        var created = try await store.insertGroup(
            record,
            members: try GroupDocument.memberReferences(of: body.resource),
            actor: "idp:\(idpID)"
        )
        if !answer.includesMembers { created.members = nil }
        return answer.response(
            GroupDocument.representation(of: created),
            status: .created,
            changedAttributes: ChangeEvents.createdAttributes(body.resource)
        )
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let answer = try RenderedAnswer(request, resourceType: .group)
        guard let record = try await store.group(tenantID: tenantID, idpID: idpID, id: id, includeMembers: answer.includesMembers) else {
            throw ScimError.notFound("Group '\(id)' not found.")
        }
        return answer.response(GroupDocument.representation(of: record))
    }

    @Sendable func replace(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let answer = try RenderedAnswer(request, resourceType: .group)
        let body = try await JSONCoding.decode(GroupWriteRequest.self, from: request, context: context)
        let record = try GroupDocument.record(from: body.resource, tenantID: tenantID, idpID: idpID, id: id, now: Timestamp.now())
        var replaced = try await store.replaceGroup(
            record,
            members: try GroupDocument.memberReferences(of: body.resource),
            ifMatch: body.ifMatch,
            actor: "idp:\(idpID)"
        )
        if !answer.includesMembers { replaced.record.members = nil }
        return answer.response(GroupDocument.representation(of: replaced.record), changedAttributes: replaced.changedAttributes)
    }

    @Sendable func patch(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let answer = try RenderedAnswer(request, resourceType: .group)
        let body = try await JSONCoding.decode(GroupPatchRequest.self, from: request, context: context)
        let patch = try PatchRequest(json: body.patch)
        let engine = PatchEngine(registry: .standard, resourceType: .group)
        let patched = try await store.patchGroup(
            tenantID: tenantID,
            idpID: idpID,
            id: id,
            ifMatch: body.ifMatch,
            includeMembers: answer.includesMembers,
            actor: "idp:\(idpID)"
        ) { current throws(ScimError) in
            try engine.apply(patch, to: current)
        }
        return answer.response(GroupDocument.representation(of: patched.record), changedAttributes: patched.changedAttributes)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        let changed = try await store.deleteGroup(
            tenantID: tenantID,
            idpID: idpID,
            id: id,
            ifMatch: request.uri.queryParameters.get("ifMatch", as: Int.self),
            actor: "idp:\(idpID)"
        )
        var headers = HTTPFields()
        headers.reportChanges(changed)
        return Response(status: .noContent, headers: headers)
    }

    @Sendable func search(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let search = try await SearchRequestDecoding.search(from: request, context: context)
        let answer = try RenderedAnswer(request, query: search, resourceType: .group)
        let query = try lists.query(for: search, includeMembers: answer.includesMembers)
        let result = try await store.listGroups(tenantID: tenantID, idpID: idpID, query: query)
        return answer.response(
            DirectoryPage(
                totalResults: result.totalResults,
                startIndex: query.cursor == nil ? query.startIndex : nil,
                resources: result.records.map(GroupDocument.representation(of:)),
                nextCursor: result.nextCursor.map(CursorCoding.encode)
            )
        )
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"))
    }
}
