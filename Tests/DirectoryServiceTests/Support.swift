import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import Logging
import NIOCore
import ScimCore
import ServiceKit
import Testing

@testable import DirectoryService

/// The directory as production builds it (composition root, real SQL store), on a private in-memory SQLite.
enum Fixture {
    static let internalKey = "directory-test-internal-key"

    static var configuration: ServiceConfiguration {
        ServiceConfiguration(serviceName: "directory", port: 0, internalKey: internalKey, databaseURL: "sqlite::memory:")
    }

    /// Tests never bootstrap the logging system; this logger discards everything.
    static var logger: Logger { Logger(label: "directory-tests", factory: { _ in SwiftLogNoOpLogHandler() }) }
}

/// Runs `test` against a fresh directory service through `app.test(.router)`: no sockets, one database per call.
func withDirectory(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let app = try await buildApplication(configuration: Fixture.configuration, logger: Fixture.logger)
    try await app.test(.router) { client in try await test(client) }
}

extension HTTPField.Name {
    static let internalKey = HTTPField.Name(InternalHeaders.internalKey)!
}

extension TestClientProtocol {
    /// A request to the internal API: with the internal credential unless told otherwise, with a JSON body when given.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil, rawBody: String? = nil, internalKey: String? = Fixture.internalKey
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let internalKey { headers[.internalKey] = internalKey }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: json.encoded())
        } else if let rawBody {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: rawBody)
        }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

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
            .post, "/internal/v1/tenants/\(tenant)/idps",
            json: ["id": .string(id), "name": .string("IdP \(id)"), "providerType": .string(providerType)])
        #expect(response.status == .created, "creating idp \(tenant)/\(id): \(response.text)")
        return response
    }

    /// Creates a user the way the gateway does (resource plus mapped identity).
    func createUser(tenant: String, idp: String, _ resource: JSONValue, identity: JSONValue = [:]) async throws -> TestResponse {
        try await call(
            .post, "/internal/v1/tenants/\(tenant)/idps/\(idp)/users", json: ["resource": resource, "identity": identity])
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as JSON; a body that is not JSON fails the test.
    var json: JSONValue {
        get throws { try JSONValue.decode(Data(body.readableBytesView)) }
    }

    /// Checks the SCIM error body (RFC 7644 §3.12): the error schema, `status` as a string, the scimType.
    func expectScimError(_ status: Int, scimType: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(self.status.code == status, "status; body: \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == MediaType.scim, sourceLocation: sourceLocation)
        let body = try json
        #expect(body["schemas"] == [.string(ScimSchemaURN.error)], sourceLocation: sourceLocation)
        #expect(body["status"] == .string(String(status)), sourceLocation: sourceLocation)
        #expect(body["scimType"]?.stringValue == scimType, sourceLocation: sourceLocation)
        #expect(body["detail"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    }
}

extension JSONValue {
    /// `value["key"]`: the member of an object (exact key), nil otherwise.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
