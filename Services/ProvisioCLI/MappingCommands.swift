import ArgumentParser
import Foundation
import NIOHTTP1

/// `provisio mapping list|set|remove|reapply|job`: an identity provider's mapping of SCIM attributes onto
/// identity attributes, and re-applying it to the IdP's existing users.
struct MappingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping",
        abstract: "Attribute mappings of an identity provider.",
        subcommands: [List.self, Set.self, Remove.self, Reapply.self, Job.self]
    )

    static func describeJob(_ value: Any) -> String {
        let job = value as? [String: Any] ?? [:]
        let detail = (job["detail"] as? String).map { "  \($0)" } ?? ""
        return "job \(job["id"] ?? "")  \(job["state"] ?? "")  \(job["done"] ?? 0)/\(job["total"] ?? 0) done, \(job["failed"] ?? 0) refused\(detail)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show mapped and unmapped identity attributes.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "mapped, unmapped or all.", completion: .list(["mapped", "unmapped", "all"])) var view: String = "all"
        func run() async throws {
            admin.print(try await admin.call(.GET, target.path + "/mappings?view=\(PathSegment.encode(view))")) { value in
                let object = value as? [String: Any] ?? [:]
                var lines = ["\(object["providerType"] ?? "") \((object["customized"] as? Bool) == true ? "(customised)" : "(defaults)")"]
                for entry in object["mapped"] as? [[String: Any]] ?? [] {
                    let attribute = entry["attribute"] as? [String: Any] ?? [:]
                    lines.append("  \(attribute["name"] ?? "") ← \(entry["scimPath"] ?? "")")
                }
                for attribute in object["unmapped"] as? [[String: Any]] ?? [] {
                    lines.append("  \(attribute["name"] ?? "") (unmapped)")
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Map an identity attribute from a SCIM attribute path.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Identity attribute (\"Cost Center\").") var attribute: String
        @Option(help: "SCIM path: name.givenName, emails[type eq \"work\"].value, urn:…:custom:2.0:User:costCenter.") var scimPath: String
        func run() async throws {
            _ = try await admin.call(.PUT, target.path + "/mappings/" + PathSegment.encode(attribute), body: ["scimPath": scimPath])
            admin.print(Data(#"{"mapped":true}"#.utf8)) { _ in "\(attribute) ← \(scimPath)" }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a mapping (mandatory attributes must stay mapped).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Identity attribute.") var attribute: String
        func run() async throws {
            _ = try await admin.call(.DELETE, target.path + "/mappings/" + PathSegment.encode(attribute))
            admin.print(Data(#"{"removed":true}"#.utf8)) { _ in "removed the mapping of \(attribute)" }
        }
    }

    struct Reapply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-apply the mappings to the IdP's existing users (background job).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Flag(help: "Wait until the job finishes, printing progress.") var wait = false
        func run() async throws {
            let started = try await admin.call(.POST, target.path + "/mappings/reapply", body: [:])
            admin.print(started, MappingCommand.describeJob)
            guard wait, let id = (try? JSONSerialization.jsonObject(with: started) as? [String: Any])?["id"] as? String else { return }
            while true {
                try await Task.sleep(for: .seconds(1))
                let data = try await admin.call(.GET, target.path + "/mappings/jobs/\(PathSegment.encode(id))")
                let state = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["state"] as? String
                if state == "completed" || state == "failed" {
                    admin.print(data, MappingCommand.describeJob)
                    return
                }
                if !admin.json { Console.write(MappingCommand.describeJob((try? JSONSerialization.jsonObject(with: data)) ?? [:]) + "\n") }
            }
        }
    }

    struct Job: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Progress of a re-apply job.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: IdPOptions
        @Option(help: "Job id.") var id: String
        func run() async throws {
            admin.print(try await admin.call(.GET, target.path + "/mappings/jobs/\(PathSegment.encode(id))"), MappingCommand.describeJob)
        }
    }
}
