import NIOCore
import NIOHTTP1

/// One request to a peer service: its head (method, path, headers) and body.
package struct PeerRequest: Sendable {
    package var head: HTTPRequestHead
    package var body: ByteBuffer?

    package init(head: HTTPRequestHead, body: ByteBuffer?) {
        self.head = head
        self.body = body
    }

    /// GET and HEAD may be sent again when a kept-alive connection closes before any answer: they change nothing
    /// (RFC 9110 §9.2.1). PUT and DELETE are idempotent in HTTP's sense, yet not safe to repeat here: the peer may
    /// have applied the first one before the connection closed, and a second one then bumps a version again or
    /// answers 404 for a delete that succeeded.
    var isSafeToRepeat: Bool {
        switch head.method {
        case .GET, .HEAD: return true
        default: return false
        }
    }
}

/// A peer's complete answer.
package struct PeerResponse: Sendable {
    package var status: HTTPResponseStatus
    package var headers: HTTPHeaders
    package var body: ByteBuffer
}

/// Why an exchange with a peer failed before a complete answer arrived.
package enum PeerTransportError: Error, Equatable, Sendable {
    /// The connection closed during the exchange; `answered` when part of an answer had arrived, `reused` when the
    /// connection had carried an earlier exchange (the peer may have closed it while it sat idle).
    case connectionClosed(answered: Bool, reused: Bool)
    /// No complete answer within the pool's timeout.
    case timedOut
    /// The answer's body is larger than the pool accepts.
    case answerTooLarge
    /// The peer sent an answer that belongs to no request.
    case unexpectedAnswer
    /// The pool is shut down.
    case shutDown
    /// The base URL is not `http://host[:port][/path]`.
    case unsupportedURL(String)
}

extension PeerTransportError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .connectionClosed(let answered, let reused):
            "the connection closed \(answered ? "during the answer" : "before an answer")\(reused ? " (a kept-alive connection)" : "")"
        case .timedOut: "no answer within the timeout"
        case .answerTooLarge: "the answer is larger than accepted"
        case .unexpectedAnswer: "an answer to no request"
        case .shutDown: "the client is shut down"
        case .unsupportedURL(let url):
            "a peer service's URL must be plain http://host[:port] on the internal network, not \(url)"
        }
    }
}
