import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio client create|rotate|list|revoke`: OAuth client credentials of an identity provider.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "OAuth client credentials (client id + secret) of an identity provider.",
        subcommands: [Create.self, Rotate.self, List.self, Revoke.self]
    )

    static func issued(_ value: Any) -> String {
        let object = value as? [String: Any] ?? [:]
        return
            "client id:     \(object["clientID"] ?? "")\nclient secret: \(object["clientSecret"] ?? "")  (shown once; copy it now)\ntoken URL:     \(object["tokenURL"] ?? "")"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the IdP's client; the secret is shown once.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        func run() async throws { admin.print(try await admin.call(.POST, target.path + "/clients"), ClientCommand.issued) }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "New client secret (shown once).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Client id.") var client: String
        @Option(help: "Hours the previous secret keeps working (default 0).") var graceHours: Int = 0
        func run() async throws {
            admin.print(
                try await admin.call(.POST, target.path + "/clients/\(client)/rotate", body: ["graceHours": graceHours]),
                ClientCommand.issued
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the IdP's clients (never secrets).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        func run() async throws {
            admin.print(try await admin.call(.GET, target.path + "/clients")) { value in
                let lines = (value as? [Any] ?? []).map(Describe.client)
                return lines.isEmpty ? "no clients" : lines.joined(separator: "\n")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a client: its secret and access tokens stop working.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Client id.") var client: String
        func run() async throws {
            _ = try await admin.call(.DELETE, target.path + "/clients/\(client)")
            admin.print(Data(#"{"revoked":true}"#.utf8)) { _ in "revoked \(client)" }
        }
    }
}
