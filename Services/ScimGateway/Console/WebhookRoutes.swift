import Foundation
import Hummingbird
import InternalAPI
import NIOHTTP1
import ScimCore
import ServiceClients
import ServiceKit

/// A tenant's **Webhooks**, `/console/tenants/{tenant}/webhooks`: its endpoints (the directory's webhook API, which the
/// application API relays: the directory validates every request), add one (the secret shown once), and an endpoint's
/// page: its delivery state and attempts, send a test event, rotate the secret (shown once), replay every retained
/// event, enable or disable, delete. A viewer reads only.
struct WebhookRoutes {
    let peers: GatewayPeers
    let views: ConsoleViews

    struct Field {
        var label: String
        var value: String
    }

    struct Row {
        var id: String
        var url: String
        var types: String
        var state: String
        var href: String
    }

    struct ListModel {
        var base: String
        var rows: [Row]
        var hasRows: Bool
        var canWrite: Bool
        var csrf: String
        var secret: String?
    }

    struct EndpointModel {
        var base: String
        var listHref: String
        var url: String
        var fields: [Field]
        var attempts: [Field]
        var hasAttempts: Bool
        var enabled: Bool
        var canWrite: Bool
        var csrf: String
        var secret: String?
        var testResult: String?
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/webhooks", use: list)
        group.post("tenants/:tenant/webhooks", use: create)
        group.get("tenants/:tenant/webhooks/:webhook", use: show)
        group.post("tenants/:tenant/webhooks/:webhook/test", use: test)
        group.post("tenants/:tenant/webhooks/:webhook/rotate-secret", use: rotate)
        group.post("tenants/:tenant/webhooks/:webhook/replay", use: replay)
        group.post("tenants/:tenant/webhooks/:webhook/enabled", use: enabled)
        group.post("tenants/:tenant/webhooks/:webhook/delete", use: delete)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await reader(context)
        return try await renderList(tenantID: tenantID, secret: nil, context: context)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID) = try await writer(context)
        let url = try ConsoleForm.text(user.form, "url", label: "URL", maximumLength: 2048)
        let types =
            try ConsoleForm.optionalText(user.form, "types", label: "Event types", maximumLength: 2000)
            .map { $0.split(separator: ",").prefix(64).map { JSONValue.string($0.trimmingCharacters(in: .whitespaces)) } } ?? []
        let body: JSONValue = ["url": .string(url), "types": .array(types)]
        let created = try Self.json(try await call(.POST, tenantID, "", body: body, context))
        return try await renderList(tenantID: tenantID, secret: created.objectValue?["secret"]?.stringValue, context: context)
    }

    @Sendable func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await reader(context)
        return try await renderEndpoint(tenantID: tenantID, id: try Self.id(context), secret: nil, testResult: nil, context: context)
    }

    @Sendable func test(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await writer(context)
        let id = try Self.id(context)
        let answer = try Self.json(try await call(.POST, tenantID, "/\(PercentEncoding.encode(id))/test", body: nil, context))
        let delivered = answer.objectValue?["delivered"]?.boolValue ?? false
        let status = answer.objectValue?["statusCode"].map(UserRoutes.text) ?? ""
        let error = answer.objectValue?["error"]?.stringValue
        let result = delivered ? "Test event delivered (HTTP \(status))." : "Test event not delivered: \(error ?? "HTTP \(status)")."
        return try await renderEndpoint(tenantID: tenantID, id: id, secret: nil, testResult: result, context: context)
    }

    @Sendable func rotate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await writer(context)
        let id = try Self.id(context)
        let answer = try Self.json(try await call(.POST, tenantID, "/\(PercentEncoding.encode(id))/rotate-secret", body: nil, context))
        return try await renderEndpoint(
            tenantID: tenantID,
            id: id,
            secret: answer.objectValue?["secret"]?.stringValue,
            testResult: nil,
            context: context
        )
    }

    @Sendable func replay(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await writer(context)
        let id = try Self.id(context)
        _ = try await call(.POST, tenantID, "/\(PercentEncoding.encode(id))/replay", body: ["after": "0"], context)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/webhooks/\(PercentEncoding.encode(id))")
    }

    @Sendable func enabled(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID) = try await writer(context)
        let id = try Self.id(context)
        _ = try await call(.PATCH, tenantID, "/\(PercentEncoding.encode(id))", body: ["enabled": .bool(user.form["enabled"] == "true")], context)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/webhooks/\(PercentEncoding.encode(id))")
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await writer(context)
        _ = try await call(.DELETE, tenantID, "/\(PercentEncoding.encode(try Self.id(context)))", body: nil, context)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/webhooks")
    }

    private func renderList(tenantID: String, secret: String?, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let page = try Self.json(try await call(.GET, tenantID, "", body: nil, context))
        let base = "/console/tenants/\(tenantID)/webhooks"
        let rows = (page.objectValue?["data"]?.arrayValue ?? []).compactMap { endpoint -> Row? in
            guard let id = endpoint.objectValue?["id"]?.stringValue else { return nil }
            let types = endpoint.objectValue?["types"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return Row(
                id: id,
                url: endpoint.objectValue?["url"]?.stringValue ?? "",
                types: types.isEmpty ? "all" : types.joined(separator: ", "),
                state: Self.state(endpoint),
                href: "\(base)/\(PercentEncoding.encode(id))"
            )
        }
        let model = ListModel(base: base, rows: rows, hasRows: !rows.isEmpty, canWrite: user.canWrite, csrf: user.csrfToken, secret: secret)
        return views.page("webhooks", title: "Webhooks", model: model, tenantNav: .init(tenantID: tenantID, current: "Webhooks"))
    }

    private func renderEndpoint(
        tenantID: String,
        id: String,
        secret: String?,
        testResult: String?,
        context: ServiceRequestContext
    ) async throws
        -> Response
    {
        let user = try ConsoleRoutes.user()
        let path = "/\(PercentEncoding.encode(id))"
        async let deliveries = call(.GET, tenantID, path + "/deliveries?limit=20", body: nil, context)
        let endpoint = try Self.json(try await call(.GET, tenantID, path, body: nil, context))
        let object = endpoint.objectValue ?? [:]
        let delivery = object["delivery"]?.objectValue ?? [:]
        let fields: [Field] = [
            Field(label: "State", value: Self.state(endpoint)),
            Field(
                label: "Event types",
                value: (object["types"]?.arrayValue?.compactMap(\.stringValue)).map { $0.isEmpty ? "all" : $0.joined(separator: ", ") } ?? "all"
            ),
            Field(label: "Created", value: UserRoutes.text(object["createdAt"] ?? .null)),
            Field(label: "Delivered through (feed cursor)", value: UserRoutes.text(delivery["deliveredThrough"] ?? .null)),
            Field(label: "Failing since", value: UserRoutes.text(delivery["failingSince"] ?? .null)),
            Field(label: "Next attempt", value: UserRoutes.text(delivery["nextAttemptAt"] ?? .null)),
        ]
        let attempts = (try Self.json(try await deliveries).objectValue?["data"]?.arrayValue ?? []).map { attempt in
            let a = attempt.objectValue ?? [:]
            let outcome = (a["succeeded"]?.boolValue ?? false) ? "delivered" : "failed"
            return Field(
                label: UserRoutes.text(a["attemptedAt"] ?? .null),
                value:
                    "\(UserRoutes.text(a["eventType"] ?? .null)) — \(outcome) \(UserRoutes.text(a["statusCode"] ?? .null)) \(UserRoutes.text(a["error"] ?? .null))"
            )
        }
        let model = EndpointModel(
            base: "/console/tenants/\(tenantID)/webhooks\(path)",
            listHref: "/console/tenants/\(tenantID)/webhooks",
            url: object["url"]?.stringValue ?? "",
            fields: fields,
            attempts: attempts,
            hasAttempts: !attempts.isEmpty,
            enabled: object["enabled"]?.boolValue ?? false,
            canWrite: user.canWrite,
            csrf: user.csrfToken,
            secret: secret,
            testResult: testResult
        )
        return views.page("webhook", title: "Webhook", model: model, tenantNav: .init(tenantID: tenantID, current: "Webhooks"))
    }

    private func call(
        _ method: HTTPMethod,
        _ tenantID: String,
        _ subpath: String,
        body: JSONValue?,
        _ context: ServiceRequestContext
    ) async throws -> Data {
        try await peers.directory.webhooks(method, tenantID: tenantID, subpath: subpath, body: body?.encoded(), logger: context.logger)
    }

    private func reader(_ context: ServiceRequestContext) async throws -> (ConsoleUser, String) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .get)
        return (user, tenantID)
    }

    private func writer(_ context: ServiceRequestContext) async throws -> (ConsoleUser, String) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        return (user, tenantID)
    }

    private static func id(_ context: ServiceRequestContext) throws -> String {
        let id = try context.parameters.require("webhook")
        guard id.utf8.count <= 100 else { throw ScimError.notFound("Webhook not found.") }
        return id
    }

    private static func state(_ endpoint: JSONValue) -> String {
        let object = endpoint.objectValue ?? [:]
        if object["enabled"]?.boolValue == false { return "disabled: " + (object["disabledReason"]?.stringValue ?? "by an admin") }
        if let since = object["delivery"]?.objectValue?["failingSince"]?.stringValue { return "failing since \(since)" }
        return "enabled"
    }

    private static func json(_ data: Data) throws -> JSONValue {
        try UserRoutes.json(data)
    }
}
