import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The cost floor of issue 6 as two throwaway servers, so that every Provisio figure can be printed as a ratio to
/// what a bare server on the same machine, in the same run, manages:
///
/// - `floor-server --port P` answers `GET /floor` with a ~300-byte JSON body (a SCIM user), encoded per request;
/// - `floor-server --port Q --relay-to http://127.0.0.1:P` answers `GET /floor` by calling the first server over a
///   keep-alive async-http-client pool and relaying the bytes: the two-hop relay.
///
/// `provisio-load scale` starts both itself; the subcommand is public so the floor can also be driven by `wrk`.
struct FloorServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor-server",
        abstract: "A bare Hummingbird server (or a relay to one): the cost floor the scale figures are compared with."
    )

    @Option(help: "Loopback port to listen on.")
    var port: Int
    @Option(help: "Relay each request to this base URL (another floor-server) instead of answering it here.")
    var relayTo: String?
    @Option(help: "Connections the relay may keep open to the far server.")
    var connections = 64

    /// The body: about 300 bytes once encoded, like a small SCIM user.
    struct FloorUser: Codable, Sendable {
        var schemas = ["urn:ietf:params:scim:schemas:core:2.0:User"]
        var id = "2819c223-7f76-453a-919d-413861904646"
        var userName = "bjensen@example.com"
        var displayName = "Babs Jensen"
        var active = true
        var emails = [["value": "bjensen@example.com", "type": "work"]]
        var meta = ["resourceType": "User", "version": "W/\"3\"", "created": "2026-11-22T10:00:00Z"]
    }

    func run() async throws {
        let router = Router()
        if let relayTo {
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
            configuration.tracing.tracer = nil  // as the services' internal client: no per-request no-op span
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let target = relayTo.hasSuffix("/") ? relayTo + "floor" : relayTo + "/floor"
            router.get("floor") { _, _ -> Response in
                let answer = try await client.execute(HTTPClientRequest(url: target), timeout: .seconds(30))
                let body = try await answer.body.collect(upTo: 1 << 20)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
            }
            try await serve(router)
            try await client.shutdown()
        } else {
            let encoder = JSONEncoder()
            router.get("floor") { _, _ -> Response in
                let body = try encoder.encode(FloorUser())
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
            try await serve(router)
        }
    }

    private func serve(_ router: Router<BasicRequestContext>) async throws {
        var logger = Logger(label: "floor-server")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }
}
