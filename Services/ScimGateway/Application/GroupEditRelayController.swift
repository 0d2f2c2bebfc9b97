import Foundation
import Hummingbird
import InternalAPI
import NIOCore
import ScimCore
import ServiceClients
import ServiceKit

/// `PATCH /api/v1/tenants/{tenant}/groups/{id}` `{"displayName"?, "description"?}` (README "Externally managed
/// groups"): allowed when the group's IdP has `groupsEditable` on, 409 otherwise. The directory checks the body and
/// renders the group; the gateway relays the bytes.
struct GroupEditRelayController {
    let directory: any DirectoryClient

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.patch("groups/:id", use: edit)
    }

    @Sendable func edit(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try context.parameters.require("id")
        let body = try await JSONCoding.body(of: request, context: context)
        guard !body.isEmpty else { throw ScimError.invalidSyntax("The request needs a JSON body.") }
        let answer = try await directory.editGroup(tenantID: tenantID, id: id, body: body, logger: context.logger)
        return Response(status: .ok, headers: [.contentType: MediaType.json], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
    }
}
