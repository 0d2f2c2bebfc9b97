import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The provisioning log through the real executables (SQLite, or PostgreSQL with `PROVISIO_TEST_POSTGRES_URL`): a
/// batch as a gateway sends it (`POST /internal/v1/provisioning-log` on the directory, with the stack's internal key)
/// read back through the admin API — page, filters, one entry with its bodies, the CSV and JSON downloads, the IdP
/// summary — and through `provisio log`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ProvisioningLogEndToEndTests {
    @Test func aBatchIsReadBackThroughTheAdminAPIAndTheCLI() async throws {
        try await withStack { demo, stack in
            let gatewayPID = try #require(stack.servicePID("ScimGateway"))
            let environment = try Self.environment(of: gatewayPID)
            let directoryURL = try #require(environment["DIRECTORY_URL"])
            let internalKey = try #require(environment["INTERNAL_KEY"])
            let now = Date()
            func time(_ secondsAgo: Double) -> String {
                Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(now.addingTimeInterval(-secondsAgo))
            }
            func entry(_ id: String, _ secondsAgo: Double, _ fields: [String: Any]) -> [String: Any] {
                [
                    "id": id, "time": time(secondsAgo), "requestID": "e2e-\(id)", "tenantID": "demo", "idpID": "default", "method": "POST",
                    "path": "/scim/v2/demo/default/Users", "operation": "create", "status": "success", "httpStatus": 201, "changedAttributes": [],
                ].merging(fields) { $1 }
            }
            let batch: [String: Any] = [
                "entries": [
                    entry(
                        "e2e-failed",
                        40,
                        [
                            "status": "failure", "httpStatus": 400, "scimType": "invalidValue", "resourceType": "User",
                            "displayName": "ada@example.com", "detail": "Attribute 'userName' is required.",
                            "requestBody": "{\"name\":{\"givenName\":\"Ada\"},\"password\":\"[redacted]\"}",
                            "responseBody": "{\"detail\":\"Attribute 'userName' is required.\",\"status\":\"400\"}",
                        ]
                    ),
                    entry(
                        "e2e-created",
                        30,
                        [
                            "resourceType": "User", "resourceID": "u-1", "externalID": "ext-1", "displayName": "ada@example.com",
                            "changedAttributes": ["userName", "name.givenName"],
                        ]
                    ),
                    entry(
                        "e2e-patched",
                        20,
                        [
                            "method": "PATCH", "path": "/scim/v2/demo/default/Users/u-1", "operation": "update", "httpStatus": 200,
                            "resourceType": "User", "resourceID": "u-1", "displayName": "ada@example.com", "changedAttributes": ["active"],
                        ]
                    ),
                    entry(
                        "e2e-auth",
                        10,
                        [
                            "method": "GET", "path": "/scim/v2/demo/default/Users", "operation": "auth", "status": "failure", "httpStatus": 401,
                            "detail": "The bearer token is not valid (prefix pvs_abcd).",
                        ]
                    ),
                ],
                "reads": [],
            ]
            let stored = try await HTTP.send(
                .POST,
                directoryURL + "/internal/v1/provisioning-log",
                json: batch,
                headers: [("X-Provisio-Internal-Key", internalKey)]
            )
            #expect(stored.status == 204, "\(stored.text)")
            #expect(try await HTTP.send(.POST, directoryURL + "/internal/v1/provisioning-log", json: batch).status == 401)

            let log = demo.adminURL + "/tenants/demo/provisioning-log"
            let page = try await HTTP.send(.GET, log + "?q=e2e-", bearer: demo.adminKey)
            #expect(page.status == 200, "\(page.text)")
            let ids = (page.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["e2e-auth", "e2e-patched", "e2e-created", "e2e-failed"])
            let failures = try await HTTP.send(.GET, log + "?status=failure&q=e2e-", bearer: demo.adminKey)
            #expect((failures.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } == ["e2e-auth", "e2e-failed"])
            let failed = try await HTTP.send(.GET, log + "/e2e-failed", bearer: demo.adminKey)
            #expect(failed.json["detail"] as? String == "Attribute 'userName' is required.")
            #expect(failed.json["userName"] as? String == "ada@example.com" && failed.json["scimType"] as? String == "invalidValue")
            #expect((failed.json["requestBody"] as? String)?.contains("[redacted]") == true)
            #expect((failed.json["responseBody"] as? String)?.contains("\"400\"") == true)

            let csv = try await HTTP.send(.GET, log + "?format=csv&q=e2e-", bearer: demo.adminKey)
            #expect(csv.status == 200)
            #expect(csv.headers.first(name: "Content-Type") == "text/csv; charset=utf-8")
            #expect(csv.headers.first(name: "Content-Disposition")?.hasPrefix("attachment; filename=") == true)
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first?.hasPrefix("time,id,requestId,idp,method,path,operation,") == true)
            #expect(lines.count == 5 && lines.last?.contains("Attribute 'userName' is required.") == true)
            let json = try await HTTP.send(.GET, log + "?format=json&q=e2e-", bearer: demo.adminKey)
            #expect((try JSONSerialization.jsonObject(with: json.body) as? [[String: Any]])?.count == 4)

            let idp = try await HTTP.send(.GET, demo.adminURL + "/tenants/demo/idps/default", bearer: demo.adminKey)
            let summary = try #require(idp.json["provisioning"] as? [String: Any])
            #expect((summary["lastFailureAt"] as? String ?? "") >= time(10))
            #expect(summary["lastError"] is String)
            let counts = try #require(summary["last24h"] as? [String: Int])
            #expect((counts["failure"] ?? 0) >= 2 && (counts["success"] ?? 0) >= 2)

            // The CLI: failures only, one JSON object per line, and the table.
            let cli = StackProcess.binaryDirectory.appendingPathComponent("provisio")
            let common = ["--tenant", "demo", "--admin-url=\(demo.adminURL)", "--admin-key=\(demo.adminKey)"]
            let jsonLines = try await ChildProcess.run(cli, ["log"] + common + ["--failures", "--json"])
            #expect(jsonLines.status == 0, "\(jsonLines.output)")
            let objects = jsonLines.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(objects.allSatisfy { $0["status"] as? String == "failure" })
            let printed = objects.compactMap { $0["id"] as? String }
            #expect(printed.filter { $0.hasPrefix("e2e-") } == ["e2e-failed", "e2e-auth"])  // oldest first, like tail
            let table = try await ChildProcess.run(cli, ["log"] + common + ["--idp", "default"])
            #expect(table.status == 0, "\(table.output)")
            #expect(table.output.contains("default  update  success  200  User ada@example.com"))
            #expect(table.output.contains("failure  400  User ada@example.com  Attribute 'userName' is required."))

            // --follow: prints what is there, then each new entry once, and stops cleanly on Ctrl-C.
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-log-follow-\(UUID().uuidString).out")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let follow = Process()
            follow.executableURL = cli
            follow.arguments = ["log"] + common + ["--failures", "--json", "--follow"]
            let handle = try FileHandle(forWritingTo: output)
            follow.standardOutput = handle
            follow.standardError = handle
            follow.standardInput = FileHandle.nullDevice
            try follow.run()
            func followedIDs() -> [String] {
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String
                }
            }
            func waitFor(_ condition: () -> Bool) async throws {
                for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await waitFor { followedIDs().contains("e2e-auth") }
            let late: [String: Any] = [
                "entries": [
                    entry("e2e-late", 0.5, ["status": "failure", "httpStatus": 409, "scimType": "uniqueness", "detail": "userName is taken"]),
                    entry("e2e-late-success", 0.4, [:]),
                ],
                "reads": [],
            ]
            let sent = try await HTTP.send(
                .POST,
                directoryURL + "/internal/v1/provisioning-log",
                json: late,
                headers: [("X-Provisio-Internal-Key", internalKey)]
            )
            #expect(sent.status == 204)
            try await waitFor { followedIDs().contains("e2e-late") }
            try await Task.sleep(for: .seconds(3))  // another poll or two: nothing comes twice
            kill(follow.processIdentifier, SIGINT)
            for _ in 0..<100 where follow.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!follow.isRunning)
            if !follow.isRunning { #expect(follow.terminationStatus == 0) } else { follow.terminate() }
            try? handle.close()
            let followed = followedIDs().filter { $0.hasPrefix("e2e-") }
            #expect(followed == ["e2e-failed", "e2e-auth", "e2e-late"], "\(followed)")
        }
    }

    /// A process's environment, from `/proc/<pid>/environ`.
    static func environment(of pid: Int32) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        var values: [String: String] = [:]
        for item in data.split(separator: 0) {
            let text = String(decoding: item, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            values[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return values
    }
}
