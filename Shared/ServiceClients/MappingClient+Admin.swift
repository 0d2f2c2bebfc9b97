import Foundation
import IdentityMapping
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The mapping service's admin operations: a tenant's identity attributes, an IdP's mapping rules, re-apply jobs.
extension HTTPMappingClient {
    private func tenantPath(_ tenantID: String) -> String { "/internal/v1/tenants/\(pathSegment(tenantID))" }
    private func idpPath(_ tenantID: String, _ idpID: String) -> String { tenantPath(tenantID) + "/idps/\(pathSegment(idpID))" }
    private func actorQuery(_ actor: String) -> String { "?actor=\(pathSegment(actor))" }

    package func identityAttributes(tenantID: String, logger: Logger) async throws -> [IdentityAttribute] {
        try await client.send(.GET, tenantPath(tenantID) + "/attributes", logger: logger)
    }

    package func createIdentityAttribute(
        tenantID: String,
        _ request: IdentityAttributeCreateRequest,
        logger: Logger
    ) async throws -> IdentityAttribute {
        try await client.send(.POST, tenantPath(tenantID) + "/attributes", body: request, logger: logger)
    }

    package func updateIdentityAttribute(
        tenantID: String,
        name: String,
        _ request: IdentityAttributeUpdateRequest,
        logger: Logger
    ) async throws -> IdentityAttribute {
        try await client.send(.PATCH, tenantPath(tenantID) + "/attributes/\(pathSegment(name))", body: request, logger: logger)
    }

    package func deleteIdentityAttribute(tenantID: String, name: String, actor: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(
            .DELETE,
            tenantPath(tenantID) + "/attributes/\(pathSegment(name))" + actorQuery(actor),
            logger: logger
        )
    }

    package func mappingsView(tenantID: String, idpID: String, logger: Logger) async throws -> AttributeMappingsView {
        try await client.send(.GET, idpPath(tenantID, idpID) + "/mappings/view", logger: logger)
    }

    package func setMapping(
        tenantID: String,
        idpID: String,
        attribute: String,
        _ request: AttributeMappingSetRequest,
        logger: Logger
    ) async throws -> AttributeMappingsView {
        try await client.send(.PUT, idpPath(tenantID, idpID) + "/mappings/\(pathSegment(attribute))", body: request, logger: logger)
    }

    package func removeMapping(tenantID: String, idpID: String, attribute: String, actor: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(
            .DELETE,
            idpPath(tenantID, idpID) + "/mappings/\(pathSegment(attribute))" + actorQuery(actor),
            logger: logger
        )
    }

    package func startReapply(tenantID: String, idpID: String, _ request: ReapplyJobRequest, logger: Logger) async throws -> ReapplyJob {
        try await client.send(.POST, idpPath(tenantID, idpID) + "/reapply", body: request, logger: logger)
    }

    package func reapplyJob(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> ReapplyJob {
        try await client.send(.GET, idpPath(tenantID, idpID) + "/reapply/\(pathSegment(id))", logger: logger)
    }
}
