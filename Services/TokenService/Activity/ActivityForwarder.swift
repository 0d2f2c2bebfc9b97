import Foundation
import InternalAPI
import Logging
import NIOHTTP1
import ServiceClients
import Synchronization

/// Where token events go besides the token service's own `token_events`: the tenant's activity log, which
/// the directory service owns, so admins read one log.
protocol ActivitySink: Sendable {
    func forward(_ event: TokenEvent, logger: Logger) async
}

/// Posts each event to the directory's `POST /internal/v1/tenants/:tenant/activity`. Best effort: the event is
/// already committed in `token_events` (the audit trail of record); a failure here is logged, never fatal.
struct DirectoryActivitySink: ActivitySink {
    let client: InternalHTTPClient

    func forward(_ event: TokenEvent, logger: Logger) async {
        guard event.tenantID != "*" else { return }  // service-wide events (signing keys) belong to no tenant
        let body = ActivityEventRequest(
            idpID: event.idpID.isEmpty ? nil : event.idpID,  // tenant-wide events (API keys) name no IdP
            actor: event.actor,
            action: event.action,
            resourceType: Self.resourceType(event.action),
            resourceID: event.subjectID,
            detail: event.detail
        )
        do {
            try await client.sendExpectingNoContent(.POST, "/internal/v1/tenants/\(pathSegment(event.tenantID))/activity", body: body, logger: logger)
        } catch {
            logger.warning("Token event not forwarded to the activity log", metadata: ["action": "\(event.action)", "error": "\(error)"])
        }
    }

    static func resourceType(_ action: String) -> String {
        if action.hasPrefix("client.") { return "OAuthClient" }
        if action.hasPrefix("signing-key.") { return "SigningKey" }
        return action.hasPrefix("api-key.") ? "ApiKey" : "Token"
    }
}

/// Keeps events in memory: for tests, and for a token service run without a directory.
final class RecordingActivitySink: ActivitySink {
    private let events = Mutex<[TokenEvent]>([])
    var recorded: [TokenEvent] { events.withLock { $0 } }
    func forward(_ event: TokenEvent, logger: Logger) async { events.withLock { $0.append(event) } }
}
