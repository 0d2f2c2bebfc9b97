import Foundation
import NIOHTTP1
import Testing

/// The `provisio` binary against a real stack: tenants, identity providers and webhooks from the command line, `--json`
/// as the API's answer, and the exit statuses scripts rely on (README "CLI": 2 not found, 3 conflict, 4 unauthorized,
/// 5 no answer, 64 usage, destructive commands refused without `--yes` when stdin is not a terminal).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct CLIParityEndToEndTests {
    @Test func tenantsIdentityProvidersAndWebhooksAreDrivenByTheCLI() async throws {
        try await withStack { demo, _ in
            let connection = ["--admin-url", demo.adminURL, "--admin-key", demo.adminKey]
            func cli(_ arguments: String...) async throws -> (status: Int32, output: String) {
                try await ChildProcess.run(StackProcess.binaryDirectory.appendingPathComponent("provisio"), arguments + connection)
            }
            func json(_ result: (status: Int32, output: String)) throws -> [String: Any] {
                #expect(result.status == 0, "\(result.output)")
                return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
            }

            // Tenants.
            let tenant = try json(try await cli("tenant", "create", "--name", "CLI Corp", "--id", "cli-corp", "--json"))
            #expect(tenant["id"] as? String == "cli-corp" && tenant["name"] as? String == "CLI Corp")
            let again = try await cli("tenant", "create", "--name", "CLI Corp", "--id", "cli-corp")
            #expect(again.status == 3, "\(again.output)")
            #expect(again.output.contains("HTTP 409"), "\(again.output)")
            let tenants = try await cli("tenant", "list", "--json")
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(tenants.output.utf8)) as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["id"] as? String }).isSuperset(of: ["demo", "cli-corp"]))
            let table = try await cli("tenant", "list")
            #expect(table.status == 0 && table.output.contains("ID") && table.output.contains("cli-corp  CLI Corp"), "\(table.output)")
            #expect(
                try json(try await cli("tenant", "rename", "--tenant", "cli-corp", "--name", "CLI Corporation", "--json"))["name"] as? String
                    == "CLI Corporation"
            )
            let missing = try await cli("tenant", "rename", "--tenant", "nope", "--name", "X")
            #expect(missing.status == 2, "\(missing.output)")
            #expect(missing.output.contains("HTTP 404"), "\(missing.output)")

            // Identity providers.
            let idp = try json(
                try await cli("idp", "create", "--tenant", "cli-corp", "--name", "Okta One", "--id", "okta-one", "--provider-type", "okta", "--json")
            )
            #expect(idp["providerType"] as? String == "Okta")
            let scimURL = try #require(idp["scimBaseURL"] as? String)
            #expect(scimURL.hasSuffix("/cli-corp/okta-one") || scimURL.contains("okta-one"), "\(scimURL)")
            let badType = try await cli("idp", "create", "--tenant", "cli-corp", "--name", "X", "--provider-type", "ping")
            #expect(badType.status == 64, "\(badType.output)")
            let idps = try await cli("idp", "list", "--tenant", "cli-corp")
            #expect(idps.status == 0 && idps.output.contains("okta-one") && idps.output.contains("Okta"), "\(idps.output)")
            let shown = try await cli("idp", "show", "--tenant", "cli-corp", "--idp", "okta-one")
            #expect(shown.status == 0, "\(shown.output)")
            #expect(shown.output.contains(scimURL) && shown.output.contains("last 24 h:") && shown.output.contains("last error:"), "\(shown.output)")
            let shownJSON = try json(try await cli("idp", "show", "--tenant", "cli-corp", "--idp", "okta-one", "--json"))
            #expect((shownJSON["provisioning"] as? [String: Any])?["last24h"] is [String: Any], "\(shownJSON)")
            let updated = try json(
                try await cli(
                    "idp",
                    "update",
                    "--tenant",
                    "cli-corp",
                    "--idp",
                    "okta-one",
                    "--provider-type",
                    "Azure",
                    "--groups-editable",
                    "true",
                    "--description",
                    "from the CLI",
                    "--json"
                )
            )
            #expect(updated["providerType"] as? String == "Azure" && updated["groupsEditable"] as? Bool == true)
            #expect(updated["description"] as? String == "from the CLI")
            #expect(try await cli("idp", "update", "--tenant", "cli-corp", "--idp", "okta-one").status == 64)
            let unconfirmed = try await cli("idp", "delete", "--tenant", "cli-corp", "--idp", "okta-one")
            #expect(unconfirmed.status == 64, "\(unconfirmed.output)")
            #expect(unconfirmed.output.contains("--yes") && unconfirmed.output.contains("next sync fails"), "\(unconfirmed.output)")
            #expect(try await cli("idp", "show", "--tenant", "cli-corp", "--idp", "okta-one").status == 0, "still there")
            #expect(try await cli("idp", "delete", "--tenant", "cli-corp", "--idp", "okta-one", "--yes").status == 0)
            #expect(try await cli("idp", "show", "--tenant", "cli-corp", "--idp", "okta-one").status == 2)

            // `idp show` reports what the IdP's requests did: a refused SCIM create shows up in the summary.
            let refusedCreate = try await HTTP.scim(demo, .POST, "/Users", json: ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]])
            #expect(refusedCreate.status == 400, "\(refusedCreate.text)")
            var summary: [String: Any] = [:]
            for _ in 0..<75 {
                let idpJSON = try json(try await cli("idp", "show", "--tenant", "demo", "--idp", "default", "--json"))
                summary = idpJSON["provisioning"] as? [String: Any] ?? [:]
                if ((summary["last24h"] as? [String: Any])?["failure"] as? Int ?? 0) >= 1 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect((summary["lastError"] as? String)?.contains("userName") == true, "\(summary)")
            let health = try await cli("idp", "show", "--tenant", "demo", "--idp", "default")
            #expect(health.output.contains("0 succeeded, 1 failed") && health.output.contains("userName"), "\(health.output)")

            // Webhooks, on the application API (the root key opens it too).
            let hook = "http://127.0.0.1:\(try freePort())/hook"
            let created = try json(try await cli("webhook", "create", "--tenant", "demo", "--url", hook, "--type", "user.created", "--json"))
            #expect((created["secret"] as? String)?.hasPrefix("whsec_") == true, "\(created)")
            let webhookID = try #require(created["id"] as? String)
            #expect(created["types"] as? [String] == ["user.created"])
            let hooks = try json(try await cli("webhook", "list", "--tenant", "demo", "--json"))
            #expect((hooks["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [webhookID])
            let target = ["--tenant", "demo", "--webhook", webhookID]
            func webhook(_ command: String, _ extra: [String] = []) async throws -> (status: Int32, output: String) {
                try await ChildProcess.run(
                    StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                    ["webhook", command] + target + extra + connection
                )
            }
            let disabled = try json(try await webhook("update", ["--enabled", "false", "--all-types", "--json"]))
            #expect(disabled["enabled"] as? Bool == false && disabled["types"] as? [String] == [])
            let tested = try json(try await webhook("test", ["--json"]))
            #expect(tested["delivered"] as? Bool == false, "nothing listens on \(hook): \(tested)")
            let rotated = try await webhook("rotate-secret")
            #expect(rotated.status == 0 && rotated.output.contains("whsec_") && rotated.output.contains("shown only this once"), "\(rotated.output)")
            #expect(try await webhook("replay", ["--after", "0"]).status == 0)
            let deliveries = try json(try await webhook("deliveries", ["--json"]))
            #expect(deliveries["data"] is [Any], "\(deliveries)")
            #expect(try await webhook("delete").status == 64)
            #expect(try await webhook("delete", ["--yes"]).status == 0)
            #expect(try await webhook("test").status == 2)

            // Identity attributes: add, edit (a built-in refuses: 400 `mutability`, status 1), delete.
            #expect(try await cli("attribute", "add", "--tenant", "demo", "--name", "Cost Center", "--json").status == 0)
            let edited = try json(
                try await cli("attribute", "update", "--tenant", "demo", "--name", "Cost Center", "--description", "Finance code", "--json")
            )
            #expect(edited["description"] as? String == "Finance code", "\(edited)")
            let builtIn = try await cli("attribute", "update", "--tenant", "demo", "--name", "Email", "--mandatory", "false")
            #expect(builtIn.status == 1 && builtIn.output.contains("mutability"), "\(builtIn.output)")
            #expect(try await cli("attribute", "update", "--tenant", "demo", "--name", "Cost Center").status == 64)
            #expect(try await cli("attribute", "delete", "--tenant", "demo", "--name", "Cost Center").status == 0)

            // Refusals: a bad key, no server, the API's 400 with its scimType, on old and new commands alike.
            let wrongKey = try await ChildProcess.run(
                StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                ["tenant", "list", "--admin-url", demo.adminURL, "--admin-key", "pvk_wrong_key"]
            )
            #expect(wrongKey.status == 4, "\(wrongKey.output)")
            let viewer = try json(try await cli("api-key", "create", "--tenant", "demo", "--name", "ro", "--role", "viewer", "--json"))
            let viewerKey = try #require(viewer["key"] as? String)
            let forbidden = try await ChildProcess.run(
                StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                ["idp", "create", "--tenant", "demo", "--name", "No", "--admin-url", demo.adminURL, "--admin-key", viewerKey]
            )
            #expect(forbidden.status == 4, "\(forbidden.output)")
            let askedAt = ContinuousClock.now
            let unreachable = try await ChildProcess.run(
                StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                ["tenant", "list", "--admin-url", "http://127.0.0.1:\(try freePort())/admin/v1", "--admin-key", demo.adminKey]
            )
            #expect(unreachable.status == 5, "\(unreachable.output)")
            #expect(ContinuousClock.now - askedAt < .seconds(10), "a refused connection is reported at once, not retried")
            let unreachableDelete = try await ChildProcess.run(
                StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                ["idp", "delete", "--tenant", "demo", "--idp", "default", "--admin-url", "http://127.0.0.1:\(try freePort())/admin/v1"]
                    + ["--admin-key", demo.adminKey]
            )
            #expect(unreachableDelete.status == 5, "the failed look-up comes before the prompt: \(unreachableDelete.output)")
            #expect(try await cli("idp", "delete", "--tenant", "demo", "--idp", "nope").status == 2, "404 before asking")
            let badRole = try await cli("api-key", "create", "--tenant", "demo", "--name", "x", "--role", "owner")
            #expect(badRole.status == 1, "\(badRole.output)")
            #expect(badRole.output.contains("HTTP 400") && badRole.output.contains("scimType: invalidValue"), "\(badRole.output)")
            // Every admin command family answers an unknown tenant or IdP with 2.
            let tenantCommands = [
                ["attribute", "list"], ["activity"], ["log"], ["api-key", "list"], ["tenant", "rename", "--name", "X"], ["idp", "list"],
                ["webhook", "list"],
            ]
            for command in tenantCommands {
                let result = try await ChildProcess.run(
                    StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                    command + ["--tenant", "nope"] + connection
                )
                #expect(result.status == 2, "\(command): \(result.output)")
            }
            for command in [["token", "list"], ["client", "list"], ["mapping", "list"], ["idp", "show"]] {
                let result = try await ChildProcess.run(
                    StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                    command + ["--tenant", "demo", "--idp", "nope"] + connection
                )
                #expect(result.status == 2, "\(command): \(result.output)")
            }
            let badURL = try await ChildProcess.run(
                StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                ["tenant", "list", "--admin-url", "localhost:8080", "--admin-key", demo.adminKey]
            )
            #expect(badURL.status == 64 && badURL.output.contains("admin URL must be"), "\(badURL.output)")

            // Deleting a tenant needs --yes here too; on a terminal (util-linux's `script` gives it one) it asks, saying
            // what breaks, and does nothing unless the answer is yes.
            #expect(try await cli("tenant", "delete", "--tenant", "cli-corp").status == 64)
            func onTerminal(answer: String) async throws -> (status: Int32, output: String) {
                let command =
                    ([StackProcess.binaryDirectory.appendingPathComponent("provisio").path, "tenant", "delete", "--tenant", "cli-corp"]
                    + connection).joined(separator: " ")
                return try await ChildProcess.run("sh", ["-c", "echo \(answer) | script -qec '\(command)' /dev/null"])
            }
            let declined = try await onTerminal(answer: "n")
            #expect(declined.status == 1, "\(declined.output)")
            #expect(declined.output.contains("every IdP's next sync fails") && declined.output.contains("[y/N]"), "\(declined.output)")
            #expect(try await cli("tenant", "rename", "--tenant", "cli-corp", "--name", "Still here").status == 0)
            let confirmed = try await onTerminal(answer: "y")
            #expect(confirmed.status == 0 && confirmed.output.contains("deleted tenant cli-corp"), "\(confirmed.output)")
            #expect(try await cli("tenant", "create", "--name", "CLI Corp", "--id", "cli-corp").status == 0)
            #expect(try await cli("tenant", "delete", "--tenant", "cli-corp", "--yes").status == 0)
            #expect(try await cli("tenant", "delete", "--tenant", "cli-corp", "--yes").status == 2)
        }
    }

    @Test func completionScriptsOfferTheProviderTypes() async throws {
        let providerTypes = [
            "bash": #"'Generic'$'\n''Azure'$'\n''Okta'$'\n''Duo'"#, "zsh": "('Generic' 'Azure' 'Okta' 'Duo')", "fish": "'Generic Azure Okta Duo'",
        ]
        for (shell, values) in providerTypes {
            let script = try await ChildProcess.run(
                StackProcess.binaryDirectory.appendingPathComponent("provisio"),
                ["--generate-completion-script", shell]
            )
            #expect(script.status == 0, "\(shell): \(script.output)")
            #expect(script.output.contains(values), "\(shell) completes --provider-type")
            for command in ["tenant", "idp", "webhook", "rotate-secret", "groups-editable", "provider-type"] {
                #expect(script.output.contains(command), "\(shell) completes \(command)")
            }
        }
    }
}
