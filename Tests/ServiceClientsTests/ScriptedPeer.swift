import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A peer service for the connection pool's tests: an HTTP/1.1 server on a loopback port whose answer each path
/// scripts, and which counts the connections it accepted and closed and the requests it read.
///
/// - `/echo`: 200 with the request's body, `x-connection` (which accepted connection carried it) and `x-host` (the
///   request's `Host`).
/// - `/close`: 200 with `Connection: close`, then closes.
/// - `/close-soon`: 200 as `/echo` (kept alive), then closes the connection 50 ms later, as a peer's idle timeout would.
/// - `/drop`: closes the connection without answering.
/// - `/drop-reused`: on a connection that carried a request before, closes it without answering (a kept-alive
///   connection that died under the request); on a new connection, 200 as `/echo`.
/// - `/silent`: never answers.
/// - `/big/N`: 200 with N bytes.
/// - `/status/N`: status N with a short body.
final class ScriptedPeer: Sendable {
    let channel: any Channel
    private let accepted: Counter
    private let log: RequestLog

    var port: Int { channel.localAddress!.port! }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var connectionsAccepted: Int { accepted.count }
    var connectionsClosed: Int { log.closed }
    /// The most connections that were open at one time.
    var mostConnectionsOpenAtOnce: Int { log.mostOpen }

    /// How many requests with this method and path the peer has read (whole, up to their end).
    func received(_ method: HTTPMethod, _ path: String) -> Int {
        log.count(of: "\(method.rawValue) \(path)")
    }

    private init(channel: any Channel, accepted: Counter, log: RequestLog) {
        self.channel = channel
        self.accepted = accepted
        self.log = log
    }

    /// Listens on `port` (0: one the kernel picks).
    static func start(port: Int = 0) async throws -> ScriptedPeer {
        let counter = Counter()
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = counter.next()
                log.recordOpened()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ScriptedAnswers(connection: number, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return ScriptedPeer(channel: channel, accepted: counter, log: log)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Numbers the accepted connections from 1.
private final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
    var count: Int { value.load(ordering: .relaxed) }
}

/// The requests the peer read, by method and path, and the connections that closed.
private final class RequestLog: Sendable {
    private let state = Mutex<(requests: [String: Int], closed: Int, open: Int, mostOpen: Int)>(([:], 0, 0, 0))

    func record(_ request: String) { state.withLock { $0.requests[request, default: 0] += 1 } }
    func count(of request: String) -> Int { state.withLock { $0.requests[request] ?? 0 } }
    func recordOpened() {
        state.withLock {
            $0.open += 1
            $0.mostOpen = max($0.mostOpen, $0.open)
        }
    }
    func recordClosed() {
        state.withLock {
            $0.closed += 1
            $0.open -= 1
        }
    }
    var closed: Int { state.withLock { $0.closed } }
    var mostOpen: Int { state.withLock { $0.mostOpen } }
}

private final class ScriptedAnswers: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: Int
    private let log: RequestLog
    private var method = HTTPMethod.GET
    private var path = ""
    private var host = ""
    private var body = ByteBuffer()
    /// Requests read whole on this connection, the one being answered included.
    private var requests = 0

    init(connection: Int, log: RequestLog) {
        self.connection = connection
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            method = head.method
            path = head.uri
            host = head.headers.first(name: "Host") ?? ""
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            requests += 1
            log.record("\(method.rawValue) \(path)")
            answer(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.recordClosed()
        context.fireChannelInactive()
    }

    private func answer(context: ChannelHandlerContext) {
        let parts = path.split(separator: "/").map(String.init)
        switch parts.first {
        case "echo":
            respond(.ok, body: body, context: context)
        case "close":
            respond(.ok, body: ByteBuffer(string: "bye"), extraHeaders: [("Connection", "close")], context: context, thenClose: true)
        case "close-soon":
            respond(.ok, body: body, context: context)
            let channel = context.channel
            channel.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
        case "drop":
            context.close(promise: nil)
        case "drop-reused" where requests > 1:
            context.close(promise: nil)
        case "drop-reused":
            respond(.ok, body: body, context: context)
        case "silent":
            break
        case "big":
            let size = Int(parts.last ?? "") ?? 0
            respond(.ok, body: ByteBuffer(repeating: UInt8(ascii: "x"), count: size), context: context)
        case "status":
            let code = Int(parts.last ?? "") ?? 500
            respond(HTTPResponseStatus(statusCode: code), body: ByteBuffer(string: "status \(code)"), context: context)
        default:
            respond(.notFound, body: ByteBuffer(), context: context)
        }
    }

    private func respond(
        _ status: HTTPResponseStatus,
        body: ByteBuffer,
        extraHeaders: [(String, String)] = [],
        context: ChannelHandlerContext,
        thenClose: Bool = false
    ) {
        var headers = HTTPHeaders([("Content-Length", String(body.readableBytes)), ("x-connection", String(connection)), ("x-host", host)])
        headers.add(contentsOf: extraHeaders)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if thenClose {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
