import ArgumentParser
import Foundation
import InternalAPI
import NIOHTTP1

/// `provisio idp list|create|show|update|delete --tenant T`: a tenant's identity providers, with the SCIM base URL
/// to paste into the IdP and the provisioning summary.
struct IdPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp",
        abstract: "Identity providers of a tenant.",
        subcommands: [List.self, Create.self, Show.self, Update.self, Delete.self]
    )

    struct TenantOption: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        var path: String { "/tenants/\(PathSegment.encode(tenant))/idps" }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's identity providers and their provisioning health.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        func run() async throws {
            admin.print(try await admin.call(.GET, target.path)) { value in
                let idps = value as? [[String: Any]] ?? []
                guard !idps.isEmpty else { return "no identity providers" }
                return TextTable.render(
                    header: ["ID", "NAME", "TYPE", "LAST REQUEST", "24H OK/FAILED", "SCIM BASE URL"],
                    rows: idps.map { idp in
                        let provisioning = idp["provisioning"] as? [String: Any] ?? [:]
                        let counts = provisioning["last24h"] as? [String: Any] ?? [:]
                        return [
                            TextTable.cell(idp["id"]), TextTable.cell(idp["name"]), TextTable.cell(idp["providerType"]),
                            TextTable.cell(provisioning["lastRequestAt"]),
                            "\(TextTable.cell(counts["success"]))/\(TextTable.cell(counts["failure"]))", TextTable.cell(idp["scimBaseURL"]),
                        ]
                    }
                )
            }
        }
    }

    /// The IdP as key-value lines, with its provisioning summary when the answer has one.
    static func describe(_ value: Any) -> String {
        let idp = value as? [String: Any] ?? [:]
        var pairs: [(String, String)] = [
            ("id", TextTable.cell(idp["id"])), ("name", TextTable.cell(idp["name"])), ("description", TextTable.cell(idp["description"])),
            ("provider type", TextTable.cell(idp["providerType"])), ("SCIM base URL", TextTable.cell(idp["scimBaseURL"])),
            ("groups editable", TextTable.flag(idp["groupsEditable"])), ("created", TextTable.cell(idp["createdAt"])),
            ("updated", TextTable.cell(idp["updatedAt"])),
        ]
        if let provisioning = idp["provisioning"] as? [String: Any] {
            let counts = provisioning["last24h"] as? [String: Any] ?? [:]
            pairs += [
                ("last request", TextTable.cell(provisioning["lastRequestAt"])), ("last success", TextTable.cell(provisioning["lastSuccessAt"])),
                ("last failure", TextTable.cell(provisioning["lastFailureAt"])),
                (
                    "last 24 h",
                    "\(TextTable.cell(counts["success"])) succeeded, \(TextTable.cell(counts["failure"])) failed, \(TextTable.cell(counts["skipped"])) skipped"
                ),
                ("last error", TextTable.cell(provisioning["lastError"])),
            ]
        }
        return TextTable.keyValues(pairs)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an identity provider; prints its SCIM base URL.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        @Option(help: "Display name.") var name: String
        @Option(help: "Id (lower-case letters, digits, hyphens); derived from the name when absent.") var id: String?
        @Option(help: "Provider type; sets the default mappings.") var providerType: ProviderTypeChoice?
        @Option(help: "Description.") var description: String?
        func run() async throws {
            var body: [String: Any] = ["name": name]
            if let id { body["id"] = id }
            if let providerType { body["providerType"] = providerType.rawValue }
            if let description { body["description"] = description }
            admin.print(try await admin.call(.POST, target.path, body: body)) { "created identity provider\n" + IdPCommand.describe($0) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an identity provider: SCIM base URL and provisioning summary.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        func run() async throws { admin.print(try await admin.call(.GET, target.path), IdPCommand.describe) }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Edit an identity provider.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "New display name.") var name: String?
        @Option(help: "New description.") var description: String?
        @Option(help: "New provider type (re-seeds default mappings unless customised).") var providerType: ProviderTypeChoice?
        @Option(help: "Allow the IdP to edit group names and descriptions.", completion: .list(["true", "false"])) var groupsEditable: Bool?

        func validate() throws {
            guard name != nil || description != nil || providerType != nil || groupsEditable != nil else {
                throw ValidationError("Nothing to change: pass --name, --description, --provider-type or --groups-editable.")
            }
        }

        func run() async throws {
            var body: [String: Any] = [:]
            if let name { body["name"] = name }
            if let description { body["description"] = description }
            if let providerType { body["providerType"] = providerType.rawValue }
            if let groupsEditable { body["groupsEditable"] = groupsEditable }
            admin.print(try await admin.call(.PATCH, target.path, body: body), IdPCommand.describe)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an identity provider with its users and groups (asks first on a terminal; --yes otherwise)."
        )
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @OptionGroup var confirmation: ConfirmOptions
        func run() async throws {
            let found = try await admin.call(.GET, target.path)  // 404 before asking; a failure here is not swallowed
            let idp = (try? JSONSerialization.jsonObject(with: found)) as? [String: Any] ?? [:]
            let consequences =
                "Deleting identity provider '\(target.idp)' (\(TextTable.cell(idp["name"]))) deletes its users and groups, revokes its tokens"
                + " and OAuth clients and forgets its mappings: the IdP's next sync fails (401) until it is set up again."
            try confirmation.confirm("delete identity provider '\(target.idp)'", consequences: consequences)
            _ = try await admin.call(.DELETE, target.path)
            admin.print(Data(#"{"deleted":true}"#.utf8)) { _ in "deleted identity provider \(target.idp)" }
        }
    }
}

/// `--provider-type`: the values the API takes, any letter case (and Entra for Azure), completed by the shell.
enum ProviderTypeChoice: String, CaseIterable, ExpressibleByArgument {
    case generic = "Generic"
    case azure = "Azure"
    case okta = "Okta"
    case duo = "Duo"

    init?(argument: String) {
        guard let type = ProviderType(lenient: argument) else { return nil }
        self.init(rawValue: type.rawValue)
    }
}
