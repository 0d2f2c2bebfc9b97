import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio activity --tenant T [--idp I] [--limit N]`: the tenant's activity log, newest first.
struct ActivityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activity", abstract: "The activity log of a tenant, newest first.")
    @OptionGroup var admin: AdminOptions
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Only events of this identity provider.") var idp: String?
    @Option(help: "How many events (1 to 1000).") var limit: Int = 50

    func run() async throws {
        var path = "/tenants/\(PathSegment.encode(tenant))/activity?limit=\(limit)"
        if let idp { path += "&idp=\(PathSegment.encode(idp))" }
        let data = try await admin.call(.GET, path)
        admin.print(data) { value in
            (value as? [[String: Any]] ?? []).map { entry in
                let resource = [entry["resourceType"], entry["resourceID"]].compactMap { $0 as? String }.joined(separator: " ")
                let detail = (entry["detail"] as? String).map { "  \($0)" } ?? ""
                return "\(entry["occurredAt"] ?? "")  \(entry["actor"] ?? "")  \(entry["action"] ?? "")  \(resource)\(detail)"
            }.joined(separator: "\n")
        }
    }
}
