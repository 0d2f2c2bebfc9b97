import ArgumentParser
import Foundation
import NIOHTTP1

/// Issue 3 item 10, membership at scale: is a group with N members as cheap to change and to read (without its
/// members) as a group with 10?
///
/// 1. seed N users (POST /Users, `--concurrency` in flight);
/// 2. build a big group to N members with PATCHes of `--batch` members (Entra/Okta shape, one PATCH at a time per group);
/// 3. create a small group with 10 members;
/// 4. single-member remove/add against big vs small, interleaved sample by sample so machine noise hits both alike;
/// 5. `GET /Groups/{id}?excludedAttributes=members`, big vs small, sequential (interleaved) and `--concurrency` in flight;
/// 6. `GET /Users?filter=userName eq "…"` on random existing users at N users, `--concurrency` in flight.
struct MembershipScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "membership",
        abstract: "Membership at scale: big vs small group costs (issue 3 item 10)."
    )

    @OptionGroup var target: TargetOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Users to seed; the big group gets all of them as members.")
    var users = 50_000
    @Option(help: "Members per PATCH while building the big group.")
    var batch = 1_000
    @Option(help: "Samples of each single-member operation and of each sequential GET, per group.")
    var samples = 200
    @Option(help: "Requests of each concurrent read run.")
    var requests = 2_000
    @Option(help: "Requests in flight for seeding and the concurrent runs.")
    var concurrency = 16
    @Option(help: "Seed of the random picks.")
    var seed: UInt64 = 42
    @Option(help: "Label of the build being measured, printed with the tables (for example debug or release).")
    var build: String?

    func validate() throws {
        guard users >= 10, batch >= 1, samples >= 1, requests >= 1, concurrency >= 1 else {
            throw ValidationError("--users must be at least 10; --batch, --samples, --requests and --concurrency at least 1.")
        }
        guard users <= 1_000_000, samples <= 100_000, requests <= 1_000_000 else {
            throw ValidationError("Counts are bounded: at most 1,000,000 users.")
        }
    }

    func run() async throws {
        let reporter = Reporter(markdown: output.markdown)
        try await target.withTarget { demo in
            try await ScimClient.withClient(demo, connections: target.connections) { client in
                try await measure(client, reporter)
            }
        }
        reporter.finish()
    }

    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    private func measure(_ client: ScimClient, _ reporter: Reporter) async throws {
        var random = SeededGenerator(seed: seed)
        let runID = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)  // unique names across runs on one stack
        let label = build.map { " (\($0) build)" } ?? ""
        reporter.note(
            "membership scenario\(label): users=\(users) batch=\(batch) samples=\(samples) requests=\(requests) concurrency=\(concurrency) run=\(runID)"
        )

        // 1. Seed users.
        reporter.progress("seeding \(users) users, \(concurrency) in flight …")
        let users = self.users
        let (seeding, userIDs) = try await Runner.collecting(count: users, concurrency: concurrency) { index -> String in
            let name = "load-\(runID)-\(index)@example.com"
            let body: [String: Any] = [
                "schemas": [Self.userSchema], "userName": name, "externalId": "ext-\(runID)-\(index)",
                "name": ["givenName": "Given\(index)", "familyName": "Family\(index)"],
                "emails": [["value": name, "type": "work", "primary": true]], "active": true,
            ]
            let answer = try await client.expect([201], .POST, "/Users", json: body)
            guard let id = answer.json["id"] as? String else { throw LoadError("POST /Users answered without an id: \(answer.text.prefix(300))") }
            return id
        }
        var seedTable = ReportTable(title: "Seeding and building\(label)", columns: ["operation", "count", "wall", "per s", "p50 ms", "p99 ms"])
        seedTable.add(
            "POST /Users (\(concurrency) in flight)",
            "\(users)",
            Format.seconds(seeding.wall),
            Format.rate(seeding.perSecond),
            Format.ms(seeding.latencies.p50),
            Format.ms(seeding.latencies.p99)
        )

        // 2. The big group, built by PATCHes of `batch` members, one at a time (as an IdP pushes one group).
        let big = try await createGroup(client, name: "load-\(runID)-big", members: [])
        reporter.progress("building the big group \(big) to \(users) members in PATCHes of \(batch) …")
        let batches = stride(from: 0, to: users, by: batch).map { Array(userIDs[$0..<min($0 + batch, users)]) }
        let building = try await Runner.sequential(count: batches.count) { index in
            let value = batches[index].map { ["value": $0] }
            try await client.expect(
                [200, 204],
                .PATCH,
                "/Groups/\(big)",
                json: ["schemas": [Self.patchSchema], "Operations": [["op": "add", "path": "members", "value": value] as [String: Any]]]
                    as [String: Any]
            )
        }
        seedTable.add(
            "PATCH add \(batch) members (big group)",
            "\(batches.count)",
            Format.seconds(building.wall),
            Format.rate(building.perSecond),
            Format.ms(building.latencies.p50),
            Format.ms(building.latencies.p99)
        )
        let bigCount = try await memberCount(client, group: big)
        guard bigCount == users else { throw LoadError("the big group has \(bigCount) members, expected \(users)") }

        // 3. The small group.
        let smallMembers = Array(userIDs.prefix(10))
        let small = try await createGroup(client, name: "load-\(runID)-small", members: smallMembers)
        reporter.table(seedTable)

        // 4. Single-member changes, interleaved: for each sample, big then small, each: remove (Entra shape), add
        //    back, remove (Okta shape, `members[value eq "…"]`), add back. Every call is a real change.
        reporter.progress("single-member remove/add: \(samples) samples per shape and group, interleaved …")
        enum Operation: String, CaseIterable {
            case removeEntra = "remove (value list)"
            case add = "add (value list)"
            case removeOkta = "remove (members[value eq])"
        }
        var timings: [String: [Operation: Latencies]] = ["big": [:], "small": [:]]
        for sample in 0..<samples {
            for (name, group, member) in [
                ("big", big, userIDs[Int.random(in: 0..<users, using: &random)]), ("small", small, smallMembers[sample % smallMembers.count]),
            ] {
                let steps: [(Operation, [String: Any])] = [
                    (.removeEntra, ["op": "remove", "path": "members", "value": [["value": member]]]),
                    (.add, ["op": "add", "path": "members", "value": [["value": member]]]),
                    (.removeOkta, ["op": "remove", "path": "members[value eq \"\(member)\"]"]),
                    (.add, ["op": "add", "path": "members", "value": [["value": member]]]),
                ]
                for (operation, op) in steps {
                    let (_, duration) = try await Runner.timed {
                        try await client.expect(
                            [200, 204],
                            .PATCH,
                            "/Groups/\(group)",
                            json: ["schemas": [Self.patchSchema], "Operations": [op]] as [String: Any]
                        )
                    }
                    timings[name]![operation, default: Latencies()].add(duration)
                }
            }
        }
        guard try await memberCount(client, group: big) == users, try await memberCount(client, group: small) == 10 else {
            throw LoadError("member counts changed after the single-member samples")
        }
        var single = ReportTable(
            title: "Single-member PATCH, big (\(users) members) vs small (10 members), sequential\(label)",
            columns: ["operation", "n", "big p50", "big p99", "small p50", "small p99", "ratio p50", "ratio p99"]
        )
        for operation in Operation.allCases {
            let b = timings["big"]![operation]!
            let s = timings["small"]![operation]!
            single.add(
                operation.rawValue,
                "\(b.count)",
                Format.ms(b.p50),
                Format.ms(b.p99),
                Format.ms(s.p50),
                Format.ms(s.p99),
                Format.ratio(b.p50 / s.p50),
                Format.ratio(b.p99 / s.p99)
            )
        }
        reporter.table(single)

        // 5. GET without members: sequential interleaved, then concurrent runs.
        reporter.progress(
            "GET /Groups/{id}?excludedAttributes=members: \(samples) interleaved samples, then \(requests) requests \(concurrency) in flight per group in 4 alternating slices …"
        )
        var sequential: [String: Latencies] = ["big": Latencies(), "small": Latencies()]
        for _ in 0..<samples {
            for (name, group) in [("big", big), ("small", small)] {
                let (answer, duration) = try await Runner.timed {
                    try await client.expect([200], .GET, "/Groups/\(group)?excludedAttributes=members")
                }
                if answer.json["members"] != nil { throw LoadError("excludedAttributes=members answered with members") }
                sequential[name]!.add(duration)
            }
        }
        // The concurrent runs alternate in `rounds` slices (big, small, small, big, …) so drift of a shared machine
        // does not land on one group only.
        var concurrent: [String: RunResult] = [:]
        let rounds = min(4, requests)
        for round in 0..<rounds {
            let slice = requests / rounds + (round < requests % rounds ? 1 : 0)
            for (name, group) in round % 2 == 0 ? [("big", big), ("small", small)] : [("small", small), ("big", big)] {
                let run = try await Runner.concurrent(count: slice, concurrency: concurrency) { _ in
                    try await client.expect([200], .GET, "/Groups/\(group)?excludedAttributes=members")
                }
                concurrent[name] = concurrent[name].map { $0.merged(with: run) } ?? run
            }
        }
        var reads = ReportTable(
            title: "GET /Groups/{id}?excludedAttributes=members, big (\(users) members) vs small (10)\(label)",
            columns: ["run", "group", "n", "req/s", "p50 ms", "p99 ms", "ratio p50", "ratio p99", "req/s small/big"]
        )
        let seqB = sequential["big"]!
        let seqS = sequential["small"]!
        reads.add(
            "sequential",
            "big",
            "\(seqB.count)",
            "–",
            Format.ms(seqB.p50),
            Format.ms(seqB.p99),
            Format.ratio(seqB.p50 / seqS.p50),
            Format.ratio(seqB.p99 / seqS.p99),
            "–"
        )
        reads.add("sequential", "small", "\(seqS.count)", "–", Format.ms(seqS.p50), Format.ms(seqS.p99), "", "", "")
        let conB = concurrent["big"]!
        let conS = concurrent["small"]!
        reads.add(
            "\(concurrency) in flight",
            "big",
            "\(conB.latencies.count)",
            Format.rate(conB.perSecond),
            Format.ms(conB.latencies.p50),
            Format.ms(conB.latencies.p99),
            Format.ratio(conB.latencies.p50 / conS.latencies.p50),
            Format.ratio(conB.latencies.p99 / conS.latencies.p99),
            Format.ratio(conS.perSecond / conB.perSecond)
        )
        reads.add(
            "\(concurrency) in flight",
            "small",
            "\(conS.latencies.count)",
            Format.rate(conS.perSecond),
            Format.ms(conS.latencies.p50),
            Format.ms(conS.latencies.p99),
            "",
            "",
            ""
        )
        reporter.table(reads)

        // 6. Filter by userName at N users.
        reporter.progress("GET /Users?filter=userName eq \"…\": \(requests) requests, \(concurrency) in flight …")
        let picks = (0..<requests).map { _ in Int.random(in: 0..<users, using: &random) }
        let filtering = try await Runner.concurrent(count: requests, concurrency: concurrency) { index in
            let name = "load-\(runID)-\(picks[index])@example.com"
            let answer = try await client.expect([200], .GET, "/Users?filter=\("userName eq \"\(name)\"".queryEncoded)")
            guard (answer.json["totalResults"] as? Int) == 1 else {
                throw LoadError("filter on \(name) did not find exactly one user: \(answer.text.prefix(300))")
            }
        }
        var filterTable = ReportTable(
            title: "GET /Users?filter=userName eq \"…\" at \(users) users\(label)",
            columns: ["run", "n", "req/s", "p50 ms", "p99 ms"]
        )
        filterTable.add(
            "\(concurrency) in flight",
            "\(filtering.latencies.count)",
            Format.rate(filtering.perSecond),
            Format.ms(filtering.latencies.p50),
            Format.ms(filtering.latencies.p99)
        )
        reporter.table(filterTable)
    }

    private func createGroup(_ client: ScimClient, name: String, members: [String]) async throws -> String {
        let answer = try await client.expect(
            [201],
            .POST,
            "/Groups",
            json: ["schemas": [Self.groupSchema], "displayName": name, "members": members.map { ["value": $0] }] as [String: Any]
        )
        guard let id = answer.json["id"] as? String else { throw LoadError("POST /Groups answered without an id: \(answer.text.prefix(300))") }
        return id
    }

    /// The member count, read with the members (one full read; not a timed figure).
    private func memberCount(_ client: ScimClient, group: String) async throws -> Int {
        let answer = try await client.expect([200], .GET, "/Groups/\(group)")
        return (answer.json["members"] as? [Any])?.count ?? 0
    }
}
