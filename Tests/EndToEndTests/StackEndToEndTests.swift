import Foundation
import NIOHTTP1
import ServiceKit
import Testing

/// The whole system as a user runs it: `provisio up` starts the four real executables on loopback with SQLite
/// files, and the test speaks SCIM and the admin API to the gateway.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct StackEndToEndTests {
    static var user: [String: Any] {
        [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "ada@example.com",
            "externalId": "00u1ada",
            "name": ["givenName": "Ada", "familyName": "Lovelace"],
            "emails": [["value": "ada@example.com", "type": "work", "primary": true]],
            "active": true,
            "password": "Correct-Horse-Battery-Staple-1",
            "groups": [],
        ]
    }

    /// The internal services log requests at debug: at that level their logs show the propagated request ids, and
    /// the check that no secret reaches a log covers every line the services can write.
    static let debugLogs = ["--log-level", "debug"]

    @Test func provisioUpServesScimPersistsAndIsolatesNamespaces() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let port = try freePort()

        // First start: the demo tenant, its IdP and a token are created and written to demo.json (0600).
        var stack = try StackProcess(dataDirectory: dataDirectory, port: port, arguments: Self.debugLogs)
        try await stack.waitUntilUp()
        let demoFile = dataDirectory.appendingPathComponent("demo.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: demoFile.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let demoObject = try JSONSerialization.jsonObject(with: Data(contentsOf: demoFile)) as? [String: Any]
        #expect(Set(demoObject?.keys.map { $0 } ?? []) == ["scimBaseURL", "token", "adminURL", "adminKey"])
        let demo = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: demoFile))
        #expect(demo.scimBaseURL == "http://127.0.0.1:\(port)/scim/v2/demo/default")
        #expect(stack.output.contains(demo.token))

        // The four services share this machine: each runs half the cores' worth of event loops (ColocatedEventLoops).
        let services = stack.childPIDs
        #expect(services.count == 4)
        let expectedLoops = ColocatedEventLoops.environment(ProcessInfo.processInfo.environment)[ColocatedEventLoops.environmentVariable].flatMap(
            Int.init
        )
        for pid in services {
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let loops = threads.filter { thread in
                ((try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/comm", encoding: .utf8)) ?? "").hasPrefix("NIO-SGLTN-")
            }
            #expect(loops.count == expectedLoops, "process \(pid) runs \(loops.count) event loops")
        }

        // Create through gateway → token service → mapping service → directory, then read it back.
        let created = try await HTTP.send(.POST, demo.scimBaseURL + "/Users", bearer: demo.token, json: Self.user)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.headers.first(name: "Content-Type") == "application/scim+json")
        let id = try #require(created.json["id"] as? String)
        #expect(created.headers.first(name: "Location") == demo.scimBaseURL + "/Users/" + id)
        #expect(created.json["password"] == nil)
        #expect(created.json["userName"] as? String == "ada@example.com")
        let fetched = try await HTTP.send(.GET, demo.scimBaseURL + "/Users/" + id, bearer: demo.token)
        #expect(fetched.status == 200)
        #expect(fetched.json["externalId"] as? String == "00u1ada")
        #expect((fetched.json["meta"] as? [String: Any])?["location"] as? String == demo.scimBaseURL + "/Users/" + id)

        // One request id follows a request through every hop: the gateway echoes the caller's id, and the services
        // it calls log it with their access-log line. A user create reaches the directory (the gateway maps with
        // cached rules); an admin read of the IdP's mappings reaches the mapping service.
        let requestID = "e2e-\(UUID().uuidString)"
        let traced = try await HTTP.send(
            .POST,
            demo.scimBaseURL + "/Users",
            bearer: demo.token,
            json: Self.user.merging(["userName": "traced@example.com", "externalId": "00u1traced"]) { $1 },
            headers: [("X-Request-Id", requestID)]
        )
        #expect(traced.status == 201)
        #expect(traced.headers.first(name: "X-Request-Id") == requestID)
        let mappingRequestID = "e2e-\(UUID().uuidString)"
        let mappings = try await HTTP.send(
            .GET,
            demo.adminURL + "/tenants/demo/idps/default/mappings",
            bearer: demo.adminKey,
            headers: [("X-Request-Id", mappingRequestID)]
        )
        #expect(mappings.status == 200)

        // Refusals carry SCIM error bodies.
        let duplicate = try await HTTP.send(
            .POST,
            demo.scimBaseURL + "/Users",
            bearer: demo.token,
            json: Self.user.merging(["userName": "ADA@example.com"]) { $1 }
        )
        #expect(duplicate.status == 409)
        #expect(duplicate.json["scimType"] as? String == "uniqueness")
        #expect(duplicate.json["status"] as? String == "409")
        let incomplete = try await HTTP.send(.POST, demo.scimBaseURL + "/Users", bearer: demo.token, json: ["userName": "no-email"])
        #expect(incomplete.status == 400)
        #expect(incomplete.json["scimType"] as? String == "invalidValue")
        #expect((incomplete.json["detail"] as? String)?.contains("Email") == true)
        let missing = try await HTTP.send(.GET, demo.scimBaseURL + "/Users/no-such-user", bearer: demo.token)
        #expect(missing.status == 404)
        #expect(missing.json["schemas"] as? [String] == ["urn:ietf:params:scim:api:messages:2.0:Error"])

        // A second IdP of the same tenant and an IdP of another tenant, each with its own token.
        let second = try await admin(demo, .POST, "/tenants/demo/idps", ["id": "second", "name": "Second", "providerType": "Azure"])
        #expect(second.status == 201, "\(second.text)")
        let secondURL = try #require(second.json["scimBaseURL"] as? String)
        #expect(secondURL == "http://127.0.0.1:\(port)/scim/v2/demo/second")
        let secondToken = try #require(try await admin(demo, .POST, "/tenants/demo/idps/second/tokens", ["validDays": 30]).json["token"] as? String)
        #expect(try await admin(demo, .POST, "/tenants", ["id": "other", "name": "Other"]).status == 201)
        #expect(try await admin(demo, .POST, "/tenants/other/idps", ["id": "default", "name": "Default"]).status == 201)
        let otherToken = try #require(try await admin(demo, .POST, "/tenants/other/idps/default/tokens", ["validDays": 30]).json["token"] as? String)
        // An OAuth client secret and a JWT access token, for the log grep below.
        let client = try await admin(demo, .POST, "/tenants/other/idps/default/clients")
        let clientSecret = try #require(client.json["clientSecret"] as? String)
        let grant = try await HTTP.send(
            .POST,
            "http://127.0.0.1:\(port)/oauth/v2/other/token",
            json: nil,
            headers: [
                ("Authorization", "Basic " + Data("\(client.json["clientID"] as? String ?? ""):\(clientSecret)".utf8).base64EncodedString()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            rawBody: "grant_type=client_credentials"
        )
        let accessToken = try #require(grant.json["access_token"] as? String, "\(grant.text)")

        // Every cross-namespace use is the same 401 as a garbage token.
        let garbage = try await HTTP.send(.GET, demo.scimBaseURL + "/Users/" + id, bearer: "pvs_aaaaaaaaaa_" + String(repeating: "x", count: 43))
        #expect(garbage.status == 401)
        for (url, token) in [
            (demo.scimBaseURL, secondToken), (demo.scimBaseURL, otherToken), (secondURL, demo.token), (secondURL, otherToken),
            ("http://127.0.0.1:\(port)/scim/v2/other/default", demo.token), ("http://127.0.0.1:\(port)/scim/v2/nope/default", demo.token),
        ] {
            let answer = try await HTTP.send(.GET, url + "/Users/" + id, bearer: token)
            #expect(answer.status == 401, "\(url)")
            #expect(answer.json["detail"] as? String == garbage.json["detail"] as? String)
            #expect(answer.headers.first(name: "WWW-Authenticate") != nil)
        }
        // The user belongs to the IdP that provisioned it: invisible through the second IdP.
        #expect(try await HTTP.send(.GET, secondURL + "/Users/" + id, bearer: secondToken).status == 404)

        // The activity log tells who did what and when: directory writes and credential events in one log.
        let activity = try await admin(demo, .GET, "/tenants/demo/activity?limit=200")
        #expect(activity.status == 200)
        let entries = try #require(try JSONSerialization.jsonObject(with: activity.body) as? [[String: Any]])
        let actions = Set(entries.compactMap { $0["action"] as? String })
        #expect(actions.isSuperset(of: ["tenant.created", "idp.created", "user.created", "token.created"]), "\(actions)")
        #expect(entries.allSatisfy { ($0["occurredAt"] as? String)?.hasPrefix("20") == true && $0["actor"] as? String != nil })
        #expect(!activity.text.contains(demo.token) && !activity.text.contains(secondToken))
        let secondOnly =
            try JSONSerialization.jsonObject(with: try await admin(demo, .GET, "/tenants/demo/activity?idp=second").body) as? [[String: Any]]
        #expect(secondOnly?.isEmpty == false)
        #expect(secondOnly?.allSatisfy { $0["idpID"] as? String == "second" } == true)

        // Stop with SIGTERM: all four services shut down cleanly.
        #expect(try await stack.stop() == 0)
        #expect(try await isListening(port: port) == false)

        // Second start on the same data: same demo credentials, the user is still there.
        stack = try StackProcess(dataDirectory: dataDirectory, port: port, arguments: Self.debugLogs)
        try await stack.waitUntilUp()
        let demoAgain = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: demoFile))
        #expect(demoAgain == demo)
        let afterRestart = try await HTTP.send(.GET, demo.scimBaseURL + "/Users/" + id, bearer: demo.token)
        #expect(afterRestart.status == 200)
        #expect(afterRestart.json["userName"] as? String == "ada@example.com")
        #expect(try await stack.stop() == 0)

        // Third start on another port: demo.json is rewritten in place with the new URLs and the same token.
        let otherPort = try freePort()
        stack = try StackProcess(dataDirectory: dataDirectory, port: otherPort, arguments: Self.debugLogs)
        try await stack.waitUntilUp()
        let demoMoved = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: demoFile))
        #expect(demoMoved.scimBaseURL == "http://127.0.0.1:\(otherPort)/scim/v2/demo/default")
        #expect(demoMoved.token == demo.token)
        #expect((try FileManager.default.attributesOfItem(atPath: demoFile.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent(".demo.json.tmp").path))
        #expect(try await HTTP.send(.GET, demoMoved.scimBaseURL + "/Users/" + id, bearer: demoMoved.token).status == 200)
        #expect(try await stack.stop() == 0)

        // No secret reached a log file: bearer tokens, the admin key, the internal key, the user's password.
        let secrets =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dataDirectory.appendingPathComponent("secrets.json"))) as? [String: String]
        let logs = try FileManager.default.contentsOfDirectory(at: dataDirectory.appendingPathComponent("logs"), includingPropertiesForKeys: nil)
            .map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        #expect(!logs.isEmpty)
        for (service, id) in [
            ("ScimGateway", requestID), ("DirectoryService", requestID), ("ScimGateway", mappingRequestID), ("MappingService", mappingRequestID),
        ] {  // the token check was answered from the gateway cache
            let log = try String(contentsOf: dataDirectory.appendingPathComponent("logs/\(service).log"), encoding: .utf8)
            #expect(log.contains("request.id=\(id)"), "\(service) did not log the propagated request id")
        }
        // The gateway's access-log line for the traced create: method, path, status and the time it took.
        let gatewayLog = try String(contentsOf: dataDirectory.appendingPathComponent("logs/ScimGateway.log"), encoding: .utf8)
        let accessLine = gatewayLog.split(separator: "\n").first { $0.contains("request.id=\(requestID)") && $0.contains(" POST ") }
        #expect(accessLine?.contains(" POST \(URL(string: demo.scimBaseURL)!.path)/Users 201 ") == true, "\(accessLine ?? "no access-log line")")
        #expect(accessLine?.hasSuffix("ms") == true)
        for secret in [
            demo.token, secondToken, otherToken, clientSecret, accessToken, demo.adminKey, secrets?["internalKey"] ?? "missing",
            "Correct-Horse-Battery-Staple-1",
        ] {
            #expect(!logs.contains(secret))
        }
    }

    private func admin(_ demo: DemoFile, _ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> HTTP.Answer {
        try await HTTP.send(method, demo.adminURL + path, bearer: demo.adminKey, json: body)
    }

    private func isListening(port: Int) async throws -> Bool {
        do {
            _ = try await HTTP.send(.GET, "http://127.0.0.1:\(port)/healthz")
            return true
        } catch {
            return false
        }
    }
}
