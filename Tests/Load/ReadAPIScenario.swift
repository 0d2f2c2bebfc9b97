import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1

/// Issue 21's read-API budget: `GET /api/v1/tenants/{t}/users?userName=…` within 20 % of SCIM's
/// `GET /Users?filter=userName eq "…"`, both through the gateway on the same populated stack.
///
/// 1. seed `--users` users over SCIM (`--concurrency` in flight);
/// 2. `--rounds` times, alternately: `--requests` SCIM filters, then `--requests` read-API lookups of the same random
///    users (root admin key), each a closed loop at `--concurrency` connections, so machine noise hits both alike;
/// 3. prints req/s and p50/p99 of each run, and the read API's pooled req/s against SCIM's.
struct ReadAPIScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-api",
        abstract: "The read API's userName lookup against SCIM's userName filter (issue 21)."
    )

    @OptionGroup var target: TargetOptions

    @Option(help: "Users to seed.")
    var users = 10_000
    @Option(help: "Requests of each run.")
    var requests = 10_000
    @Option(help: "Alternating rounds of the two runs.")
    var rounds = 3
    @Option(help: "Requests in flight.")
    var concurrency = 32
    @Option(help: "Seed of the random picks.")
    var seed: UInt64 = 42

    func validate() throws {
        guard (1...1_000_000).contains(users), (1...1_000_000).contains(requests), (1...20).contains(rounds), (1...256).contains(concurrency) else {
            throw ValidationError("--users and --requests 1…1,000,000, --rounds 1…20, --concurrency 1…256.")
        }
    }

    func run() async throws {
        try await target.withTarget { demo in
            guard let adminKey = demo.adminKey else { throw LoadError("demo.json has no adminKey") }
            try await ScimClient.withClient(demo, connections: target.connections) { client in
                try await measure(client, adminKey: adminKey)
            }
        }
    }

    private func measure(_ client: ScimClient, adminKey: String) async throws {
        let runID = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
        @Sendable func userName(_ index: Int) -> String { "read-\(runID)-\(index)@example.com" }
        say("seeding \(users) users …")
        let seeded = try await Runner.concurrent(count: users, concurrency: concurrency) { index in
            let body: [String: Any] = [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": userName(index), "externalId": "read-\(runID)-\(index)",
                "active": true, "name": ["givenName": "Read", "familyName": "User \(index)"],
                "emails": [["value": userName(index), "type": "work", "primary": true]],
            ]
            try await client.expect([201], .POST, "/Users", json: body)
        }
        say("  \(users) users in \(Format.seconds(seeded.wall))")

        guard let base = URL(string: client.baseURL), let host = base.host else { throw LoadError("not a URL: \(client.baseURL)") }
        let segments = base.path.split(separator: "/")  // scim, v2, tenant, idp
        guard segments.count >= 4 else { throw LoadError("unexpected SCIM base URL \(client.baseURL)") }
        let origin = "\(base.scheme ?? "http")://\(host):\(base.port ?? 80)"
        let scimPath = base.path
        let apiPath = "/api/v1/tenants/\(segments[2])/users?userName="
        var random = SeededGenerator(seed: seed)
        let picks = (0..<requests).map { _ in Int.random(in: 0..<users, using: &random) }
        let scimPaths = picks.map { scimPath + "/Users?filter=" + "userName eq \"\(userName($0))\"".queryEncoded }
        let apiPaths = picks.map { apiPath + userName($0).queryEncoded }
        let scimHeaders = [("Authorization", "Bearer \(client.token)"), ("Accept", "application/scim+json")]
        let apiHeaders = [("Authorization", "Bearer \(adminKey)"), ("Accept", "application/json")]
        let oneUser = #""data":[{"#

        func closedLoop(
            _ paths: [String],
            _ headers: [(String, String)],
            _ accept: @escaping @Sendable (HTTPResponseStatus, ByteBuffer) -> Bool
        )
            async throws -> RunResult
        {
            try await ClosedLoopGets.run(
                baseURL: origin,
                headers: headers,
                count: paths.count,
                connections: concurrency,
                path: { paths[$0] },
                accept: accept
            )
        }
        // Warm-up of both paths.
        _ = try await closedLoop(Array(scimPaths.prefix(1_000)), scimHeaders) { status, body in
            status == .ok && ScimClient.Answer.hasTotalResults(1, in: body)
        }
        _ = try await closedLoop(Array(apiPaths.prefix(1_000)), apiHeaders) { status, body in status == .ok && body.containsBytes(oneUser) }

        var scim: RunResult?
        var api: RunResult?
        for round in 1...rounds {
            let scimRun = try await closedLoop(scimPaths, scimHeaders) { status, body in
                status == .ok && ScimClient.Answer.hasTotalResults(1, in: body)
            }
            let apiRun = try await closedLoop(apiPaths, apiHeaders) { status, body in status == .ok && body.containsBytes(oneUser) }
            for (name, run) in [("SCIM filter=userName eq", scimRun), ("read API userName=", apiRun)] {
                say(
                    "round \(round) \(name): \(Format.rate(run.perSecond)) req/s, p50 \(Format.ms(run.latencies.p50)) ms, p99 \(Format.ms(run.latencies.p99)) ms"
                )
            }
            scim = scim.map { $0.merged(with: scimRun) } ?? scimRun
            api = api.map { $0.merged(with: apiRun) } ?? apiRun
        }
        if let scim, let api {
            let ratio = api.perSecond / scim.perSecond
            say(
                "pooled: SCIM \(Format.rate(scim.perSecond)) req/s, read API \(Format.rate(api.perSecond)) req/s: \(Format.ratio(ratio)) "
                    + "(target ≥ 0.80x: \(ratio >= 0.8 ? "met" : "not met"))"
            )
        }
    }
}
