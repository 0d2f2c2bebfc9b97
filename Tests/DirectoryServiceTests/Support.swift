import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import Logging
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// The directory as production builds it (composition root, real SQL store), on a private in-memory SQLite.
enum Fixture {
    static let internalKey = ServiceTestCredentials.internalKey

    static var configuration: ServiceConfiguration {
        ServiceConfiguration(serviceName: "directory", port: 0, internalKey: internalKey, databaseURL: "sqlite::memory:")
    }
}

/// Runs `test` against a fresh directory service through `app.test(.router)`: no sockets, one database per call.
func withDirectory(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let app = try await buildApplication(configuration: Fixture.configuration, logger: .discarding)
    try await app.test(.router) { client in try await test(client) }
}

extension TestClientProtocol {
    /// Creates a tenant and checks it worked.
    @discardableResult
    func createTenant(_ id: String, name: String? = nil) async throws -> TestResponse {
        let response = try await call(.post, "/internal/v1/tenants", json: ["id": .string(id), "name": .string(name ?? "Tenant \(id)")])
        #expect(response.status == .created, "creating tenant \(id): \(response.text)")
        return response
    }

    /// Creates an identity provider and checks it worked.
    @discardableResult
    func createIdentityProvider(tenant: String, _ id: String, providerType: String = "Generic") async throws -> TestResponse {
        let response = try await call(
            .post,
            "/internal/v1/tenants/\(tenant)/idps",
            json: ["id": .string(id), "name": .string("IdP \(id)"), "providerType": .string(providerType)]
        )
        #expect(response.status == .created, "creating idp \(tenant)/\(id): \(response.text)")
        return response
    }

    /// Creates a user the way the gateway does (resource plus mapped identity).
    func createUser(tenant: String, idp: String, _ resource: JSONValue, identity: JSONValue = [:]) async throws -> TestResponse {
        try await call(
            .post,
            "/internal/v1/tenants/\(tenant)/idps/\(idp)/users",
            json: ["resource": resource, "identity": identity]
        )
    }
}

extension JSONValue {
    /// `value["key"]`, the same as ServiceTestSupport's: DirectoryService (imported `@testable`) declares this member
    /// too, and a declaration of the test module shadows both, where the two imported ones would be ambiguous.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
