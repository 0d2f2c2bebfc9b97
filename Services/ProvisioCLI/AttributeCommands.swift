import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio attribute list|add|update|delete`: a tenant's identity attributes (the built-ins and custom ones).
struct AttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Identity attributes of a tenant (built-in and custom).",
        subcommands: [List.self, Add.self, Update.self, Delete.self]
    )

    struct TenantOption: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        var path: String { "/tenants/\(PathSegment.encode(tenant))/attributes" }
    }

    static func describe(_ value: Any) -> String {
        guard let attribute = value as? [String: Any] else { return "" }
        var flags: [String] = []
        if attribute["multiValued"] as? Bool == true { flags.append("multi-valued") }
        if attribute["mandatory"] as? Bool == true { flags.append("mandatory") }
        flags.append(attribute["builtIn"] as? Bool == true ? "built-in" : "custom")
        return "\(attribute["name"] ?? "")  \(attribute["type"] ?? "")  \(flags.joined(separator: ", "))  \(attribute["description"] ?? "")"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's identity attributes.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        func run() async throws {
            admin.print(try await admin.call(.GET, target.path)) { value in
                (value as? [Any] ?? []).map(AttributeCommand.describe).joined(separator: "\n")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a custom identity attribute.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        @Option(help: "Name, as admins and mappings refer to it (\"Cost Center\").") var name: String
        @Option(help: "string, number, boolean or date.", completion: .list(["string", "number", "boolean", "date"])) var type: String = "string"
        @Option(help: "Description.") var description: String?
        @Flag(help: "The attribute holds several values (e.g. roles).") var multiValued = false
        @Flag(help: "An IdP must send it for a user to be created.") var mandatory = false
        func run() async throws {
            var body: [String: Any] = ["name": name, "type": type, "multiValued": multiValued, "mandatory": mandatory]
            if let description { body["description"] = description }
            admin.print(try await admin.call(.POST, target.path, body: body)) { "added " + AttributeCommand.describe($0) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Edit a custom identity attribute's description or mandatory flag.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        @Option(help: "Name of the attribute.") var name: String
        @Option(help: "New description.") var description: String?
        @Option(help: "Whether an IdP must send it for a user to be created.", completion: .list(["true", "false"])) var mandatory: Bool?

        func validate() throws {
            guard description != nil || mandatory != nil else { throw ValidationError("Nothing to change: pass --description or --mandatory.") }
        }

        func run() async throws {
            var body: [String: Any] = [:]
            if let description { body["description"] = description }
            if let mandatory { body["mandatory"] = mandatory }
            admin.print(try await admin.call(.PATCH, target.path + "/" + PathSegment.encode(name), body: body)) {
                "updated " + AttributeCommand.describe($0)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a custom identity attribute no mapping uses.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        @Option(help: "Name of the attribute.") var name: String
        func run() async throws {
            _ = try await admin.call(.DELETE, target.path + "/" + PathSegment.encode(name))
            admin.print(Data(#"{"deleted":true}"#.utf8)) { _ in "deleted \(name)" }
        }
    }
}

/// Percent-encodes one URL path segment: attribute names carry spaces.
enum PathSegment {
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
