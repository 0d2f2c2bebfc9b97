import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ScimCore
import ServiceClients
import Testing

@Suite("Keep-alive connections to a peer service")
struct PeerConnectionPoolTests {
    private func get(_ path: String, body: String? = nil, method: HTTPMethod = .GET) -> PeerRequest {
        var headers = HTTPHeaders()
        if let body { headers.add(name: "Content-Length", value: String(body.utf8.count)) }
        return PeerRequest(
            head: HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers),
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    /// A pool on an event loop of its own (the services call from their single loop), so that connections count.
    private func withPeer(
        _ configuration: PeerConnectionPool.Configuration = .init(),
        _ body: (ScriptedPeer, PeerConnectionPool) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let peer = try await ScriptedPeer.start()
        let pool = try PeerConnectionPool(baseURL: peer.baseURL, configuration: configuration, group: group)
        var failure: (any Error)?
        do { try await body(peer, pool) } catch { failure = error }
        await pool.shutdown()
        await peer.stop()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    /// Waits until `condition` holds, for at most two seconds; returns whether it does.
    private func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(2)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    @Test("Answers come back whole, and one kept-alive connection carries requests sent one after another")
    func keepAlive() async throws {
        try await withPeer { peer, pool in
            for number in 1...20 {
                let answer = try await pool.execute(get("/echo", body: "request \(number)", method: .POST), timeout: .seconds(5))
                #expect(answer.status == .ok)
                #expect(String(buffer: answer.body) == "request \(number)")
                #expect(answer.headers.first(name: "x-connection") == "1")
                #expect(answer.headers.first(name: "x-host") == "127.0.0.1:\(peer.port)")
            }
            #expect(peer.connectionsAccepted == 1)
        }
    }

    @Test("Requests beyond the pool's connections wait for one instead of opening more")
    func boundedConnections() async throws {
        var configuration = PeerConnectionPool.Configuration()
        configuration.connections = 4
        try await withPeer(configuration) { peer, pool in
            try await withThrowingTaskGroup(of: String.self) { tasks in
                for number in 0..<200 {
                    tasks.addTask {
                        String(buffer: try await pool.execute(get("/echo", body: "\(number)", method: .PUT), timeout: .seconds(10)).body)
                    }
                }
                var answers = Set<String>()
                for try await answer in tasks { answers.insert(answer) }
                #expect(answers == Set((0..<200).map(String.init)))
            }
            // At once, not in all: on a loaded machine a connection may close and be replaced.
            #expect(peer.mostConnectionsOpenAtOnce <= 4, "accepted \(peer.connectionsAccepted), closed \(peer.connectionsClosed)")
        }
    }

    @Test("A peer that answers with Connection: close costs a new connection, not a failure")
    func peerClosesAfterAnswering() async throws {
        try await withPeer { peer, pool in
            let closing = try await pool.execute(get("/close"), timeout: .seconds(5))
            #expect(String(buffer: closing.body) == "bye")
            let next = try await pool.execute(get("/echo"), timeout: .seconds(5))
            #expect(next.status == .ok)
            #expect(peer.connectionsAccepted == 2)
        }
    }

    @Test("A GET whose kept-alive connection closes unanswered is sent once more on a new connection")
    func idempotentRetry() async throws {
        try await withPeer { peer, pool in
            _ = try await pool.execute(get("/echo"), timeout: .seconds(5))
            await #expect(throws: PeerTransportError.connectionClosed(answered: false, reused: false)) {
                try await pool.execute(get("/drop"), timeout: .seconds(5))
            }
            #expect(peer.connectionsAccepted == 2)  // the retry went out on a second connection, which the peer dropped too
        }
    }

    @Test("A GET whose kept-alive connection dies under it is answered on a new connection, unseen by the caller")
    func staleConnectionRetry() async throws {
        try await withPeer { peer, pool in
            _ = try await pool.execute(get("/echo"), timeout: .seconds(5))
            let answer = try await pool.execute(get("/drop-reused"), timeout: .seconds(5))
            #expect(answer.status == .ok)
            #expect(answer.headers.first(name: "x-connection") == "2")
            #expect(peer.received(.GET, "/drop-reused") == 2)
        }
    }

    @Test(
        "A PUT or DELETE whose kept-alive connection dies under it is not sent again: the peer may have applied it",
        arguments: [HTTPMethod.PUT, .DELETE]
    )
    func noRetryForWrites(method: HTTPMethod) async throws {
        try await withPeer { peer, pool in
            _ = try await pool.execute(get("/echo"), timeout: .seconds(5))
            await #expect(throws: PeerTransportError.connectionClosed(answered: false, reused: true)) {
                try await pool.execute(get("/drop-reused", body: method == .PUT ? "{}" : nil, method: method), timeout: .seconds(5))
            }
            #expect(peer.received(method, "/drop-reused") == 1)
            #expect(peer.connectionsAccepted == 1)
            let next = try await pool.execute(get("/echo"), timeout: .seconds(5))
            #expect(next.status == .ok)
        }
    }

