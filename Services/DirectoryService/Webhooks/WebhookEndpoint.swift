import Foundation

/// A webhook endpoint as stored: its subscription, its encrypted secrets and its delivery state.
struct WebhookEndpoint: Sendable {
    var id: String
    var tenantID: String
    var url: String
    /// Empty: every type.
    var types: [String]
    /// Empty: every identity provider.
    var idps: [String]
    var enabled: Bool
    var disabledReason: String?
    var sealedSecret: String
    var sealedPreviousSecret: String?
    var previousSecretExpiresAt: String?
    var createdAt: String
    var updatedAt: String
    var deliveredThrough: Int64
    var generation: Int64
    var nextAttemptAt: String?
    var attemptCount: Int
    var failingSince: String?

    /// Whether the endpoint wants an event of this type from this identity provider.
    func wants(type: String, idpID: String?) -> Bool {
        (types.isEmpty || types.contains(type)) && (idps.isEmpty || idpID.map(idps.contains) == true)
    }

    /// What the API shows: never a secret.
    var view: WebhookView {
        WebhookView(
            id: id,
            url: url,
            types: types,
            idps: idps,
            enabled: enabled,
            disabledReason: disabledReason,
            createdAt: createdAt,
            updatedAt: updatedAt,
            previousSecretExpiresAt: previousSecretExpiresAt,
            delivery: .init(
                deliveredThrough: String(deliveredThrough),
                attemptCount: attemptCount,
                nextAttemptAt: nextAttemptAt,
                failingSince: failingSince
            )
        )
    }
}

/// `GET …/webhooks/{id}`. `delivery.deliveredThrough` is a feed cursor: the sequence of the last event delivered.
struct WebhookView: Codable, Sendable {
    struct Delivery: Codable, Sendable {
        var deliveredThrough: String
        var attemptCount: Int
        var nextAttemptAt: String?
        var failingSince: String?
    }

    var id: String
    var url: String
    var types: [String]
    var idps: [String]
    var enabled: Bool
    var disabledReason: String?
    var createdAt: String
    var updatedAt: String
    /// While a rotated-out secret still signs (its grace period), when it stops.
    var previousSecretExpiresAt: String?
    var delivery: Delivery
}

/// The answer to create and rotate-secret: the endpoint and, this once, its secret.
struct WebhookWithSecret: Codable, Sendable {
    var webhook: WebhookView
    var secret: String

    func encode(to encoder: any Encoder) throws {
        try webhook.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(secret, forKey: .secret)
    }

    init(webhook: WebhookView, secret: String) {
        self.webhook = webhook
        self.secret = secret
    }

    init(from decoder: any Decoder) throws {
        webhook = try WebhookView(from: decoder)
        secret = try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .secret)
    }

    private enum Key: String, CodingKey { case secret }
}

/// One attempt in the delivery log.
struct WebhookDeliveryRecord: Codable, Sendable {
    var id: String
    var attemptedAt: String
    var eventId: String
    var eventType: String
    /// The event's sequence (a feed cursor); absent for a test event.
    var sequence: String?
    var statusCode: Int?
    var latencyMs: Int
    var error: String?
    var succeeded: Bool
}

/// `{"data": [...], "next": cursor or null}`: `next` is always present, `null` on the last page (the published contract).
struct WebhookList<Item: Codable & Sendable>: Codable, Sendable {
    var data: [Item]
    var next: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(next, forKey: .next)
    }
}

/// `POST …/webhooks`.
struct WebhookCreateRequest: Codable, Sendable {
    var url: String
    var types: [String]?
    var idps: [String]?
}

/// `PATCH …/webhooks/{id}`: what is present changes.
struct WebhookPatchRequest: Codable, Sendable {
    var url: String?
    var types: [String]?
    var idps: [String]?
    var enabled: Bool?
}

/// `POST …/webhooks/{id}/replay`: deliver again every retained event after this feed cursor.
struct WebhookReplayRequest: Codable, Sendable {
    var after: String
}

/// `POST …/webhooks/{id}/test`'s answer.
struct WebhookTestResult: Codable, Sendable {
    var eventId: String
    var delivered: Bool
    var statusCode: Int?
    var latencyMs: Int
    var error: String?
}
