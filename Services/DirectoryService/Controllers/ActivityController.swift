import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// `POST /internal/v1/tenants/:tenant/activity`: other services (the token service) append their events to the
/// tenant's activity log, so admins read one log. 204, or 404 for an unknown tenant.
struct ActivityController<Store: DirectoryStore> {
    let store: Store

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/activity", use: append)
    }

    @Sendable func append(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let body = try await JSONCoding.decode(ActivityEventRequest.self, from: request, context: context)
        guard !body.action.isEmpty, !body.actor.isEmpty, body.action.utf8.count <= 100, (body.detail?.utf8.count ?? 0) <= 1000 else {
            throw ScimError.invalidValue("An activity event needs an action and an actor (and at most 1000 characters of detail).")
        }
        let event = ActivityEvent(
            tenantID: tenantID,
            idpID: body.idpID,
            actor: body.actor,
            action: body.action,
            resourceType: body.resourceType,
            resourceID: body.resourceID,
            detail: body.detail
        )
        guard try await store.appendActivity(event) else { throw ScimError.notFound("Tenant '\(tenantID)' not found.") }
        return Response(status: .noContent)
    }
}
