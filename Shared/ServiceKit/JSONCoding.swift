import Foundation
import Hummingbird
import InternalAPI
import Logging
import NIOCore
import NIOFoundationCompat
import ScimCore

/// Content types Provisio answers with.
package enum MediaType {
    package static let scim = "application/scim+json"
    package static let json = "application/json; charset=utf-8"
}

/// JSON in and out of requests and responses, with the same date format everywhere (ISO 8601).
package enum JSONCoding {
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Encodes a value that cannot fail to encode (our own DTOs); a failure is a programming error, reported as `null`.
    package static func encode(_ value: some Encodable) -> Data {
        if let convertible = value as? any JSONValueConvertible { return convertible.encoded() }
        return (try? encoder().encode(value)) ?? Data("null".utf8)
    }

    /// A JSON response with the given status and content type.
    package static func response(
        _ value: some Encodable,
        status: HTTPResponse.Status = .ok,
        contentType: String = MediaType.json,
        headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: encode(value))))
    }

    /// A response carrying a `JSONValue` (a SCIM resource) as `application/scim+json`.
    package static func scimResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = MediaType.scim
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: value.encoded())))
    }

    /// A SCIM answer the directory rendered (``RenderedScim``), as it came: `application/scim+json`, with `ETag` when
    /// it is one resource and `Location` when it was created.
    package static func scimResponse(_ answer: RenderedScim, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: MediaType.scim]
        if let version = answer.version { headers[.eTag] = ETag.weak(version) }
        if let location = answer.location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The request body, bounded by the context's upload limit (413 beyond it).
    package static func body(of request: Request, context: some RequestContext) async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            return Data(buffer: buffer)
        } catch is NIOTooManyBytesError {
            throw ScimError.payloadTooLarge("The request body is larger than \(context.maxUploadSize) bytes.")
        }
    }

    /// The request body as a JSON value; invalid JSON is `400 invalidSyntax`.
    package static func jsonValue(of request: Request, context: some RequestContext) async throws -> JSONValue {
        let data = try await body(of: request, context: context)
        guard !data.isEmpty else { throw ScimError.invalidSyntax("The request needs a JSON body.") }
        return try JSONValue.decode(data)
    }

    /// The request body decoded as `T`; a body that does not fit is `400 invalidSyntax` naming the problem.
    package static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let data = try await body(of: request, context: context)
        if let convertible = T.self as? any JSONValueConvertible.Type {
            guard let message = try convertible.decode(data) as? T else { throw ScimError.internalError("Message type mismatch.") }
            return message
        }
        // Read once by JSONReader first: it bounds nesting and refuses `\u0000`, which Foundation's decoder lets
        // through to stores that cannot hold it (PostgreSQL text). These bodies are small admin and internal messages.
        _ = try JSONValue.decode(data)
        do {
            return try decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ScimError.invalidSyntax(describe(error))
        } catch {
            throw ScimError.invalidSyntax("The request body is not valid JSON.")
        }
    }

    package static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "the body" : "'" + codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "Missing required field '\(key.stringValue)' in \(path(context.codingPath))."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "Wrong type for \(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "The request body is not valid JSON." : "Invalid value for \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "The request body could not be decoded."
        }
    }
}
