import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Persistence
import ScimCore
import ServiceKit
import Webhooks

/// `/internal/v1/tenants/:tenant/webhooks…`: the webhook API the gateway serves at `/api/v1/tenants/{tenant}/webhooks`
/// (README "Webhooks"). Secrets appear only in the answers to create and rotate-secret.
struct WebhookController {
    let store: WebhookStore
    let addresses: WebhookAddressCheck

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/webhooks", use: create)
        group.get("tenants/:tenant/webhooks", use: list)
        group.get("tenants/:tenant/webhooks/:webhook", use: get)
        group.patch("tenants/:tenant/webhooks/:webhook", use: patch)
        group.delete("tenants/:tenant/webhooks/:webhook", use: delete)
        group.post("tenants/:tenant/webhooks/:webhook/rotate-secret", use: rotateSecret)
        group.post("tenants/:tenant/webhooks/:webhook/replay", use: replay)
        group.post("tenants/:tenant/webhooks/:webhook/test", use: test)
        group.get("tenants/:tenant/webhooks/:webhook/deliveries", use: deliveries)
    }

    private static var noStore: HTTPFields { [.cacheControl: "no-store"] }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let body = try await JSONCoding.decode(WebhookCreateRequest.self, from: request, context: context)
        let url = try WebhookRequestRules.url(body.url)
        let types = try WebhookRequestRules.types(body.types)
        let idps = try WebhookRequestRules.idps(body.idps)
        try await addresses.check(url: url)
        let (endpoint, secret) = try await store.create(tenantID: tenantID, url: url, types: types, idps: idps)
        return JSONCoding.response(WebhookWithSecret(webhook: endpoint.view, secret: secret.text), status: .created, headers: Self.noStore)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let endpoints = try await store.list(tenantID: try context.parameters.require("tenant"))
        return JSONCoding.response(WebhookList(data: endpoints.map(\.view), next: nil))
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let endpoint = try await store.endpoint(tenantID: try context.parameters.require("tenant"), id: try context.parameters.require("webhook"))
        return JSONCoding.response(endpoint.view)
    }

    @Sendable func patch(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(WebhookPatchRequest.self, from: request, context: context)
        let url = try body.url.map(WebhookRequestRules.url)
        let types = try body.types.map { try WebhookRequestRules.types($0) }
        let idps = try body.idps.map { try WebhookRequestRules.idps($0) }
        if let url { try await addresses.check(url: url) }
        let endpoint = try await store.patch(
            tenantID: try context.parameters.require("tenant"),
            id: try context.parameters.require("webhook"),
            url: url,
            types: types,
            idps: idps,
            enabled: body.enabled
        )
        return JSONCoding.response(endpoint.view)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await store.delete(tenantID: try context.parameters.require("tenant"), id: try context.parameters.require("webhook"))
        return Response(status: .noContent)
    }

    @Sendable func rotateSecret(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (endpoint, secret) = try await store.rotateSecret(
            tenantID: try context.parameters.require("tenant"),
            id: try context.parameters.require("webhook")
        )
        return JSONCoding.response(WebhookWithSecret(webhook: endpoint.view, secret: secret.text), headers: Self.noStore)
    }

    @Sendable func replay(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(WebhookReplayRequest.self, from: request, context: context)
        let after = try WebhookRequestRules.cursor(body.after)
        let endpoint = try await store.replay(
            tenantID: try context.parameters.require("tenant"),
            id: try context.parameters.require("webhook"),
            after: after
        )
        return JSONCoding.response(endpoint.view, status: .accepted)
    }

    /// Sends a `webhook.test` event now, signed like every delivery, and answers how it went (it is logged too).
    @Sendable func test(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let endpoint = try await store.endpoint(tenantID: tenantID, id: try context.parameters.require("webhook"))
        let event = WebhookTestEvent(id: "evt_test_" + RandomUUID.lowercasedString(), tenant: tenantID, webhook: endpoint.id)
        let outcome: WebhookSender.Outcome
        if let refusal = await addresses.refusal(url: endpoint.url) {
            outcome = .init(latencyMs: 0, error: refusal.message)
        } else {
            // A client of its own (tests are rare), closed after it: none outlives the request.
            let secrets = try store.signingSecrets(of: endpoint)
            let timeout = store.settings.timeout
            let client = WebhookSender.makeClient(timeout: timeout)
            outcome = await WebhookSender(client: client, timeout: timeout).send(url: endpoint.url, id: event.id, body: event.body, secrets: secrets)
            try? await client.shutdown()
        }
        try await store.logTestAttempt(
            DeliveryAttempt(
                attemptedAt: Timestamp.now(),
                eventID: event.id,
                eventType: WebhookEventTypes.test,
                sequence: nil,
                statusCode: outcome.statusCode,
                latencyMs: outcome.latencyMs,
                error: outcome.error,
                succeeded: outcome.succeeded
            ),
            endpointID: endpoint.id
        )
        return JSONCoding.response(
            WebhookTestResult(
                eventId: event.id,
                delivered: outcome.succeeded,
                statusCode: outcome.statusCode,
                latencyMs: outcome.latencyMs,
                error: outcome.error
            )
        )
    }

    /// `?limit=` (1–100, default 50) and `?before=` (a previous page's `next`).
    @Sendable func deliveries(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = min(max(query.get("limit", as: Int.self) ?? 50, 1), 100)
        var before: Int64?
        if let text = query.get("before") {
            guard text.utf8.count <= 19, let value = Int64(text), value > 0 else { throw ScimError.invalidValue("'before' must be a page's 'next'.") }
            before = value
        }
        let page = try await store.deliveries(
            tenantID: try context.parameters.require("tenant"),
            id: try context.parameters.require("webhook"),
            before: before,
            limit: limit
        )
        return JSONCoding.response(page)
    }
}

/// The event `POST …/test` sends: `{"id", "type": "webhook.test", "tenant", "time", "data": {"webhook"}}`.
struct WebhookTestEvent: Sendable {
    let id: String
    let body: [UInt8]

    init(id: String, tenant: String, webhook: String) {
        self.id = id
        let value: JSONValue = [
            "id": .string(id), "type": .string(WebhookEventTypes.test), "tenant": .string(tenant), "time": .string(Timestamp.now()),
            "data": ["webhook": .string(webhook)],
        ]
        self.body = Array(value.encoded())
    }
}
