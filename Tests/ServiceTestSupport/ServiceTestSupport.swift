import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import Logging
import NIOCore
import ScimCore
import ServiceKit
import Testing

// What the in-process router tests of the four services (`app.test(.router)`) share: the discarding logger, the
// internal credential and the request builders, and the readers and checks of their answers. Each service's own
// fixtures and runners stay in its test folder.

extension Logger {
    /// Tests never bootstrap the logging system; this logger discards everything.
    package static let discarding = Logger(label: "service-tests", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// The credentials the services under test are configured with.
package enum ServiceTestCredentials {
    /// The internal key of every service under test (`ServiceConfiguration.internalKey`), sent by `call(…)`.
    package static let internalKey = "service-test-internal-key"
}

extension HTTPField.Name {
    /// `X-Provisio-Internal-Key`, the credential of service-to-service calls.
    package static let internalKey = HTTPField.Name(InternalHeaders.internalKey)!
}

extension TestClientProtocol {
    /// A request with `headers`; with a body (JSON, or raw text sent as is) and `contentType` when one is given.
    package func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        headers: HTTPFields = [:],
        json: JSONValue? = nil,
        rawBody: String? = nil,
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers = headers
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = contentType
            body = ByteBuffer(bytes: json.encoded())
        } else if let rawBody {
            headers[.contentType] = contentType
            body = ByteBuffer(string: rawBody)
        }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    /// A request to a service's internal API: with the internal credential unless told otherwise, with a JSON
    /// body when given.
    package func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: JSONValue? = nil,
        rawBody: String? = nil,
        internalKey: String? = ServiceTestCredentials.internalKey
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let internalKey { headers[.internalKey] = internalKey }
        return try await send(method, uri, headers: headers, json: json, rawBody: rawBody)
    }
}

extension TestResponse {
    package var text: String { String(buffer: body) }

    /// The body as JSON; a body that is not JSON fails the test.
    package var json: JSONValue {
        get throws { try JSONValue.decode(Data(body.readableBytesView)) }
    }

    /// The `detail` of a SCIM error body, nil when there is none.
    package var detail: String? { (try? json)?["detail"]?.stringValue }

    /// Checks the SCIM error answer (RFC 7644 §3.12): `application/scim+json`, the error schema, `status` as a
    /// string, the scimType, a non-empty detail.
    package func expectScimError(_ status: Int, scimType: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
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
    package subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
