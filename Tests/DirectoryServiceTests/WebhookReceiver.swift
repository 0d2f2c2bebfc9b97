import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// A webhook receiver on an ephemeral loopback port for the delivery tests: it records each request to `/hook` and
/// answers what `reply` says for it (by its index among all requests); `/redirect` answers 302 to `/hook`.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var contentType: String
        var body: String
        /// The request's query: tests tell their endpoints apart by it.
        var query: String
        var at: ContinuousClock.Instant
    }

    struct Reply: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: HTTPFields = [:]
    }

    private let state = Mutex<(received: [Received], redirects: Int)>(([], 0))
    private let reply: @Sendable (Int) -> Reply

    init(reply: @escaping @Sendable (Int) -> Reply = { _ in Reply() }) { self.reply = reply }

    var received: [Received] { state.withLock { $0.received } }
    var receivedIDs: [String] { received.map(\.id) }
    var redirects: Int { state.withLock { $0.redirects } }

    /// Runs the receiver while `body` runs, passing its base URL (`http://127.0.0.1:port`).
    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { [self] request, context in
            let data = try await request.body.collect(upTo: 1 << 20)
            let index = state.withLock { state in
                state.received.append(
                    Received(
                        id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                        timestamp: request.headers[HTTPField.Name("webhook-timestamp")!] ?? "",
                        signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "",
                        contentType: request.headers[.contentType] ?? "",
                        body: String(buffer: data),
                        query: request.uri.query ?? "",
                        at: .now
                    )
                )
                return state.received.count - 1
            }
            let answer = reply(index)
            return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(string: "answer \(index)")))
        }
        router.post("redirect") { [self] _, _ in
            state.withLock { $0.redirects += 1 }
            return Response(status: .found, headers: [.location: "/hook"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Logger(label: "receiver"))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

/// Waits until `condition` holds, checking every 20 ms for at most `seconds`.
func eventually(seconds: Double = 15, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    #expect(try await condition(), "waited \(seconds) s")
}
