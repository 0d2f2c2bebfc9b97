import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// `/scim/v2/{tenant}/{idp}/Users`. A write goes to the mapping service (map and validate) and then to the
/// directory (store); a read goes to the directory only.
struct UsersController {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post(use: create)
        group.get(":id", use: get)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let principal = try principal(context)
        let resource = try await JSONCoding.jsonValue(of: request, context: context)
        guard resource.objectValue != nil else { throw ScimError.invalidSyntax("A user must be a JSON object.") }
        let mapped = try await peers.mapping.mapUser(
            tenantID: principal.tenantID, idpID: principal.idpID, resource: resource, logger: context.logger)
        let stored = try await peers.directory.createUser(
            tenantID: principal.tenantID, idpID: principal.idpID, UserWriteRequest(resource: resource, identity: mapped.identity),
            logger: context.logger)
        let location = resourceURL(principal, stored.id)
        return JSONCoding.scimResponse(
            withLocation(stored.resource, location), status: .created,
            headers: [.location: location, .eTag: ETag.weak(stored.version)])
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let principal = try principal(context)
        let id = try context.parameters.require("id")
        let stored = try await peers.directory.user(tenantID: principal.tenantID, idpID: principal.idpID, id: id, logger: context.logger)
        return JSONCoding.scimResponse(
            withLocation(stored.resource, resourceURL(principal, stored.id)), headers: [.eTag: ETag.weak(stored.version)])
    }

    private func principal(_ context: ServiceRequestContext) throws -> ScimPrincipal {
        guard let principal = context.principal else { throw ScimError.unauthorized("The bearer token is not valid.") }
        return principal
    }

    private func resourceURL(_ principal: ScimPrincipal, _ id: String) -> String {
        gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID) + "/Users/" + id
    }

    private func withLocation(_ resource: JSONValue, _ location: String) -> JSONValue {
        guard case .object(var members) = resource, case .object(var meta)? = members["meta"] else { return resource }
        meta["location"] = .string(location)
        members["meta"] = .object(meta)
        return .object(members)
    }
}
