import Foundation
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix

/// Keep-alive HTTP/1.1 connections to one peer service, kept per event loop so that a request, its connection and
/// its answer stay on the loop that asked.
///
/// Why not async-http-client here: every SCIM request makes at least one internal call, and on a read
/// async-http-client's request machinery (URL parsing, the pool's state machine, three timers and a streamed body per
/// request) was a large share of the gateway's CPU. Calls between Provisio services need
/// none of that: one peer, plain HTTP on a private network, answers of bounded size read whole. The HTTP itself is
/// still swift-nio's (`HTTPRequestEncoder`, `HTTPResponseDecoder`).
///
/// Timeouts cost no timer per request: a sweep once a second fails exchanges past their deadline (closing their
/// connection), requests that waited too long for one, and closes connections idle for longer than `idleTimeout`.
package final class PeerConnectionPool: Sendable {
    package struct Configuration: Sendable {
        /// Connections in all, shared out among the event loops (at least 4 each); requests beyond a loop's share
        /// wait for one of its connections, first come first served.
        package var connections = 64
        package var connectTimeout: TimeAmount = .seconds(2)
        package var idleTimeout: TimeAmount = .seconds(30)
        package var maximumAnswerSize = 64 * 1024 * 1024
        /// Counts the reads sent again after a kept-alive connection closed under them.
        package var retries: Counter?

        package init() {}
    }

    package let host: String
    package let port: Int
    /// The base URL's path ("" or "/prefix"), put before every request's path.
    package let pathPrefix: String
    private let loops: [ObjectIdentifier: NIOLoopBoundBox<PeerLoopPool>]
    private let group: any EventLoopGroup

    /// `baseURL` is `http://host[:port][/path]`.
    package init(baseURL: String, configuration: Configuration = .init(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        guard let url = URL(string: baseURL), url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil
        else { throw PeerTransportError.unsupportedURL(baseURL) }
        self.host = host
        self.port = url.port ?? 80
        let path = url.path
        self.pathPrefix = path.hasSuffix("/") ? String(path.dropLast()) : path
        self.group = group
        let hostName = host.contains(":") ? "[\(host)]" : host  // an IPv6 literal keeps its brackets in `Host`
        let hostHeader = url.port.map { "\(hostName):\($0)" } ?? hostName
        let eventLoops = Array(group.makeIterator())
        let limit = max(4, configuration.connections / max(1, eventLoops.count))
        var loops: [ObjectIdentifier: NIOLoopBoundBox<PeerLoopPool>] = [:]
        for loop in eventLoops {
            let pool = PeerLoopPool(loop: loop, host: host, port: port, hostHeader: hostHeader, limit: limit, configuration: configuration)
            loops[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(pool, eventLoop: loop)
        }
        self.loops = loops
    }

    /// Sends `request` and returns the peer's whole answer; throws ``PeerTransportError`` or a connection error.
    ///
    /// A GET or HEAD whose kept-alive connection closes before any answer is sent once more on another connection;
    /// any other request fails then, since the peer may already have applied it. Cancelling the calling task ends
    /// the exchange at once with `CancellationError`: a request still waiting for a connection leaves the queue, and
    /// one under way closes its connection (its answer may still come, and nothing could tell it from the next one's).
    package func execute(_ request: PeerRequest, timeout: TimeAmount) async throws -> PeerResponse {
        try Task.checkCancellation()
        let loop = group.any()
        guard let box = loops[ObjectIdentifier(loop)] else { throw PeerTransportError.shutDown }
        let promise = loop.makePromise(of: PeerResponse.self)
        let exchange = PeerPendingExchange(request: request, promise: promise, deadline: .now() + timeout, mayRetry: true)
        if loop.inEventLoop {
            box.value.submit(exchange)
        } else {
            loop.execute { box.value.submit(exchange) }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            // Runs on the thread that cancelled; the pool's state belongs to its loop. Always a hop, even from the
            // loop itself, so that a cancellation never runs inside a pool method under way.
            loop.execute { box.value.cancel(promise) }
        }
    }

    /// Closes every connection and fails the requests still waiting.
    package func shutdown() async {
        for (_, box) in loops {
            let loop = box.eventLoop
            let closing = try? await loop.submit { box.value.shutdown() }.get()
            _ = try? await closing?.get()
        }
    }
}

/// A request on its way, with the promise its answer completes.
struct PeerPendingExchange {
    var request: PeerRequest
    var promise: EventLoopPromise<PeerResponse>
    var deadline: NIODeadline
    /// True until it has been sent again once after a kept-alive connection turned out closed.
    var mayRetry: Bool
}

/// One event loop's connections to the peer. Every method runs on that loop.
final class PeerLoopPool {
    private let loop: any EventLoop
    private let host: String
    private let port: Int
    private let hostHeader: String
    private let limit: Int
    private let configuration: PeerConnectionPool.Configuration
    private var idle: [PeerExchangeHandler] = []
    private var open: [ObjectIdentifier: PeerExchangeHandler] = [:]
    private var connecting = 0
    private var waiting = CircularBuffer<PeerPendingExchange>()
    private var sweep: RepeatedTask?
    private var isShutDown = false

    init(loop: any EventLoop, host: String, port: Int, hostHeader: String, limit: Int, configuration: PeerConnectionPool.Configuration) {
        self.loop = loop
        self.limit = limit
        self.host = host
        self.port = port
        self.hostHeader = hostHeader
        self.configuration = configuration
    }

    func submit(_ exchange: PeerPendingExchange) {
        var exchange = exchange
        guard !isShutDown else { return exchange.promise.fail(PeerTransportError.shutDown) }
        exchange.request.head.headers.replaceOrAdd(name: "Host", value: hostHeader)
        while let connection = idle.popLast() {
            if connection.isOpen { return connection.send(exchange) }
        }
        waiting.append(exchange)
        connectIfWanted()
    }

    private func connect() {
        connecting += 1
        startSweepIfNeeded()
        let maximumAnswerSize = configuration.maximumAnswerSize
        ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(PeerExchangeHandler(maximumBodySize: maximumAnswerSize))
                }
            }
            .connect(host: host, port: port)
            .assumeIsolated()
            .whenComplete { result in
                self.connecting -= 1
                switch result {
                case .success(let channel):
                    guard let connection = try? channel.pipeline.syncOperations.handler(type: PeerExchangeHandler.self) else {
                        channel.close(promise: nil)
                        return self.connectionFailed(PeerTransportError.connectionClosed(answered: false, reused: false))
                    }
                    self.adopt(connection)
                case .failure(let error):
                    self.connectionFailed(error)
                }
            }
    }

    private func adopt(_ connection: PeerExchangeHandler) {
        guard !isShutDown, connection.isOpen else {
            connection.close()
            return connectionFailed(PeerTransportError.connectionClosed(answered: false, reused: false))
        }
        open[ObjectIdentifier(connection)] = connection
        connection.exchangeEnded = { [weak self] connection, reusable in
            // An answer that ends with the connection (one without a length) completes while it is closing already.
            guard let self, reusable, connection.isOpen else { return connection.close() }
            self.release(connection)
        }
        connection.closed = { [weak self] connection, resubmit in
            guard let self else {
                resubmit?.promise.fail(PeerTransportError.shutDown)
                return
            }
            self.open[ObjectIdentifier(connection)] = nil
            self.idle.removeAll { $0 === connection }
            if let resubmit {
                self.configuration.retries?.increment()
                self.submit(resubmit)
            }
            self.connectIfWanted()
        }
        release(connection)
    }

    /// The connection is free: it takes the first waiting request, or waits itself.
    private func release(_ connection: PeerExchangeHandler) {
        if let next = waiting.popFirst() {
            connection.send(next)
        } else {
            connection.idleSince = .now()
            idle.append(connection)
        }
    }

    /// The caller of the exchange `promise` belongs to stopped waiting. A request still waiting for a connection is
    /// dropped; one under way fails and closes its connection, which could not carry another request until the
    /// rest of this answer had been read. Nothing to do when the exchange has ended already.
    func cancel(_ promise: EventLoopPromise<PeerResponse>) {
        if let index = waiting.firstIndex(where: { $0.promise == promise }) {
            waiting.remove(at: index).promise.fail(CancellationError())
        } else if let connection = open.values.first(where: { $0.carries(promise) }) {
            connection.fail(CancellationError())
        }
    }

    /// A connection could not be opened: the request waiting longest fails with its error.
    private func connectionFailed(_ error: any Error) {
        waiting.popFirst()?.promise.fail(error)
        connectIfWanted()
    }

    /// Opens a connection when more requests wait than connections are being opened, within the limit.
    private func connectIfWanted() {
        if !isShutDown, waiting.count > connecting, open.count + connecting < limit { connect() }
    }

    private func startSweepIfNeeded() {
        guard sweep == nil else { return }
        let pool = NIOLoopBound(self, eventLoop: loop)
        sweep = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in pool.value.sweepExpired() }
    }

    /// Fails what is past its deadline and closes connections idle for too long; stops once there is nothing to watch.
    private func sweepExpired() {
        guard !open.isEmpty || !waiting.isEmpty || connecting > 0 else {
            sweep?.cancel()
            sweep = nil
            return
        }
        let now = NIODeadline.now()
        if waiting.contains(where: { $0.deadline < now }) {
            for exchange in waiting where exchange.deadline < now { exchange.promise.fail(PeerTransportError.timedOut) }
            waiting.removeAll { $0.deadline < now }
        }
        for connection in open.values {
            if let deadline = connection.deadline, deadline < now {
                connection.fail(PeerTransportError.timedOut)
            }
        }
        let idleSince = now - configuration.idleTimeout
        for connection in idle where connection.idleSince < idleSince {
            connection.close()
        }
    }

    func shutdown() -> EventLoopFuture<Void> {
        isShutDown = true
        sweep?.cancel()
        sweep = nil
        while let exchange = waiting.popFirst() { exchange.promise.fail(PeerTransportError.shutDown) }
        let closing = open.values.compactMap { $0.closeFuture() }
        for connection in open.values { connection.fail(PeerTransportError.shutDown) }
        return EventLoopFuture.andAllComplete(closing, on: loop)
    }
}
