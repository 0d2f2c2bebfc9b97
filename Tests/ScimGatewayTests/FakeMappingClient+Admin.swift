import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceClients

/// The admin operations of the fake mapping and directory services. The gateway only forwards them; their
/// behaviour is tested in MappingServiceTests and end to end.
extension FakeMappingClient {
    private static let notFaked = ScimError(status: 501, detail: "FakeMappingClient does not fake identity attributes and mappings.")

    func identityAttributes(tenantID: String, logger: Logger) async throws -> [IdentityAttributeDefinition] { throw Self.notFaked }
    func createIdentityAttribute(tenantID: String, _ request: IdentityAttributeCreateRequest, logger: Logger) async throws -> IdentityAttributeDefinition {
        throw Self.notFaked
    }
    func updateIdentityAttribute(
        tenantID: String, name: String, _ request: IdentityAttributeUpdateRequest, logger: Logger
    ) async throws -> IdentityAttributeDefinition { throw Self.notFaked }
    func deleteIdentityAttribute(tenantID: String, name: String, actor: String, logger: Logger) async throws { throw Self.notFaked }
    func mappingsView(tenantID: String, idpID: String, logger: Logger) async throws -> AttributeMappingsView { throw Self.notFaked }
    func setMapping(
        tenantID: String, idpID: String, attribute: String, _ request: AttributeMappingSetRequest, logger: Logger
    ) async throws -> AttributeMappingsView { throw Self.notFaked }
    func removeMapping(tenantID: String, idpID: String, attribute: String, actor: String, logger: Logger) async throws { throw Self.notFaked }
    func startReapply(tenantID: String, idpID: String, _ request: ReapplyJobRequest, logger: Logger) async throws -> ReapplyJob { throw Self.notFaked }
    func reapplyJob(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> ReapplyJob { throw Self.notFaked }
}

extension FakeDirectoryClient {
    func userIdentity(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> UserIdentity {
        throw ScimError(status: 501, detail: "FakeDirectoryClient does not fake identities.")
    }
    func setUserIdentity(tenantID: String, idpID: String, id: String, _ update: UserIdentityUpdate, logger: Logger) async throws {
        throw ScimError(status: 501, detail: "FakeDirectoryClient does not fake identities.")
    }
}
