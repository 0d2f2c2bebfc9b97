import ArgumentParser
import Foundation
import InternalAPI
import NIOHTTP1

/// `provisio webhook list|create|update|delete|rotate-secret|replay|test|deliveries --tenant T`: a tenant's webhook
/// endpoints, on the application API beside the admin API (README "Webhooks").
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Webhook endpoints of a tenant (the application API, /api/v1).",
        subcommands: [List.self, Create.self, Update.self, Delete.self, RotateSecret.self, Replay.self, Test.self, Deliveries.self]
    )

    struct TenantOption: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        var path: String { "/tenants/\(PathSegment.encode(tenant))/webhooks" }
    }

    struct Target: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Webhook endpoint id.") var webhook: String
        var path: String { "/tenants/\(PathSegment.encode(tenant))/webhooks/\(PathSegment.encode(webhook))" }
    }

    static func describe(_ value: Any) -> String {
        let endpoint = value as? [String: Any] ?? [:]
        let delivery = endpoint["delivery"] as? [String: Any] ?? [:]
        var pairs: [(String, String)] = [
            ("id", TextTable.cell(endpoint["id"])), ("url", TextTable.cell(endpoint["url"])), ("types", TextTable.cell(endpoint["types"])),
            ("idps", TextTable.cell(endpoint["idps"])), ("enabled", TextTable.flag(endpoint["enabled"])),
        ]
        if let reason = endpoint["disabledReason"] as? String { pairs.append(("disabled because", reason)) }
        pairs += [
            ("delivered through", TextTable.cell(delivery["deliveredThrough"])), ("failing since", TextTable.cell(delivery["failingSince"])),
            ("next attempt", TextTable.cell(delivery["nextAttemptAt"])), ("created", TextTable.cell(endpoint["createdAt"])),
        ]
        if let expiry = endpoint["previousSecretExpiresAt"] as? String { pairs.append(("previous secret until", expiry)) }
        return TextTable.keyValues(pairs)
    }

    /// The answer to create and rotate-secret (the endpoint with its `secret`): the secret, once, with the warning,
    /// then the endpoint.
    static func describeWithSecret(_ value: Any) -> String {
        let object = value as? [String: Any] ?? [:]
        return "secret: \(TextTable.cell(object["secret"]))\nWARNING: the secret is shown only this once; store it now.\n"
            + describe(object)
    }

    /// `--type` and `--idp` for create and update: what the endpoint subscribes to.
    struct Subscription: ParsableArguments {
        @Option(
            name: .customLong("type"),
            help: "An event type to receive (repeatable; none: all).",
            completion: .list(ChangeEventType.allCases.map(\.rawValue))
        )
        var types: [String] = []
        @Option(name: .customLong("idp"), help: "An identity provider whose events to receive (repeatable; none: all).") var idps: [String] = []
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's webhook endpoints (never their secrets).")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        func run() async throws {
            admin.print(try await admin.call(.GET, target.path, api: .application)) { value in
                let endpoints = (value as? [String: Any])?["data"] as? [[String: Any]] ?? []
                guard !endpoints.isEmpty else { return "no webhooks" }
                return TextTable.render(
                    header: ["ID", "ENABLED", "TYPES", "IDPS", "FAILING SINCE", "URL"],
                    rows: endpoints.map { endpoint in
                        let delivery = endpoint["delivery"] as? [String: Any] ?? [:]
                        return [
                            TextTable.cell(endpoint["id"]), TextTable.flag(endpoint["enabled"]), TextTable.cell(endpoint["types"]),
                            TextTable.cell(endpoint["idps"]), TextTable.cell(delivery["failingSince"]), TextTable.cell(endpoint["url"]),
                        ]
                    }
                )
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a webhook endpoint; its signing secret is shown once.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: TenantOption
        @Option(help: "Where events are POSTed (http or https).") var url: String
        @OptionGroup var subscription: Subscription
        func run() async throws {
            let body: [String: Any] = ["url": url, "types": subscription.types, "idps": subscription.idps]
            admin.print(try await admin.call(.POST, target.path, body: body, api: .application), WebhookCommand.describeWithSecret)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an endpoint; enabling a disabled one resumes where it stopped.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: Target
        @Option(help: "New URL.") var url: String?
        @OptionGroup var subscription: Subscription
        @Flag(help: "Receive every event type again.") var allTypes = false
        @Flag(help: "Receive every identity provider's events again.") var allIdps = false
        @Option(help: "Enable or disable the endpoint.", completion: .list(["true", "false"])) var enabled: Bool?

        var body: [String: Any] {
            var body: [String: Any] = [:]
            if let url { body["url"] = url }
            if allTypes || !subscription.types.isEmpty { body["types"] = subscription.types }
            if allIdps || !subscription.idps.isEmpty { body["idps"] = subscription.idps }
            if let enabled { body["enabled"] = enabled }
            return body
        }

        func validate() throws {
            if allTypes && !subscription.types.isEmpty { throw ValidationError("--all-types and --type exclude each other.") }
            if allIdps && !subscription.idps.isEmpty { throw ValidationError("--all-idps and --idp exclude each other.") }
            if body.isEmpty { throw ValidationError("Nothing to change: pass --url, --type, --all-types, --idp, --all-idps or --enabled.") }
        }

        func run() async throws {
            admin.print(try await admin.call(.PATCH, target.path, body: body, api: .application), WebhookCommand.describe)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an endpoint: it receives no more events (asks first on a terminal; --yes otherwise)."
        )
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: Target
        @OptionGroup var confirmation: ConfirmOptions
        func run() async throws {
            let found = try await admin.call(.GET, target.path, api: .application)  // 404 before asking
            let endpoint = (try? JSONSerialization.jsonObject(with: found)) as? [String: Any]
            let consequences =
                "Deleting webhook '\(target.webhook)' stops every delivery to \(TextTable.cell(endpoint?["url"])) at once, pending retries"
                + " included; its delivery log is gone."
            try confirmation.confirm("delete webhook '\(target.webhook)'", consequences: consequences)
            _ = try await admin.call(.DELETE, target.path, api: .application)
            admin.print(Data(#"{"deleted":true}"#.utf8)) { _ in "deleted webhook \(target.webhook)" }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "New signing secret (shown once); the previous one keeps signing beside it for 24 hours."
        )
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: Target
        func run() async throws {
            admin.print(try await admin.call(.POST, target.path + "/rotate-secret", api: .application), WebhookCommand.describeWithSecret)
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver again every retained event after a feed cursor.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: Target
        @Option(help: "Feed cursor: the sequence of the last event the receiver has (\"0\": every retained event).") var after: String
        func run() async throws {
            let data = try await admin.call(.POST, target.path + "/replay", body: ["after": after], api: .application)
            admin.print(data) { "replaying events after \(after)\n" + WebhookCommand.describe($0) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a signed webhook.test event now and show the receiver's answer.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: Target
        func run() async throws {
            admin.print(try await admin.call(.POST, target.path + "/test", api: .application)) { value in
                let result = value as? [String: Any] ?? [:]
                return TextTable.keyValues([
                    ("event", TextTable.cell(result["eventId"])), ("delivered", TextTable.flag(result["delivered"])),
                    ("status code", TextTable.cell(result["statusCode"])), ("latency ms", TextTable.cell(result["latencyMs"])),
                    ("error", TextTable.cell(result["error"])),
                ])
            }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The endpoint's delivery attempts, newest first.")
        @OptionGroup var admin: AdminOptions
        @OptionGroup var target: Target
        @Option(help: "Attempts per page (1 to 100).") var limit: Int = 50
        @Option(help: "The `next` cursor of a previous page.") var before: String?

        func validate() throws {
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be from 1 to 100.") }
        }

        func run() async throws {
            var path = target.path + "/deliveries?limit=\(limit)"
            if let before { path += "&before=\(PathSegment.encode(before))" }
            admin.print(try await admin.call(.GET, path, api: .application)) { value in
                let page = value as? [String: Any] ?? [:]
                let attempts = page["data"] as? [[String: Any]] ?? []
                guard !attempts.isEmpty else { return "no delivery attempts" }
                var text = TextTable.render(
                    header: ["ATTEMPTED", "EVENT", "TYPE", "SEQ", "OK", "STATUS", "MS", "ERROR"],
                    rows: attempts.map { attempt in
                        [
                            TextTable.cell(attempt["attemptedAt"]), TextTable.cell(attempt["eventId"]), TextTable.cell(attempt["eventType"]),
                            TextTable.cell(attempt["sequence"]), TextTable.flag(attempt["succeeded"]), TextTable.cell(attempt["statusCode"]),
                            TextTable.cell(attempt["latencyMs"]), TextTable.cell(attempt["error"]),
                        ]
                    }
                )
                if let next = page["next"] as? String { text += "\nmore: --before \(next)" }
                return text
            }
        }
    }
}
