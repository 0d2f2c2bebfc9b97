import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

/// Tenant API keys through the real stack (SQLite, or PostgreSQL with PROVISIO_TEST_POSTGRES_URL): the root key creates
/// them, each role opens what it should of the admin API, another tenant is indistinguishable from none, a key never
/// opens SCIM nor a SCIM token the admin API, revocation is 401 at once, the CLI drives it all, and no key is logged.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ApiKeyEndToEndTests {
    @Test func keysAreCreatedUsedRefusedRevokedAndDrivenByTheCLI() async throws {
        try await withStack { demo, stack in
            func admin(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, key: String? = nil) async throws -> HTTP.Answer {
                try await HTTP.send(method, demo.adminURL + path, bearer: key ?? demo.adminKey, json: body)
            }
            func create(_ role: String) async throws -> (key: String, id: String) {
                let created = try await admin(.POST, "/tenants/demo/api-keys", ["name": "\(role) e2e", "role": role])
                #expect(created.status == 201, "\(created.text)")
                let metadata = try #require(created.json["metadata"] as? [String: Any])
                #expect(metadata["role"] as? String == role)
                return (try #require(created.json["key"] as? String), try #require(metadata["id"] as? String))
            }
            #expect(try await admin(.POST, "/tenants", ["id": "other", "name": "Other"]).status == 201)
            let (adminKey, adminID) = try await create("admin")
            let (viewerKey, _) = try await create("viewer")
            let (appKey, _) = try await create("app")
            #expect(adminKey.hasPrefix("pvk_"))

            // admin: its tenant's admin API.
            let idps = try await admin(.GET, "/tenants/demo/idps", key: adminKey)
            #expect(idps.status == 200, "\(idps.text)")
            #expect(idps.text.contains("\"default\""))
            let other = try await admin(.GET, "/tenants/other/idps", key: adminKey)
            let none = try await admin(.GET, "/tenants/nope/idps", key: adminKey)
            #expect(other.status == 404)
            #expect(other.status == none.status && other.body == none.body, "\(other.text) vs \(none.text)")
            #expect(try await admin(.POST, "/tenants", ["id": "mine", "name": "Mine"], key: adminKey).status == 403)
            #expect(try await admin(.GET, "/tenants", key: adminKey).status == 403)

            // viewer: reads, never writes; app: not the admin API.
            #expect(try await admin(.GET, "/tenants/demo/idps", key: viewerKey).status == 200)
            #expect(try await admin(.POST, "/tenants/demo/idps", ["id": "second", "name": "Second"], key: viewerKey).status == 403)
            #expect(try await admin(.GET, "/tenants/demo/idps", key: appKey).status == 403)
            #expect(try await admin(.GET, "/tenants/demo/idps/second").status == 404, "the viewer's write did not happen")

            // Keys and SCIM tokens never cross.
            #expect(try await HTTP.send(.GET, demo.scimBaseURL + "/Users", bearer: adminKey).status == 401)
            #expect(try await HTTP.send(.GET, demo.adminURL + "/tenants/demo", bearer: demo.token).status == 401)

            // Listing shows metadata only, with the last use; revoking is 401 at once.
            let listed = try await admin(.GET, "/tenants/demo/api-keys")
            let entries = try #require((try? JSONSerialization.jsonObject(with: listed.body)) as? [[String: Any]])
            #expect(entries.count == 3)
            #expect(entries.first { $0["id"] as? String == adminID }?["lastUsedAt"] is String)
            for key in [adminKey, viewerKey, appKey] { #expect(!listed.text.contains(key)) }
            #expect(try await admin(.DELETE, "/tenants/demo/api-keys/\(adminID)").status == 204)
            #expect(try await admin(.GET, "/tenants/demo/idps", key: adminKey).status == 401)

            let activity = try await admin(.GET, "/tenants/demo/activity")
            #expect(activity.text.contains("api-key.created"))
            #expect(activity.text.contains("api-key.revoked"))

            // The CLI.
            let connection = ["--admin-url", demo.adminURL, "--admin-key", demo.adminKey]
            let created = try await Self.provisio(
                ["api-key", "create", "--tenant", "demo", "--name", "from cli", "--role", "viewer", "--json"] + connection
            )
            #expect(created.status == 0, "\(created.output)")
            let issued = try #require(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])
            let cliKey = try #require(issued["key"] as? String)
            let cliID = try #require((issued["metadata"] as? [String: Any])?["id"] as? String)
            #expect(try await admin(.GET, "/tenants/demo", key: cliKey).status == 200)
            let list = try await Self.provisio(["api-key", "list", "--tenant", "demo"] + connection)
            #expect(list.status == 0, "\(list.output)")
            #expect(list.output.contains(cliID) && list.output.contains("from cli") && !list.output.contains(adminID))
            let revoked = try await Self.provisio(["api-key", "revoke", "--tenant", "demo", cliID] + connection)
            #expect(revoked.status == 0, "\(revoked.output)")
            #expect(revoked.output.contains("revoked \(cliID)"))
            #expect(try await admin(.GET, "/tenants/demo", key: cliKey).status == 401)
            let refused = try await Self.provisio(["api-key", "create", "--tenant", "demo", "--name", "x", "--role", "owner"] + connection)
            #expect(refused.status != 0)
            #expect(refused.output.contains("HTTP 400"), "\(refused.output)")

            // No key reaches a log.
            _ = try await stack.stop()
            let logs = try FileManager.default.contentsOfDirectory(
                at: stack.dataDirectory.appendingPathComponent("logs"),
                includingPropertiesForKeys: nil
            )
            .map { try String(contentsOf: $0, encoding: .utf8) }.joined()
            #expect(!logs.isEmpty)
            for key in [adminKey, viewerKey, appKey, cliKey] { #expect(!logs.contains(String(key.split(separator: "_", maxSplits: 2)[2]))) }
        }
    }

    static func provisio(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(StackProcess.binaryDirectory.appendingPathComponent("provisio"), arguments)
    }
}
