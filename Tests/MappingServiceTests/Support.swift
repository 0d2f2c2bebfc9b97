import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import MappingService

/// The mapping service as production builds it (composition root, real SQL store), on a private in-memory SQLite.
enum Fixture {
    static let internalKey = ServiceTestCredentials.internalKey
    static var configuration: ServiceConfiguration {
        ServiceConfiguration(serviceName: "mapping", port: 0, internalKey: internalKey, databaseURL: "sqlite::memory:")
    }

    static var logger: Logger { .discarding }
}

/// Runs `test` against a fresh mapping service through `app.test(.router)`: no sockets, one database per call.
func withMappingService(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let app = try await buildApplication(configuration: Fixture.configuration, logger: Fixture.logger)
    try await app.test(.router) { client in try await test(client) }
}

extension TestClientProtocol {
    /// Registers an identity provider with the mapping service, as the gateway does when an admin creates one.
    func register(tenant: String = "acme", idp: String, providerType: String) async throws {
        let response = try await call(.put, "/internal/v1/tenants/\(tenant)/idps/\(idp)", json: ["providerType": .string(providerType)])
        try #require(response.status == .noContent, "registering \(tenant)/\(idp): \(response.text)")
    }

    /// Maps a user as the gateway does: with the IdP's rules as this service serves them (`GET …/mappings`), by the
    /// engine the gateway maps with (`IdentityMapping`). The identity attributes, or the refusal.
    func map(tenant: String = "acme", idp: String, _ resource: JSONValue) async throws -> Result<[String: JSONValue], ScimError> {
        let response = try await call(.get, "/internal/v1/tenants/\(tenant)/idps/\(idp)/mappings")
        try #require(response.status == .ok, "rules of \(tenant)/\(idp): \(response.text)")
        let rules = try JSONCoding.decoder().decode(MappingRules.self, from: Data(response.body.readableBytesView))
        return Result { () throws(ScimError) in try rules.mapper.mapProvisioned(resource) }
    }

    /// The IdP's mappings as `[identity attribute: SCIM path]`.
    func mappings(tenant: String = "acme", idp: String) async throws -> [String: String] {
        let response = try await call(.get, "/internal/v1/tenants/\(tenant)/idps/\(idp)/mappings")
        try #require(response.status == .ok, "mappings of \(tenant)/\(idp): \(response.text)")
        let rules = try response.json["mappings"]?.arrayValue ?? []
        return Dictionary(
            rules.compactMap { rule in rule["attribute"]?.stringValue.flatMap { name in rule["scimPath"]?.stringValue.map { (name, $0) } } },
            uniquingKeysWith: { first, _ in first }
        )
    }
}

extension Result where Failure == ScimError {
    /// The refusal, or nil when it succeeded.
    var refusal: ScimError? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}
