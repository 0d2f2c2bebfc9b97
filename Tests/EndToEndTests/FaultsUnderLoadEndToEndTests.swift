import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// Faults under load, counted (issue 19 item 9, CI scale): an Entra-style sync (look the user up by
/// `filter=userName eq`, create it when absent) of 300 users by four workers that retry as an IdP does, while the
/// test kills with SIGKILL the directory, then the token service, then the mapping service, then the gateway;
/// `provisio up` restarts each. On PostgreSQL (`PROVISIO_TEST_POSTGRES_URL`, with `PROVISIO_TEST_POSTGRES_DIR` naming
/// the throwaway cluster) the server is then crash-restarted too (`pg_ctl restart -m immediate`), with
/// `synchronous_commit` on for the test's role (the test cluster runs with it off). Afterwards every write answered
/// 2xx is present with its content, no userName exists twice, and every user was created.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct FaultsUnderLoadEndToEndTests {
    static let users = 300
    static let workers = 4
    /// Each service is killed once the sync has this many users acknowledged.
    static let faults: [(service: String, after: Int)] = [
        ("DirectoryService", 40), ("TokenService", 100), ("MappingService", 160), ("ScimGateway", 220),
    ]

    /// The PostgreSQL server URL and the cluster's folder, when the suite runs on the test cluster.
    static var postgres: (url: String, directory: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["PROVISIO_TEST_POSTGRES_URL"], !url.isEmpty, let directory = environment["PROVISIO_TEST_POSTGRES_DIR"],
            !directory.isEmpty
        else { return nil }
        return (url, directory)
    }

    /// The faults of this run: the four services, then the PostgreSQL server when there is one.
    static var schedule: [(service: String, after: Int)] { faults + (postgres == nil ? [] : [("PostgreSQL", 270)]) }

    static func shell(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run(arguments[0], Array(arguments.dropFirst()))
        guard result.status == 0 else { throw StackError("\(arguments.joined(separator: " ")): \(result.output)") }
    }

    /// `synchronous_commit` for the test's role, on the server's `postgres` database (new sessions take it).
    static func setSynchronousCommit(_ on: Bool, _ server: String) async throws {
        let statement = on ? "ALTER ROLE CURRENT_USER SET synchronous_commit = on" : "ALTER ROLE CURRENT_USER RESET synchronous_commit"
        try await shell(["psql", "-X", "-q", "-d", server + "/postgres", "-c", statement])
    }

    struct Written: Sendable {
        var userName: String
        var id: String
        var givenName: String
    }

    final class Tally: Sendable {
        private let state = Mutex<(written: [Written], found: Int, retries: Int, conflicts: Int, next: Int)>(([], 0, 0, 0, 0))
        private let statuses = Mutex<[Int: Int]>([:])
        private let done = Atomic<Bool>(false)
        /// True once the sync is over (done or failed).
        var finished: Bool { done.load(ordering: .relaxed) }
        func finish() { done.store(true, ordering: .relaxed) }

        /// The next user to provision, until all are handed out.
        func nextIndex() -> Int? {
            state.withLock { state in
                guard state.next < FaultsUnderLoadEndToEndTests.users else { return nil }
                state.next += 1
                return state.next - 1
            }
        }
        func written(_ write: Written) { state.withLock { $0.written.append(write) } }
        func found() { state.withLock { $0.found += 1 } }
        func retried() { state.withLock { $0.retries += 1 } }
        /// Counts an answer's status (the 5xx ones are what the faults cost).
        func answered(_ status: Int) { statuses.withLock { $0[status, default: 0] += 1 } }
        var serverErrors: [Int: Int] { statuses.withLock { $0.filter { $0.key >= 500 } } }
        func conflicted() { state.withLock { $0.conflicts += 1 } }
        var acknowledged: Int { state.withLock { $0.written.count + $0.found } }
        var snapshot: (written: [Written], found: Int, retries: Int, conflicts: Int) {
            state.withLock { ($0.written, $0.found, $0.retries, $0.conflicts) }
        }
    }

    static func user(_ index: Int) -> [String: Any] {
        let userName = "sync-\(index)@example.com"
        return [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": userName, "externalId": "ext-\(index)",
            "name": ["givenName": "Given\(index)", "familyName": "Family\(index)"],
            "emails": [["value": userName, "type": "work", "primary": true]], "active": true,
        ]
    }

    static func lookup(_ demo: DemoFile, _ userName: String) async throws -> HTTP.Answer {
        let filter = "userName eq \"\(userName)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await HTTP.scim(demo, .GET, "/Users?filter=\(filter)")
    }

    /// One user as an IdP provisions it: GET by userName, POST when absent; a 5xx or a failed connection is retried
    /// after a backoff (0.1 s doubling to 2 s), and a 409 after a retried POST means the earlier POST went through.
    static func provision(_ index: Int, _ demo: DemoFile, _ tally: Tally) async throws {
        let body = user(index)
        let userName = body["userName"] as! String
        var delay = 0.1
        var posted = false
        for _ in 0..<200 {
            do {
                let found = try await lookup(demo, userName)
                tally.answered(found.status)
                if found.status == 200 {
                    if found.json["totalResults"] as? Int == 1 { return tally.found() }
                    let created = try await HTTP.scim(demo, .POST, "/Users", json: body)
                    tally.answered(created.status)
                    if created.status == 201, let id = created.json["id"] as? String {
                        return tally.written(Written(userName: userName, id: id, givenName: "Given\(index)"))
                    }
                    if created.status == 409, posted { return tally.conflicted() }
                    posted = true
                    guard created.status >= 500 else { throw StackError("POST \(userName): \(created.status) \(created.text)") }
                } else if found.status < 500 {
                    throw StackError("GET \(userName): \(found.status) \(found.text)")
                }
            } catch let error as StackError {
                throw error
            } catch {
                posted = true  // the connection failed: a POST may or may not have gone through
            }
            tally.retried()
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            delay = min(2, delay * 2)
        }
        throw StackError("\(userName) never provisioned")
    }

    @Test func killedServicesDuringASyncLoseNothingAndDuplicateNothing() async throws {
        if let postgres = Self.postgres { try await Self.setSynchronousCommit(true, postgres.url) }
        do {
            try await sync()
        } catch {
            if let postgres = Self.postgres { try? await Self.setSynchronousCommit(false, postgres.url) }
            throw error
        }
        if let postgres = Self.postgres { try await Self.setSynchronousCommit(false, postgres.url) }
    }

    private func sync() async throws {
        try await withStack(arguments: ["--restart-delay", "0.2"]) { demo, stack in
            let tally = Tally()
            let sync = Task {
                defer { tally.finish() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<Self.workers {
                        group.addTask { while let index = tally.nextIndex() { try await Self.provision(index, demo, tally) } }
                    }
                    try await group.waitForAll()
                }
            }
            var killed: [String] = []
            for fault in Self.schedule {
                while tally.acknowledged < fault.after, !tally.finished {
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(!tally.finished, "the sync was over before \(fault.service) was killed")
                print("faults under load: \(tally.acknowledged) acknowledged, killing \(fault.service)")
                if fault.service == "PostgreSQL", let postgres = Self.postgres {
                    try await Self.shell(["bash", "Tests/Postgres/cluster.sh", "crash-restart", postgres.directory])
                    killed.append(fault.service)
                    continue
                }
                let pid = try #require(stack.servicePID(fault.service))
                try await ServiceProcess.killAndWait(pid)
                killed.append(fault.service)
                _ = try await stack.waitForRestart(of: fault.service, replacing: pid)
            }
            print("faults under load: \(tally.acknowledged) acknowledged after the last fault; waiting for the sync")
            try await sync.value
            #expect(killed == Self.schedule.map(\.service))
            #expect(stack.isRunning)

            // Every user the stack holds, page by page.
            var stored: [[String: Any]] = []
            while true {
                let page = try await HTTP.scim(demo, .GET, "/Users?startIndex=\(stored.count + 1)&count=100")
                let resources = page.json["Resources"] as? [[String: Any]] ?? []
                stored += resources
                if resources.isEmpty || stored.count >= page.json["totalResults"] as? Int ?? 0 { break }
            }
            let byID = Dictionary(stored.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            let result = tally.snapshot
            let lost = result.written.filter { write in
                guard let user = byID[write.id] else { return true }
                return user["userName"] as? String != write.userName || (user["name"] as? [String: Any])?["givenName"] as? String != write.givenName
            }
            let names = stored.compactMap { ($0["userName"] as? String)?.lowercased() }
            let duplicates = names.count - Set(names).count
            let expected = Set((0..<Self.users).map { "sync-\($0)@example.com" })
            let missing = expected.subtracting(names)
            print(
                "faults under load: \(Self.users) users, killed \(killed.joined(separator: ", ")); written 2xx \(result.written.count), found by the lookup \(result.found), 409 after a retry \(result.conflicts), retries \(result.retries), 5xx answers \(tally.serverErrors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }); stored \(stored.count); lost \(lost.count), duplicates \(duplicates), never created \(missing.count)"
            )
            #expect(lost.isEmpty, "answered 2xx but missing or changed: \(lost.map(\.userName))")
            #expect(duplicates == 0)
            #expect(missing.isEmpty, "never created: \(missing.sorted())")
            #expect(stored.count == Self.users)
            #expect(Set(tally.serverErrors.keys).isSubset(of: [503]), "an outage is a 503, never a 500: \(tally.serverErrors)")
        }
    }
}
