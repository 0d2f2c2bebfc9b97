import Foundation
import NIOCore
import NIOHTTP1

/// Refuses request heads whose framing RFC 9112 calls faulty, before they reach the HTTP-types codec, which drops
/// the version and `Transfer-Encoding` and so could not tell:
/// - a transfer coding other than `chunked` alone (`gzip, chunked`: the body would be read as if it were plain),
/// - `Transfer-Encoding` in an HTTP/1.0 request (§6.1: "MUST treat the message as having faulty framing"),
/// - an HTTP/1.1 request without exactly one `Host` (§3.2: "MUST respond with a 400");
/// - and `CONNECT`, which no route serves: answered 405 here, since an answer to `CONNECT` further on would be
///   framed as a tunnel's, without its body.
/// The refusal travels as an error to ``MalformedRequestHandler``, which answers it; everything the connection sends
/// after it is dropped, since the connection closes.
final class RequestFramingValidator: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    struct Violation: Error {
        var status = 400
        var detail: String
    }

    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if case .head(let head) = unwrapInboundIn(data), let violation = Self.violation(in: head) {
            refused = true
            context.fireErrorCaught(violation)
            return
        }
        context.fireChannelRead(data)
    }

    static func violation(in head: HTTPRequestHead) -> Violation? {
        if head.method == .CONNECT {
            return Violation(status: 405, detail: "CONNECT is not served here; methods are \(MalformedRequestHandler.allowedMethods).")
        }
        guard let detail = framingProblem(in: head) else { return nil }
        return Violation(detail: detail)
    }

    private static func framingProblem(in head: HTTPRequestHead) -> String? {
        let transferEncodings = head.headers["Transfer-Encoding"]
        if !transferEncodings.isEmpty {
            if head.version.major == 1, head.version.minor == 0 {
                return "Transfer-Encoding is not allowed in an HTTP/1.0 request."
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if codings != ["chunked"] {
                return "The only transfer coding accepted is 'chunked', not '\(transferEncodings.joined(separator: ", ").prefix(64))'."
            }
        }
        if head.version.major == 1, head.version.minor >= 1, head.headers["Host"].count != 1 {
            return "An HTTP/1.1 request needs exactly one Host header."
        }
        return nil
    }
}
