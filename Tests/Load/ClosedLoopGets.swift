import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// GET requests in a closed loop over keep-alive connections, each connection sending its next request as soon as
/// the previous answer is complete — what `wrk` does, written on NIO directly.
///
/// The reads at 64 connections are measured with it, the floor's as the stack's. The client shares the two cores
/// with the servers it measures; through async-http-client and a task per request it cost about 150 µs of CPU per
/// request more than `wrk`, and with 64 always in flight that time showed up in every latency (BENCHMARKS.md).
enum ClosedLoopGets {
    /// `count` GETs of `path(index)` (an absolute path with query) against `baseURL`'s host and port, over
    /// `connections` connections; an answer `accept` refuses fails the run.
    static func run(
        baseURL: String,
        headers: [(String, String)],
        count: Int,
        connections: Int,
        path: @escaping @Sendable (Int) -> String,
        accept: @escaping @Sendable (HTTPResponseStatus, ByteBuffer) -> Bool
    ) async throws -> RunResult {
        guard let url = URL(string: baseURL), let host = url.host else { throw LoadError("not a URL: \(baseURL)") }
        let port = url.port ?? 80
        var head = HTTPHeaders(headers)
        head.add(name: "Host", value: "\(host):\(port)")
        let shared = Shared(count: count, path: path, accept: accept, headers: head)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for _ in 0..<max(1, min(connections, count)) {
                group.addTask { try await connection(host: host, port: port, shared: shared) }
            }
            var all = Latencies()
            for try await part in group { all.add(part) }
            return all
        }
        return RunResult(latencies: latencies, wall: ContinuousClock.now - start)
    }

    /// What the connections share: the next request to send, and how to make and check it.
    final class Shared: Sendable {
        let count: Int
        let path: @Sendable (Int) -> String
        let accept: @Sendable (HTTPResponseStatus, ByteBuffer) -> Bool
        let headers: HTTPHeaders
        private let next = Atomic<Int>(0)

        init(
            count: Int,
            path: @escaping @Sendable (Int) -> String,
            accept: @escaping @Sendable (HTTPResponseStatus, ByteBuffer) -> Bool,
            headers: HTTPHeaders
        ) {
            self.count = count
            self.path = path
            self.accept = accept
            self.headers = headers
        }

        /// The index of the next request to send, or nil when all are taken.
        func claim() -> Int? {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            return index < count ? index : nil
        }
    }

    private static func connection(host: String, port: Int, shared: Shared) async throws -> Latencies {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: Latencies.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(LoopHandler(shared: shared, done: done))
                }
            }
            .connect(host: host, port: port).get()
        defer { channel.close(promise: nil) }
        return try await done.futureResult.get()
    }

    /// One connection's loop: send, read the whole answer, record, send the next.
    private final class LoopHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        private let shared: Shared
        private let done: EventLoopPromise<Latencies>
        private var latencies = Latencies()
        private var sentAt = NIODeadline.now()
        private var status: HTTPResponseStatus = .ok
        private var body = ByteBuffer()
        private var finished = false

        init(shared: Shared, done: EventLoopPromise<Latencies>) {
            self.shared = shared
            self.done = done
        }

        func channelActive(context: ChannelHandlerContext) {
            sendNext(context: context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = head.status
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                latencies.add(.nanoseconds(Int64((NIODeadline.now() - sentAt).nanoseconds)))
                guard shared.accept(status, body) else {
                    finish(.failure(LoadError("unexpected answer \(status.code): \(String(buffer: body).prefix(200))")))
                    context.close(promise: nil)
                    return
                }
                sendNext(context: context)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(.failure(LoadError("the server closed a connection")))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(.failure(error))
            context.close(promise: nil)
        }

        private func finish(_ result: Result<Latencies, any Error>) {
            guard !finished else { return }
            finished = true
            done.completeWith(result)
        }

        private func sendNext(context: ChannelHandlerContext) {
            guard let index = shared.claim() else {
                finish(.success(latencies))
                return
            }
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: shared.path(index), headers: shared.headers)
            sentAt = .now()
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
