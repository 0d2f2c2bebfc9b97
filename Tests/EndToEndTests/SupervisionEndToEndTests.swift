import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `provisio up` supervises its four services: one killed with SIGKILL is started again on the same port, the
/// gateway answers 503 with a SCIM body and `Retry-After` while a peer is down and recovers by itself, and the stack
/// stops only when one service keeps dying.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SupervisionEndToEndTests {
    static func user(_ userName: String) -> [String: Any] {
        [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": userName,
            "name": ["givenName": "Given", "familyName": "Family"],
            "emails": [["value": userName, "type": "work", "primary": true]], "active": true,
        ]
    }

    /// Creates `userName`, retrying (as an IdP does) while the stack answers 503 or a connection fails.
    static func createEventually(_ demo: DemoFile, _ userName: String, timeout: Duration = .seconds(60)) async throws -> HTTP.Answer {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let answer = try? await HTTP.scim(demo, .POST, "/Users", json: user(userName)), answer.status != 503 { return answer }
            guard ContinuousClock.now < deadline else { throw StackError("\(userName) not created within \(timeout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func aKilledServiceIsRestartedWhileTheGatewayAnswers503() async throws {
        // A 3 s first backoff leaves a window in which the directory is certainly down, so the 503 is seen every time.
        try await withStack(arguments: ["--restart-delay", "3"]) { demo, stack in
            let before = try await HTTP.scim(demo, .POST, "/Users", json: Self.user("before@example.com"))
            #expect(before.status == 201, "\(before.text)")
            let beforeID = try #require(before.json["id"] as? String)

            let directory = try #require(stack.servicePID("DirectoryService"))
            try await ServiceProcess.killAndWait(directory)

            // While it is down: 503, Retry-After, a SCIM error body; for a write and for a filtered read.
            let during = try await HTTP.scim(demo, .POST, "/Users", json: Self.user("during@example.com"))
            #expect(during.status == 503, "\(during.text)")
            #expect(during.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(during.headers.first(name: "Content-Type") == "application/scim+json")
            #expect(during.json["schemas"] as? [String] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
            #expect(during.json["status"] as? String == "503")
            #expect((during.json["detail"] as? String)?.isEmpty == false)
            let lookup = try await HTTP.scim(
                demo,
                .GET,
                "/Users?filter=" + "userName eq \"before@example.com\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            )
            #expect(lookup.status == 503)
            #expect(lookup.headers.first(name: "Retry-After") != nil)

            // It comes back on its port, and the gateway (not restarted) reaches it again by itself.
            let gateway = try #require(stack.servicePID("ScimGateway"))
            let restarted = try await stack.waitForRestart(of: "DirectoryService", replacing: directory)
            let after = try await Self.createEventually(demo, "after@example.com")
            #expect(after.status == 201, "\(after.text)")
            #expect(try await HTTP.scim(demo, .GET, "/Users/" + beforeID).json["userName"] as? String == "before@example.com")
            #expect(stack.servicePID("ScimGateway") == gateway)
            #expect(stack.servicePID("DirectoryService") == restarted)
            #expect(stack.isRunning)
            #expect(
                stack.output.contains("DirectoryService was killed by signal 9; restarting it in 3 s (restart 1 of at most 5 within 60 s)"),
                "\(stack.output)"
            )
            let log = try String(contentsOf: stack.dataDirectory.appendingPathComponent("logs/DirectoryService.log"), encoding: .utf8)
            #expect(log.contains("provisio up: DirectoryService was killed by signal 9"))
            #expect(log.contains("provisio up: DirectoryService restarted (pid \(restarted)"))

            // The other three are supervised too, the gateway included (it comes back on the public port).
            for (index, name) in ["TokenService", "MappingService", "ScimGateway"].enumerated() {
                let pid = try #require(stack.servicePID(name))
                try await ServiceProcess.killAndWait(pid)
                _ = try await stack.waitForRestart(of: name, replacing: pid)
                let created = try await Self.createEventually(demo, "after-\(index)@example.com")
                #expect(created.status == 201, "\(name): \(created.text)")
                #expect(stack.output.contains("\(name) was killed by signal 9; restarting it"))
            }
            let listed = try await HTTP.scim(demo, .GET, "/Users?count=100")
            #expect(listed.json["totalResults"] as? Int == 5)
            #expect(stack.isRunning)
        }
    }

    @Test func aServiceThatKeepsDyingStopsTheStack() async throws {
        try await withStack(arguments: ["--restart-delay", "0.2", "--max-restarts", "2", "--restart-window", "60"]) { demo, stack in
            var pid = try #require(stack.servicePID("DirectoryService"))
            for _ in 0..<2 {
                try await ServiceProcess.killAndWait(pid)
                pid = try await stack.waitForRestart(of: "DirectoryService", replacing: pid)
                #expect(stack.isRunning)
            }
            let others = ["TokenService", "MappingService", "ScimGateway"].compactMap { stack.servicePID($0) }
            #expect(others.count == 3)
            try await ServiceProcess.killAndWait(pid)  // the third death within the window, after two restarts
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while stack.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(!stack.isRunning)
            #expect(stack.exitStatus.map { $0 != 0 } == true)
            #expect(stack.output.contains("DirectoryService was killed by signal 9 after 2 restarts within 60 s"), "\(stack.output)")
            #expect(others.allSatisfy { !ServiceProcess.isAlive($0) }, "the other services were stopped")
        }
    }
}
