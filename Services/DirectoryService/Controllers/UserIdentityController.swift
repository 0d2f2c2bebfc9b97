import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API for the typed identity attributes stored next to each user: the application (through the
/// admin API) reads them, the mapping service's re-apply jobs replace them. Replacing them changes neither the
/// SCIM resource nor its version (the IdP's view of the user did not change).
struct UserIdentityController<Store: DirectoryStore> {
    let store: Store

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get(":id/identity", use: get)
        group.put(":id/identity", use: set)
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID, id) = try scope(context)
        guard let identity = try await store.userIdentity(tenantID: tenantID, idpID: idpID, id: id) else {
            throw ScimError.notFound("User '\(id)' not found.")
        }
        return JSONCoding.response(UserIdentity(id: id, identity: identity))
    }

    @Sendable func set(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID, id) = try scope(context)
        let body = try await JSONCoding.decode(UserIdentityUpdate.self, from: request, context: context)
        guard try await store.setUserIdentity(tenantID: tenantID, idpID: idpID, id: id, identity: body.identity) else {
            throw ScimError.notFound("User '\(id)' not found.")
        }
        return Response(status: .noContent)
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"), try context.parameters.require("id"))
    }
}
