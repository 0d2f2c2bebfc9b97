import Foundation
import IdentityMapping
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore
import ServiceClients

/// What the mapping service needs from the directory: an IdP's users page by page, storing a re-mapped
/// identity, and the tenant's activity log.
protocol MappingDirectory: Sendable {
    /// One page of the IdP's users in creation order; `cursor` "" is the first page.
    func users(tenantID: String, idpID: String, cursor: String, count: Int, logger: Logger) async throws -> DirectoryPage
    /// Stores a user's identity attributes without touching its SCIM resource or version (404 when gone).
    func setIdentity(tenantID: String, idpID: String, userID: String, identity: [String: JSONValue], logger: Logger) async throws
    /// Appends an event to the tenant's activity log.
    func record(_ event: MappingEvent, logger: Logger) async throws
}

/// The directory service over HTTP.
struct HTTPMappingDirectory: MappingDirectory {
    let directory: any DirectoryClient
    let client: InternalHTTPClient

    func users(tenantID: String, idpID: String, cursor: String, count: Int, logger: Logger) async throws -> DirectoryPage {
        try await directory.searchUsers(tenantID: tenantID, idpID: idpID, SearchRequest(count: count, cursor: cursor), logger: logger)
    }

    func setIdentity(tenantID: String, idpID: String, userID: String, identity: [String: JSONValue], logger: Logger) async throws {
        try await directory.setUserIdentity(tenantID: tenantID, idpID: idpID, id: userID, UserIdentityUpdate(identity: identity), logger: logger)
    }

    /// The body of the directory's `POST /internal/v1/tenants/:tenant/activity`.
    private struct ActivityBody: Encodable {
        var idpID: String?
        var actor: String
        var action: String
        var resourceType: String?
        var resourceID: String?
        var detail: String?
    }

    func record(_ event: MappingEvent, logger: Logger) async throws {
        let resourceType =
            event.action.hasPrefix("attribute.") ? "IdentityAttribute" : event.action.hasPrefix("reapply.") ? "ReapplyJob" : "AttributeMapping"
        let body = ActivityBody(
            idpID: event.idpID,
            actor: event.actor,
            action: event.action,
            resourceType: resourceType,
            resourceID: event.subject,
            detail: event.detail
        )
        try await client.sendExpectingNoContent(.POST, "/internal/v1/tenants/\(pathSegment(event.tenantID))/activity", body: body, logger: logger)
    }
}

extension MappingDirectory {
    /// Best effort: the event is already in `mapping_events` (the audit trail of record).
    func report(_ event: MappingEvent, logger: Logger) async {
        do {
            try await record(event, logger: logger)
        } catch {
            logger.warning("Mapping event not forwarded to the activity log", metadata: ["action": "\(event.action)", "error": "\(error)"])
        }
    }
}
