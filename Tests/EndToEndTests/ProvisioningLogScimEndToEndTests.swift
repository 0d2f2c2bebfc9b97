import Foundation
import NIOHTTP1
import Testing

/// The provisioning log fed by the gateway itself (its recorder and shipper) through the real executables: a failed
/// and a successful create, a PATCH and an authentication failure show up in the admin API with their causes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ProvisioningLogScimEndToEndTests {
    @Test func scimRequestsShowUpInTheLogWithTheirCauses() async throws {
        try await withStack { demo, stack in
            let refused = try await HTTP.scim(
                demo,
                .POST,
                "/Users",
                json: ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "name": ["givenName": "Ada"], "password": "Correct-Horse-9"]
            )
            #expect(refused.status == 400, "\(refused.text)")
            let created = try await HTTP.scim(
                demo,
                .POST,
                "/Users",
                json: [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@example.com", "externalId": "ext-ada",
                    "name": ["givenName": "Ada", "familyName": "Lovelace"], "emails": [["value": "ada@example.com", "primary": true]],
                    "active": true, "password": "Correct-Horse-9",
                ]
            )
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            let patched = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "replace", "path": "displayName", "value": "Ada Lovelace"]],
                ]
            )
            #expect(patched.status == 200, "\(patched.text)")
            let unauthorized = try await HTTP.send(.GET, demo.scimBaseURL + "/Users", bearer: "pvs_notavalidtoken0000000000000000")
            #expect(unauthorized.status == 401)

            let log = demo.adminURL + "/tenants/demo/provisioning-log"
            var entries: [[String: Any]] = []
            for _ in 0..<100 {
                entries = try await HTTP.send(.GET, log + "?limit=500", bearer: demo.adminKey).json["entries"] as? [[String: Any]] ?? []
                if entries.count >= 4 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            func find(_ operation: String, _ status: String) -> [String: Any]? {
                entries.first { $0["operation"] as? String == operation && $0["status"] as? String == status }
            }
            let failed = try #require(find("create", "failure"), "\(entries)")
            #expect(failed["httpStatus"] as? Int == 400 && (failed["detail"] as? String)?.isEmpty == false)
            let failedEntry = try await HTTP.send(.GET, log + "/\(failed["id"] as? String ?? "")", bearer: demo.adminKey)
            #expect(failedEntry.status == 200)
            #expect(!(failedEntry.text.contains("Correct-Horse-9")))
            #expect((failedEntry.json["responseBody"] as? String)?.isEmpty == false)
            let success = try #require(find("create", "success"), "\(entries)")
            #expect(success["userName"] as? String == "ada@example.com" && success["resourceId"] as? String == id)
            let update = try #require(entries.first { $0["method"] as? String == "PATCH" }, "\(entries)")
            #expect(update["status"] as? String == "success" && (update["changedAttributes"] as? [String])?.contains("displayName") == true)
            let auth = try #require(find("auth", "failure"), "\(entries)")
            #expect(auth["httpStatus"] as? Int == 401)
            #expect(
                !(String(decoding: try JSONSerialization.data(withJSONObject: auth), as: UTF8.self).contains("pvs_notavalidtoken0000000000000000"))
            )

            let idp = try await HTTP.send(.GET, demo.adminURL + "/tenants/demo/idps/default", bearer: demo.adminKey)
            let summary = try #require(idp.json["provisioning"] as? [String: Any])
            #expect(summary["lastFailureAt"] is String && summary["lastSuccessAt"] is String)
            #expect(((summary["last24h"] as? [String: Int])?["failure"] ?? 0) >= 1)

            // The outcomes as a metric, by IdP type (the directory's /metrics needs no key).
            let gatewayPID = try #require(stack.servicePID("ScimGateway"))
            let directoryURL = try #require(try ProvisioningLogEndToEndTests.environment(of: gatewayPID)["DIRECTORY_URL"])
            let metrics = try await HTTP.send(.GET, directoryURL + "/metrics").text
            let lines = metrics.split(separator: "\n").filter { $0.hasPrefix("provisio_provisioning_requests_total{") }
            #expect(
                lines.contains { $0.contains("status=\"failure\"") && $0.contains("operation=\"create\"") && $0.contains("idp_type=") },
                "\(lines)"
            )
        }
    }
}
