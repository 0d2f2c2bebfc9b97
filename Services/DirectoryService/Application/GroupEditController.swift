import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceKit

/// `PATCH /internal/v1/tenants/:tenant/groups/:id` `{"displayName"?, "description"?}`: the application renames a
/// group or edits its description, when the group's IdP allows it (`groupsEditable`; 409 otherwise). Answers the
/// group in the application API's shape. The gateway relays it as `PATCH /api/v1/tenants/{tenant}/groups/{id}`.
struct GroupEditController<Store: DirectoryStore> {
    let store: Store

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.patch("tenants/:tenant/groups/:id", use: edit)
    }

    @Sendable func edit(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try context.parameters.require("id")
        let edit = try GroupEdit(json: try await JSONCoding.jsonValue(of: request, context: context))
        let (group, memberCount) = try await store.editGroup(tenantID: tenantID, id: id, edit: edit, actor: "app")
        return Response(
            status: .ok,
            headers: [.contentType: MediaType.json],
            body: .init(byteBuffer: ByteBuffer(bytes: ApplicationShapes.group(group, memberCount: memberCount).encoded()))
        )
    }
}
