import Configuration
import Foundation
import ServiceKit
import Webhooks

/// The directory's webhook configuration (README "Webhooks"):
/// - `WEBHOOK_ALLOW_PRIVATE_NETWORKS` (default false): deliver to loopback, link-local and private addresses too
///   (`provisio up` sets it for a local stack).
/// - `WEBHOOK_DISABLE_AFTER` (seconds, default 259200 = 3 days): an endpoint failing that long is disabled.
/// - `WEBHOOK_ENCRYPTION_KEY` (base64 of 32 bytes): encrypts the stored secrets; when absent, a key derived from
///   `INTERNAL_KEY` with HKDF (``WebhookSecretBox``).
struct WebhookSettings: Sendable {
    var allowPrivateNetworks = false
    var disableAfter: Duration = .seconds(3 * 86_400)
    var secrets: WebhookSecretBox
    var schedule = RetrySchedule.standard
    /// A delivery's whole exchange, connection included.
    var timeout: Duration = .seconds(10)
    /// How often a worker looks for endpoints with something to deliver.
    var pollInterval: Duration = .milliseconds(250)
    /// How long a claimed endpoint stays with its replica without a renewal (each cursor write renews it).
    var lease: Duration = .seconds(30)
    /// Endpoints one replica delivers to at once (each endpoint itself one delivery at a time).
    var concurrentEndpoints = 32
    /// How long a rotated-out secret keeps signing beside the new one.
    var rotationGrace: Duration = .seconds(86_400)
    /// Endpoints a tenant may have.
    var maximumEndpointsPerTenant = 20
    /// Attempts kept in the delivery log per endpoint (newest first), failures included.
    var deliveryLogSize = 200

    init(secrets: WebhookSecretBox) { self.secrets = secrets }

    /// The defaults, with the secrets' key derived from the internal key (tests, and a deployment that sets none).
    init(configuration: ServiceConfiguration) {
        self.init(secrets: WebhookSecretBox(derivedFromInternalKey: configuration.internalKey))
    }

    init(reader: ConfigReader, configuration: ServiceConfiguration) throws {
        self.init(configuration: configuration)
        allowPrivateNetworks = reader.bool(forKey: "webhook.allow.private.networks", default: false)
        let disableAfter = reader.int(forKey: "webhook.disable.after", default: 3 * 86_400)
        guard disableAfter >= 60 else {
            throw ServiceConfiguration.Invalid(description: "WEBHOOK_DISABLE_AFTER must be a number of seconds, at least 60.")
        }
        self.disableAfter = .seconds(disableAfter)
        if let key = reader.string(forKey: "webhook.encryption.key", isSecret: true) {
            do {
                secrets = try WebhookSecretBox(encodedKey: key)
            } catch {
                throw ServiceConfiguration.Invalid(description: "WEBHOOK_ENCRYPTION_KEY must be base64 of 32 bytes (openssl rand -base64 32).")
            }
        }
    }
}
