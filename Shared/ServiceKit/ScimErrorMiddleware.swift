import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ScimCore

/// Turns every failure into a SCIM error response (RFC 7644 §3.12): thrown `ScimError`s as they are,
/// Hummingbird's own errors (unknown route, body too large, undecodable body) with their status, and anything
/// unexpected as a logged 500 that never shows internals to the caller.
package struct ScimErrorMiddleware: RouterMiddleware {
    package typealias Context = ServiceRequestContext

    /// Recognizes a store's refusal of a value the client sent (a service with a store passes
    /// `StorageErrors.refusedValue`), answered as 400 `invalidValue` instead of a 500.
    private let refusedValue: @Sendable (any Error) -> String?
    /// Recognizes failures that are an outage rather than a bug (a database restarting, `StorageErrors.isUnavailable`):
    /// they become 503 with `Retry-After` instead of 500.
    private let isUnavailable: @Sendable (any Error) -> Bool

    package init(
        refusedValue: @escaping @Sendable (any Error) -> String? = { _ in nil },
        isUnavailable: @escaping @Sendable (any Error) -> Bool = { _ in false }
    ) {
        self.refusedValue = refusedValue
        self.isUnavailable = isUnavailable
    }

    package func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ScimError {
            if error.status >= 500 {
                context.logger.error("Request failed", metadata: ["scim.status": "\(error.status)", "error.detail": "\(error.detail)"])
            } else {
                context.logger.debug(
                    "Request refused",
                    metadata: ["scim.status": "\(error.status)", "scim.type": "\(error.scimType?.rawValue ?? "")"]
                )
            }
            return error.response()
        } catch is CancellationError {
            // The request's task was cancelled (its client went away, or the service is stopping): nothing failed
            // that an operator must look at, and whoever still reads the answer may try again.
            context.logger.debug("Request cancelled")
            return ScimError.unavailable("The request was cancelled; try again.").response()
        } catch let error as HTTPError {
            return ScimError(status: Int(error.status.code), detail: error.body ?? error.status.reasonPhrase).response(extraHeaders: error.headers)
        } catch let error as HTTPParserError {
            // The body could not be read (an invalid chunk size): the request's own 400, and the connection closes,
            // since the parser cannot know where the next request would start.
            let (status, detail) = MalformedRequestHandler.answer(to: error)
            return ScimError(status: status, detail: detail).response(extraHeaders: [.connection: "close"])
        } catch is NIOTooManyBytesError {
            return ScimError.payloadTooLarge("The request body is larger than \(context.maxUploadSize) bytes.").response()
        } catch let error as any HTTPResponseError {
            return ScimError(status: Int(error.status.code), detail: error.status.reasonPhrase).response()
        } catch  where isUnavailable(error) {
            context.logger.warning("Store unavailable", metadata: ["error": "\(String(reflecting: error))"])
            return ScimError.unavailable("The service's database is unavailable; try again later.").response()
        } catch {
            if let detail = refusedValue(error) {
                context.logger.notice("The store refused a value", metadata: ["error.detail": "\(detail)"])
                return ScimError.invalidValue(detail).response()
            }
            context.logger.error("Unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return ScimError.internalError("The server could not complete the request.").response()
        }
    }
}

extension ScimError {
    /// Seconds a client is asked to wait after a 503 (`Retry-After`): a peer service that died is started again by
    /// its supervisor (`provisio up`, Kubernetes) within about that time.
    package static let unavailableRetryAfterSeconds = 2

    /// The SCIM error response: the JSON body, its status, and `application/scim+json`; a 503 carries `Retry-After`
    /// (RFC 9110 §10.2.3) unless the thrower set one.
    package func response(extraHeaders: HTTPFields = [:]) -> Response {
        var headers = extraHeaders
        headers[.contentType] = MediaType.scim
        if status == 503, headers[.retryAfter] == nil {
            headers[.retryAfter] = String(Self.unavailableRetryAfterSeconds)
        }
        if status == 401, headers[.wwwAuthenticate] == nil {
            headers[.wwwAuthenticate] = "Bearer realm=\"provisio\""
        }
        let body = JSONCoding.encode(ScimErrorBody(self))
        return Response(
            status: .init(code: status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
