import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The typed identity attributes the directory keeps next to each user (issue 5).
extension HTTPDirectoryClient {
    private func identityPath(_ tenantID: String, _ idpID: String, _ id: String) -> String {
        "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/users/\(pathSegment(id))/identity"
    }

    package func userIdentity(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> UserIdentity {
        try await client.send(.GET, identityPath(tenantID, idpID, id), logger: logger)
    }

    package func setUserIdentity(tenantID: String, idpID: String, id: String, _ update: UserIdentityUpdate, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.PUT, identityPath(tenantID, idpID, id), body: update, logger: logger)
    }
}