    @Test("A connection the peer closed while it sat idle is not used: even a POST goes out, once, on a new one")
    func peerClosedIdleConnection() async throws {
        try await withPeer { peer, pool in
            _ = try await pool.execute(get("/close-soon"), timeout: .seconds(5))
            #expect(try await eventually { peer.connectionsClosed == 1 })
            try await Task.sleep(for: .milliseconds(50))  // the pool sees the close too
            let answer = try await pool.execute(get("/echo", body: "{}", method: .POST), timeout: .seconds(5))
            #expect(String(buffer: answer.body) == "{}")
            #expect(answer.headers.first(name: "x-connection") == "2")
            #expect(peer.received(.POST, "/echo") == 1)
        }
    }

    @Test("A POST whose kept-alive connection closes unanswered is not sent again")
    func noRetryForPost() async throws {
        try await withPeer { peer, pool in
            _ = try await pool.execute(get("/echo"), timeout: .seconds(5))
            await #expect(throws: PeerTransportError.connectionClosed(answered: false, reused: true)) {
                try await pool.execute(get("/drop", body: "{}", method: .POST), timeout: .seconds(5))
            }
            #expect(peer.connectionsAccepted == 1)
            let next = try await pool.execute(get("/echo"), timeout: .seconds(5))
            #expect(next.status == .ok)
        }
    }

    @Test("An exchange past its deadline fails and the pool goes on with a new connection")
    func deadline() async throws {
        try await withPeer { peer, pool in
            let started = ContinuousClock.now
            await #expect(throws: PeerTransportError.timedOut) {
                try await pool.execute(get("/silent"), timeout: .milliseconds(300))
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            let next = try await pool.execute(get("/echo"), timeout: .seconds(5))
            #expect(next.status == .ok)
            #expect(peer.connectionsAccepted == 2)
        }
    }

    @Test("Cancelling the caller ends an exchange the peer never answers at once and closes its connection")
    func cancelUnderWay() async throws {
        try await withPeer { peer, pool in
            let silent = Task { try await pool.execute(get("/silent"), timeout: .seconds(5)) }
            #expect(try await eventually { peer.received(.GET, "/silent") == 1 })
            try await Task.sleep(for: .milliseconds(100))
            let cancelled = ContinuousClock.now
            silent.cancel()
            await #expect(throws: CancellationError.self) { try await silent.value }
            #expect(ContinuousClock.now - cancelled < .seconds(1))
            #expect(try await eventually { peer.connectionsClosed == 1 })
            let next = try await pool.execute(get("/echo"), timeout: .seconds(5))
            #expect(next.status == .ok)
            #expect(next.headers.first(name: "x-connection") == "2")
        }
    }

    @Test("Cancelling a caller that waits for a connection takes its request out of the queue")
    func cancelWaiting() async throws {
        var configuration = PeerConnectionPool.Configuration()
        configuration.connections = 4  // the test's group has one loop: 4 connections
        try await withPeer(configuration) { peer, pool in
            let busy = (0..<4).map { number in Task { try await pool.execute(get("/silent/\(number)"), timeout: .seconds(10)) } }
            #expect(try await eventually { (0..<4).allSatisfy { peer.received(.GET, "/silent/\($0)") == 1 } })
            let queued = Task { try await pool.execute(get("/silent/queued"), timeout: .seconds(3)) }
            try await Task.sleep(for: .milliseconds(100))
            let cancelled = ContinuousClock.now
            queued.cancel()
            await #expect(throws: CancellationError.self) { try await queued.value }
            #expect(ContinuousClock.now - cancelled < .seconds(1))
            // A connection is free again: were the cancelled request still queued, it would take it.
            busy[0].cancel()
            await #expect(throws: CancellationError.self) { try await busy[0].value }
            let next = try await pool.execute(get("/echo"), timeout: .seconds(5))
            #expect(next.status == .ok)
            #expect(peer.received(.GET, "/silent/queued") == 0)
            for task in busy { task.cancel() }
            for task in busy { _ = try? await task.value }
        }
    }

    @Test("An answer larger than the pool accepts fails; one within the limit arrives whole")
    func answerSizeLimit() async throws {
        var configuration = PeerConnectionPool.Configuration()
        configuration.maximumAnswerSize = 100_000
        try await withPeer(configuration) { _, pool in
            await #expect(throws: PeerTransportError.answerTooLarge) {
                try await pool.execute(get("/big/100001"), timeout: .seconds(5))
            }
            let within = try await pool.execute(get("/big/100000"), timeout: .seconds(5))
            #expect(within.body.readableBytes == 100_000)
        }
    }

    @Test("A peer that is not listening fails the request at once")
    func refused() async throws {
        let peer = try await ScriptedPeer.start()
        let url = peer.baseURL
        await peer.stop()
        let pool = try PeerConnectionPool(baseURL: url)
        await #expect(throws: (any Error).self) { try await pool.execute(get("/echo"), timeout: .seconds(30)) }
        await pool.shutdown()
    }

    @Test("Shutting down fails the exchanges under way and every later request")
    func shutdown() async throws {
        try await withPeer { _, pool in
            let silent = Task { try await pool.execute(get("/silent"), timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(200))
            await pool.shutdown()
            await #expect(throws: PeerTransportError.shutDown) { try await silent.value }
            await #expect(throws: PeerTransportError.shutDown) { try await pool.execute(get("/echo"), timeout: .seconds(5)) }
        }
    }

    @Test("Only plain http:// base URLs are accepted; a path becomes every request's prefix")
    func baseURLs() throws {
        #expect(throws: PeerTransportError.unsupportedURL("https://directory:8080")) { try PeerConnectionPool(baseURL: "https://directory:8080") }
        #expect(throws: PeerTransportError.unsupportedURL("directory:8080")) { try PeerConnectionPool(baseURL: "directory:8080") }
        let pool = try PeerConnectionPool(baseURL: "http://directory.provisio.svc:8080/internal/")
        #expect(pool.host == "directory.provisio.svc")
        #expect(pool.port == 8080)
        #expect(pool.pathPrefix == "/internal")
        #expect(try PeerConnectionPool(baseURL: "http://directory").port == 80)
        let ipv6 = try PeerConnectionPool(baseURL: "http://[::1]:8082")
        #expect(ipv6.host == "::1")
        #expect(ipv6.pathPrefix == "")
    }
}

