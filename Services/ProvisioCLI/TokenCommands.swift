import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio token create|recreate|set-validity|revoke|list|events`: bearer tokens of an identity provider.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Bearer tokens of an identity provider.",
        subcommands: [Create.self, Recreate.self, SetValidity.self, Revoke.self, List.self, Events.self]
    )

    struct Validity: ParsableArguments {
        @Option(help: "Validity in days (1 to 3650).") var validDays: Int?
        @Flag(help: "A token that never expires (an explicit choice).") var noExpiry = false
        var body: [String: Any] {
            var body: [String: Any] = [:]
            if let validDays { body["validDays"] = validDays }
            if noExpiry { body["noExpiry"] = true }
            return body
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is shown once.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @OptionGroup var validity: Validity
        func run() async throws {
            let data = try await admin.call(.POST, target.path + "/tokens", body: validity.body)
            admin.print(data) { value in
                let object = value as? [String: Any] ?? [:]
                return "\(object["token"] ?? "")\n(shown once; copy it now)\n" + Describe.token(object["metadata"] ?? [:])
            }
        }
    }

    struct Recreate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a token by a new one (shown once).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Id of the token to replace.") var token: String
        @Option(help: "Hours the old token keeps working (default 0: it stops now).") var graceHours: Int = 0
        @OptionGroup var validity: Validity
        func run() async throws {
            var body = validity.body
            body["graceHours"] = graceHours
            let data = try await admin.call(.POST, target.path + "/tokens/\(token)/recreate", body: body)
            admin.print(data) { value in
                let object = value as? [String: Any] ?? [:]
                let old = object["replaced"] as? [String: Any] ?? [:]
                return "\(object["token"] ?? "")\n(shown once; copy it now)\n" + Describe.token(object["metadata"] ?? [:])
                    + "\nold token stops at \(old["revokedAt"] ?? "now")"
            }
        }
    }

    struct SetValidity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-validity", abstract: "Change a token's validity (counted from now).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Token id.") var token: String
        @OptionGroup var validity: Validity
        func run() async throws {
            let data = try await admin.call(.PATCH, target.path + "/tokens/\(token)", body: validity.body)
            admin.print(data, Describe.token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token now.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Token id.") var token: String
        func run() async throws {
            _ = try await admin.call(.DELETE, target.path + "/tokens/\(token)")
            admin.print(Data(#"{"revoked":true}"#.utf8)) { _ in "revoked \(token)" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List token metadata and the expiry warning.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        func run() async throws {
            let data = try await admin.call(.GET, target.path + "/tokens")
            admin.print(data) { value in
                let object = value as? [String: Any] ?? [:]
                var lines = (object["tokens"] as? [Any] ?? []).map(Describe.token)
                if let warning = object["expiryWarning"] as? [String: Any] { lines.append("WARNING: \(warning["detail"] ?? "")") }
                return lines.isEmpty ? "no tokens" : lines.joined(separator: "\n")
            }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Credential events of the IdP: who did what and when.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        func run() async throws {
            let data = try await admin.call(.GET, target.path + "/token-events")
            admin.print(data) { value in
                (value as? [[String: Any]] ?? []).map {
                    "\($0["occurredAt"] ?? "")  \($0["actor"] ?? "")  \($0["action"] ?? "")  \($0["detail"] ?? "")"
                }
                .joined(separator: "\n")
            }
        }
    }
}
