import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio api-key create|list|revoke --tenant T`: a tenant's API keys (roles `app`, `admin`, `viewer`).
struct ApiKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key",
        abstract: "API keys of a tenant: app (application API), admin (the tenant's admin API), viewer (the same, read-only).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    static func describe(_ value: Any) -> String {
        guard let key = value as? [String: Any] else { return "" }
        return
            "\(key["id"] ?? "")  pvk_\(key["prefix"] ?? "")…  \(key["role"] ?? "")  \"\(key["name"] ?? "")\"  created \(key["createdAt"] ?? "")  last used \(key["lastUsedAt"] as? String ?? "never")"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; it is shown once.")
        @OptionGroup var admin: AdminOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "A name that says what the key is for.") var name: String
        @Option(help: "app, admin or viewer.", completion: .list(["app", "admin", "viewer"])) var role: String
        func run() async throws {
            let data = try await admin.call(.POST, "/tenants/\(PathSegment.encode(tenant))/api-keys", body: ["name": name, "role": role])
            admin.print(data) { value in
                let object = value as? [String: Any] ?? [:]
                return "\(object["key"] ?? "")\n(shown once; copy it now)\n" + ApiKeyCommand.describe(object["metadata"] ?? [:])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's keys (never the keys themselves).")
        @OptionGroup var admin: AdminOptions
        @Option(help: "Tenant id.") var tenant: String
        func run() async throws {
            admin.print(try await admin.call(.GET, "/tenants/\(PathSegment.encode(tenant))/api-keys")) { value in
                let lines = (value as? [Any] ?? []).map(ApiKeyCommand.describe)
                return lines.isEmpty ? "no API keys" : lines.joined(separator: "\n")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: it stops working at once.")
        @OptionGroup var admin: AdminOptions
        @Option(help: "Tenant id.") var tenant: String
        @Argument(help: "Id of the key.") var id: String
        func run() async throws {
            _ = try await admin.call(.DELETE, "/tenants/\(PathSegment.encode(tenant))/api-keys/\(PathSegment.encode(id))")
            admin.print(Data(#"{"revoked":true}"#.utf8)) { _ in "revoked \(id)" }
        }
    }
}
