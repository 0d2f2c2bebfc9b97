import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// Issue 21, section 6: the application's side of the scale suite (`provisio-load scale --application`).
///
/// - a loopback webhook receiver subscribed to every event before the initial sync; after the sync, how long until
///   it has every event, and each event's delivery lag (arrival minus the event's `time`);
/// - the whole change feed read through the gateway (events/s);
/// - the read API's `GET users?userName=` next to SCIM's filter by userName.
struct ApplicationSide: Sendable {
    let http: HTTPClient
    /// `http://host:port/api/v1/tenants/demo`.
    let tenantAPI: String
    let adminKey: String

    init(http: HTTPClient, demo: DemoFile) throws {
        guard let adminURL = demo.adminURL, let adminKey = demo.adminKey, adminURL.hasSuffix("/admin/v1") else {
            throw LoadError("--application needs demo.json's adminURL and adminKey (a stack of `provisio up`)")
        }
        self.http = http
        self.tenantAPI = String(adminURL.dropLast("/admin/v1".count)) + "/api/v1/tenants/demo"
        self.adminKey = adminKey
    }

    /// The API's absolute path prefix (`/api/v1/tenants/demo`), for ``ClosedLoopGets``.
    var tenantPath: String { URL(string: tenantAPI)?.path ?? "/api/v1/tenants/demo" }
    var headers: [(String, String)] { [("Authorization", "Bearer \(adminKey)"), ("Accept", "application/json")] }

    func call(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: tenantAPI + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(buffer: body))
    }

    /// Subscribes `url` to every event; returns the endpoint's id.
    func subscribe(_ url: String) async throws -> String {
        let (status, body) = try await call(.POST, "/webhooks", json: ["url": url])
        guard status == 201, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any], let id = object["id"] as? String else {
            throw LoadError("POST /webhooks answered \(status): \(String(decoding: body.prefix(500), as: UTF8.self))")
        }
        return id
    }

    func unsubscribe(_ id: String) async throws {
        _ = try await call(.DELETE, "/webhooks/\(id)")
    }

    /// Reads the whole feed from the oldest event, `limit` a page; the events read and the wall time.
    func readFeed(limit: Int = 1000) async throws -> (events: Int, wall: Duration) {
        let start = ContinuousClock.now
        var cursor: String? = nil
        var events = 0
        while true {
            let query = "/events?limit=\(limit)" + (cursor.map { "&after=\($0.queryEncoded)" } ?? "")
            let (status, body) = try await call(.GET, query)
            guard status == 200, let page = try JSONSerialization.jsonObject(with: body) as? [String: Any], let data = page["data"] as? [Any] else {
                throw LoadError("GET /events answered \(status): \(String(decoding: body.prefix(500), as: UTF8.self))")
            }
            guard !data.isEmpty else { break }
            events += data.count
            guard let next = page["next"] as? String else { break }
            cursor = next
        }
        return (events, ContinuousClock.now - start)
    }
}

/// What the receiver has had: distinct event ids, redeliveries, each first delivery's lag and when the last came.
final class WebhookTally: Sendable {
    private struct State {
        var seen = Set<String>()
        var redeliveries = 0
        var lags = Latencies()
        var lastArrival: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    func record(id: String, lag: Duration?) {
        let now = ContinuousClock.now
        state.withLock { state in
            if state.seen.insert(id).inserted {
                if let lag { state.lags.add(lag) }
            } else {
                state.redeliveries += 1
            }
            state.lastArrival = now
        }
    }

    var distinct: Int { state.withLock { $0.seen.count } }
    var redeliveries: Int { state.withLock { $0.redeliveries } }
    var lags: Latencies { state.withLock { $0.lags } }
    var lastArrival: ContinuousClock.Instant? { state.withLock { $0.lastArrival } }
}

/// A webhook receiver on a loopback port: answers 204 to every POST and tallies it. It does not check signatures
/// (the end-to-end tests do, with the `standardwebhooks` package); it reads the event's `time` for the lag.
struct WebhookReceiver {
    let url: String
    private let server: Task<Void, any Error>

    /// Starts the receiver; ``stop()`` ends it.
    static func start(tally: WebhookTally) async throws -> WebhookReceiver {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let id = request.headers[Self.webhookID] ?? "?"
            tally.record(id: id, lag: lag(of: bytes))
            return Response(status: .noContent)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
            logger: logger
        )
        let server = Task { try await app.runService() }
        for _ in 0..<500 {
            if let bound = port.withLock({ $0 }) { return WebhookReceiver(url: "http://127.0.0.1:\(bound)/hook", server: server) }
            try await Task.sleep(for: .milliseconds(10))
        }
        server.cancel()
        throw LoadError("the webhook receiver did not start")
    }

    func stop() { server.cancel() }

    private static let webhookID = HTTPField.Name("webhook-id")!

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Now minus the event's `"time":"…"` (the first one: the event's own comes before `data`).
    static func lag(of body: ByteBuffer) -> Duration? {
        let text = String(buffer: body)
        guard let start = text.range(of: #""time":""#)?.upperBound, let end = text[start...].firstIndex(of: "\"") else { return nil }
        guard let time = try? timeFormat.parse(String(text[start..<end])) else { return nil }
        return .milliseconds(Int64(Date().timeIntervalSince(time) * 1000))
    }
}
