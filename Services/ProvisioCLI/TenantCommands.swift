import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio tenant list|create|rename|delete`: the operator's tenants (the root admin key only).
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Tenants (operator: needs the root admin key).",
        subcommands: [List.self, Create.self, Rename.self, Delete.self]
    )

    static func describe(_ value: Any) -> String {
        let tenant = value as? [String: Any] ?? [:]
        return TextTable.keyValues([
            ("id", TextTable.cell(tenant["id"])), ("name", TextTable.cell(tenant["name"])),
            ("created", TextTable.cell(tenant["createdAt"])), ("updated", TextTable.cell(tenant["updatedAt"])),
        ])
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenants.")
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            admin.print(try await admin.call(.GET, "/tenants")) { value in
                let tenants = value as? [[String: Any]] ?? []
                guard !tenants.isEmpty else { return "no tenants" }
                return TextTable.render(
                    header: ["ID", "NAME", "CREATED"],
                    rows: tenants.map { [TextTable.cell($0["id"]), TextTable.cell($0["name"]), TextTable.cell($0["createdAt"])] }
                )
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant.")
        @OptionGroup var admin: AdminOptions
        @Option(help: "Display name.") var name: String
        @Option(help: "Id (lower-case letters, digits, hyphens); derived from the name when absent.") var id: String?
        func run() async throws {
            var body: [String: Any] = ["name": name]
            if let id { body["id"] = id }
            admin.print(try await admin.call(.POST, "/tenants", body: body)) { "created tenant\n" + TenantCommand.describe($0) }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a tenant (its id stays).")
        @OptionGroup var admin: AdminOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "New display name.") var name: String
        func run() async throws {
            admin.print(try await admin.call(.PATCH, "/tenants/\(PathSegment.encode(tenant))", body: ["name": name]), TenantCommand.describe)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a tenant with everything in it (asks first on a terminal; --yes otherwise)."
        )
        @OptionGroup var admin: AdminOptions
        @Option(help: "Tenant id.") var tenant: String
        @OptionGroup var confirmation: ConfirmOptions
        func run() async throws {
            let path = "/tenants/\(PathSegment.encode(tenant))"
            _ = try await admin.call(.GET, path)
            let listed = try await admin.call(.GET, path + "/idps")
            let idps = (try? JSONSerialization.jsonObject(with: listed)) as? [[String: Any]] ?? []
            let names = idps.compactMap { $0["id"] as? String }
            let consequences =
                "Deleting tenant '\(tenant)' deletes its \(idps.count) identity provider(s)\(names.isEmpty ? "" : " (\(names.prefix(20).joined(separator: ", ")))")"
                + " with their users, groups, tokens, OAuth clients and mappings, and its attributes, API keys and webhooks;"
                + " every IdP's next sync fails (401) and every application reading the tenant gets 404."
            try confirmation.confirm("delete tenant '\(tenant)'", consequences: consequences)
            _ = try await admin.call(.DELETE, path)
            admin.print(Data(#"{"deleted":true}"#.utf8)) { _ in "deleted tenant \(tenant)" }
        }
    }
}
