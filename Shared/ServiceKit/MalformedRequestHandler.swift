import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import ScimCore

/// Answers bytes the HTTP/1.1 parser cannot read as a request with a SCIM error, then closes the connection.
///
/// Hummingbird answers a request head it cannot parse with a bare `400` and no body. Here an unknown or lower-case
/// method (`HOSTILE /Users`, `get /Users`) is `405` with `Allow`, and any other framing error (a conflicting or
/// non-numeric `Content-Length`, both `Content-Length` and `Transfer-Encoding`, a malformed header) is `400`, each
/// with a SCIM error body (RFC 7644 §3.12). The connection closes after it: the parser cannot know where the next
/// request would start.
///
/// Only an error between requests is answered here. One inside a request's body (an invalid chunk size) is passed on,
/// so that the body read fails in the handler, and ``ScimErrorMiddleware`` answers it as the request's own `400`.
package final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package typealias InboundOut = HTTPRequestPart
    package typealias OutboundIn = HTTPResponsePart
    package typealias OutboundOut = HTTPResponsePart

    /// The methods the SCIM and admin APIs serve, for `Allow`.
    package static let allowedMethods = "GET, POST, PUT, PATCH, DELETE"

    private var requestOpen = false
    private var responseOpen = false
    private var answered = false

    package init() {}

    /// Puts a ``RequestFramingValidator`` in front of the HTTP-types codec, where the version and `Transfer-Encoding`
    /// are still there to check.
    package func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        guard let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else { return }
        try? pipeline.addHandler(RequestFramingValidator(), position: .before(codec))
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: requestOpen = true
        case .end: requestOpen = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responseOpen = true
        case .end: responseOpen = false
        case .body: break
        }
        context.write(data, promise: promise)
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !requestOpen, !responseOpen, !answered else {
            context.fireErrorCaught(error)
            return
        }
        let status: Int
        let detail: String
        if let parserError = error as? HTTPParserError {
            (status, detail) = Self.answer(to: parserError)
        } else if let violation = error as? RequestFramingValidator.Violation {
            (status, detail) = (violation.status, violation.detail)
        } else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let body = JSONCoding.encode(ScimErrorBody(ScimError(status: status, detail: detail)))
        var fields: HTTPFields = [
            .contentType: "application/scim+json", .contentLength: String(body.count), .connection: "close",
        ]
        if status == 405 { fields[.allow] = Self.allowedMethods }
        let head = HTTPResponse(status: .init(code: status), headerFields: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    /// The status and detail for a request the parser refused.
    static func answer(to error: HTTPParserError) -> (status: Int, detail: String) {
        switch error {
        case .invalidMethod:
            (405, "The request method is not one this server knows; methods are upper case: \(allowedMethods).")
        case .invalidContentLength, .unexpectedContentLength:
            (400, "The request's Content-Length is not a single non-negative number, or contradicts Transfer-Encoding.")
        case .headerOverflow:
            (400, "The request's headers are larger than this server accepts.")
        case .invalidChunkSize:
            (400, "A chunk size of the request body is not a hexadecimal number.")
        default:
            (400, "The request is not well-formed HTTP/1.1: its request line, headers or framing cannot be read.")
        }
    }
}
