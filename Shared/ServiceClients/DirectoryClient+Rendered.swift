import InternalAPI
import Logging
import ScimCore

/// Rendered reads in terms of the plain ones: what the directory does when asked over HTTP, for any other
/// ``DirectoryClient`` (test doubles).
extension DirectoryClient {
    package func renderedUser(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedRead {
        let renderer = try rendering.renderer(resourceType: "User")
        return try await user(tenantID: tenantID, idpID: idpID, id: id, logger: logger).rendered(resourceType: "User", by: renderer)
    }

    package func renderedGroup(tenantID: String, idpID: String, id: String, _ rendering: ScimRendering, logger: Logger) async throws -> RenderedRead {
        let renderer = try rendering.renderer(resourceType: "Group")
        return try await group(tenantID: tenantID, idpID: idpID, id: id, includeMembers: renderer.projection.includes("members"), logger: logger)
            .rendered(resourceType: "Group", by: renderer)
    }

    package func renderedUserSearch(
        tenantID: String, idpID: String, _ search: DirectorySearch, _ rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead {
        let renderer = try rendering.renderer(resourceType: "User")
        return try await searchUsers(tenantID: tenantID, idpID: idpID, search, logger: logger).rendered(resourceType: "User", by: renderer)
    }

    package func renderedGroupSearch(
        tenantID: String, idpID: String, _ search: DirectorySearch, _ rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead {
        let renderer = try rendering.renderer(resourceType: "Group")
        return try await searchGroups(tenantID: tenantID, idpID: idpID, search, logger: logger).rendered(resourceType: "Group", by: renderer)
    }
}