@Suite("Internal JSON over HTTP")
struct InternalHTTPClientTests {
    @Test("A peer's error answer becomes a SCIM error with its status; an unreachable peer is a 503")
    func errors() async throws {
        let peer = try await ScriptedPeer.start()
        let url = peer.baseURL
        let client = try InternalHTTPClient(baseURL: url, internalKey: "k", serviceName: "directory")
        let logger = Logger(label: "test")
        let echoed = try await client.sendRaw(.POST, "/echo", body: Data("{\"a\":1}".utf8), logger: logger)
        #expect(String(decoding: echoed, as: UTF8.self) == "{\"a\":1}")
        await #expect { try await client.sendRaw(.GET, "/status/404", body: nil, logger: logger) } throws: { error in
            (error as? ScimError)?.status == 404
        }
        #expect(await client.isAlive(logger: logger) == false)  // the scripted peer has no /healthz: 404
        await client.shutdown()
        await peer.stop()
        let unreachable = try InternalHTTPClient(baseURL: url, internalKey: "k", serviceName: "directory")
        await #expect { try await unreachable.sendRaw(.GET, "/echo", body: nil, logger: logger) } throws: { error in
            (error as? ScimError)?.status == 503
        }
        await unreachable.shutdown()
    }

    @Test("A DELETE whose kept-alive connection dies under it is a 503, and the peer read it once")
    func deleteOnDyingConnection() async throws {
        let peer = try await ScriptedPeer.start()
        let client = try InternalHTTPClient(baseURL: peer.baseURL, internalKey: "k", serviceName: "directory")
        let logger = Logger(label: "test")
        // The client's pool spreads requests over the shared group's loops: each loop keeps a connection alive.
        for _ in 0..<(4 * System.coreCount) { _ = try await client.sendRaw(.GET, "/echo", body: nil, logger: logger) }
        await #expect { try await client.sendRaw(.DELETE, "/drop-reused", body: nil, logger: logger) } throws: { error in
            (error as? ScimError)?.status == 503
        }
        #expect(peer.received(.DELETE, "/drop-reused") == 1)
        await client.shutdown()
        await peer.stop()
    }

    @Test("A cancelled caller gets CancellationError, not the 503 of an unreachable peer")
    func cancelledCaller() async throws {
        let peer = try await ScriptedPeer.start()
        let client = try InternalHTTPClient(baseURL: peer.baseURL, internalKey: "k", serviceName: "directory")
        let logger = Logger(label: "test")
        let silent = Task { try await client.sendRaw(.GET, "/silent", body: nil, logger: logger) }
        try await Task.sleep(for: .milliseconds(200))
        silent.cancel()
        await #expect(throws: CancellationError.self) { try await silent.value }
        await client.shutdown()
        await peer.stop()
    }

    @Test("A peer that is down is a 503 until it listens again; the same client then reaches it on new connections")
    func peerComesBack() async throws {
        let first = try await ScriptedPeer.start()
        let port = first.port
        await first.stop()  // nothing listens on the port now: connections are refused
        let client = try InternalHTTPClient(baseURL: "http://127.0.0.1:\(port)", internalKey: "k", serviceName: "directory")
        let logger = Logger(label: "test")
        for _ in 0..<3 {
            await #expect { try await client.sendRaw(.POST, "/echo", body: Data("{}".utf8), logger: logger) } throws: { error in
                (error as? ScimError)?.status == 503
            }
        }
        let back = try await ScriptedPeer.start(port: port)
        let echoed = try await client.sendRaw(.POST, "/echo", body: Data("{\"back\":true}".utf8), logger: logger)
        #expect(String(decoding: echoed, as: UTF8.self) == "{\"back\":true}")
        #expect(back.connectionsAccepted == 1)
        await client.shutdown()
        await back.stop()
    }
}
