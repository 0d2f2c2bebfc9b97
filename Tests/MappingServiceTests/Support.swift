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

@testable import MappingService

/// The mapping service as production builds it (composition root, real SQL store), on a private in-memory SQLite.
enum Fixture {
    static let internalKey = "mapping-test-internal-key"
    static var configuration: ServiceConfiguration {
        ServiceConfiguration(serviceName: "mapping", port: 0, internalKey: internalKey, databaseURL: "sqlite::memory:")
    }

    /// Tests never bootstrap the logging system; this logger discards everything.
    static var logger: Logger { Logger(label: "mapping-tests", factory: { _ in SwiftLogNoOpLogHandler() }) }
}

/// Runs `test` against a fresh mapping service through `app.test(.router)`: no sockets, one database per call.
func withMappingService(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
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

    /// Registers an identity provider with the mapping service, as the gateway does when an admin creates one.
    func register(tenant: String = "acme", idp: String, providerType: String) async throws {
        let response = try await call(.put, "/internal/v1/tenants/\(tenant)/idps/\(idp)", json: ["providerType": .string(providerType)])
        try #require(response.status == .noContent, "registering \(tenant)/\(idp): \(response.text)")
    }

    func map(tenant: String = "acme", idp: String, _ resource: JSONValue) async throws -> TestResponse {
        try await call(.post, "/internal/v1/tenants/\(tenant)/idps/\(idp)/map/user", json: ["resource": resource])
    }

    /// The IdP's mappings as `[identity attribute: SCIM path]`.
    func mappings(tenant: String = "acme", idp: String) async throws -> [String: String] {
        let response = try await call(.get, "/internal/v1/tenants/\(tenant)/idps/\(idp)/mappings")
        try #require(response.status == .ok, "mappings of \(tenant)/\(idp): \(response.text)")
        let rules = try response.json["mappings"]?.arrayValue ?? []
        return Dictionary(
            rules.compactMap { rule in rule["attribute"]?.stringValue.flatMap { name in rule["scimPath"]?.stringValue.map { (name, $0) } } },
            uniquingKeysWith: { first, _ in first })
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

    var detail: String? { (try? json)?["detail"]?.stringValue }
}

extension JSONValue {
    /// `value["key"]`: the member of an object (exact key), nil otherwise.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
