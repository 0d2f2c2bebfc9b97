import Foundation
import Hummingbird
import InternalAPI
import Logging
import Persistence
import ScimCore
import ServiceKit

/// Internal API for one identity provider's users. The gateway has already authenticated the IdP and the
/// mapping service has validated the resource; this stores it.
struct UserController<Store: DirectoryStore> {
    let store: Store

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post(use: create)
        group.get(":id", use: get)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let body = try await JSONCoding.decode(UserWriteRequest.self, from: request, context: context)
        let record = try UserDocument.record(
            from: body.resource, identity: body.identity, tenantID: tenantID, idpID: idpID, id: UUID().uuidString.lowercased(),
            now: Timestamp.now())
        try await store.insertUser(record, actor: "idp:\(idpID)")
        context.logger.debug("User created", metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "user.id": "\(record.id)"])
        return JSONCoding.response(UserDocument.representation(of: record), status: .created)
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let id = try context.parameters.require("id")
        guard let record = try await store.user(tenantID: tenantID, idpID: idpID, id: id) else {
            throw ScimError.notFound("User '\(id)' not found.")
        }
        return JSONCoding.response(UserDocument.representation(of: record))
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"))
    }
}
