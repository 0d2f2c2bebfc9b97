import Foundation
import ScimCore
import Webhooks

/// The bounds of the webhook API's requests (README "Webhooks"), checked before anything is stored or resolved.
enum WebhookRequestRules {
    static let maximumIdentityProviders = 50
    static let maximumIdentityProviderIDLength = 200

    static func url(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if case .failure(let refusal) = WebhookURLRule.check(trimmed) { throw ScimError.invalidValue(refusal.message) }
        return trimmed
    }

    /// Distinct known types, in the catalogue's order; nil or empty is every type.
    static func types(_ types: [String]?) throws -> [String] {
        guard let types else { return [] }
        guard types.count <= WebhookEventTypes.all.count * 2 else { throw ScimError.tooMany("At most \(WebhookEventTypes.all.count) types.") }
        for type in types where !WebhookEventTypes.all.contains(type) {
            throw ScimError.invalidValue(
                "Unknown event type '\(type.prefix(100))'; known types: \(WebhookEventTypes.all.joined(separator: ", "))."
            )
        }
        return WebhookEventTypes.all.filter(types.contains)
    }

    /// Distinct identity provider ids; nil or empty is every identity provider.
    static func idps(_ idps: [String]?) throws -> [String] {
        guard let idps else { return [] }
        guard idps.count <= maximumIdentityProviders else { throw ScimError.tooMany("At most \(maximumIdentityProviders) identity providers.") }
        var distinct: [String] = []
        for idp in idps {
            guard !idp.isEmpty, idp.utf8.count <= maximumIdentityProviderIDLength else {
                throw ScimError.invalidValue("An identity provider id must be 1 to \(maximumIdentityProviderIDLength) characters.")
            }
            if !distinct.contains(idp) { distinct.append(idp) }
        }
        return distinct
    }

    /// A feed cursor: the decimal sequence of the last event seen ("0": everything retained).
    static func cursor(_ text: String) throws -> Int64 {
        guard text.utf8.count <= 19, let value = Int64(text), value >= 0 else {
            throw ScimError.invalidValue("'after' must be a feed cursor: the sequence of the last event seen, as a decimal string.")
        }
        return value
    }
}
