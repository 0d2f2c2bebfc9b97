import Foundation
import InternalAPI
import Logging

/// A stored bearer token: metadata plus the hash of its secret.
struct TokenRecord: Sendable, Hashable {
    var metadata: TokenMetadata
    var secretHash: String
}

/// The token service's storage. Every change also records a token event (never the secret).
protocol TokenStore: Sendable {
    func isReachable() async -> Bool
    func insert(_ token: TokenRecord, actor: String) async throws
    func tokens(tenantID: String, idpID: String) async throws -> [TokenMetadata]
    func token(prefix: String) async throws -> TokenRecord?
    /// Revokes every unrevoked token of an IdP (or of a whole tenant when `idpID` is nil); returns how many.
    func revokeAll(tenantID: String, idpID: String?, at: Date, actor: String) async throws -> Int
    /// Notes a successful use; implementations may skip the write when the last note is recent.
    func markUsed(tokenID: String, at: Date) async throws

    // Lifecycle (SQLTokenStore+Lifecycle.swift)
    func token(id: String) async throws -> TokenRecord?
    /// Tokens neither revoked (nor scheduled for revocation) nor expired at `at`.
    func activeTokens(tenantID: String, idpID: String, at: Date) async throws -> [TokenMetadata]
    /// Inserts `new` and schedules `oldID`'s revocation at `revokeAt`, in one transaction, with its event.
    func recreate(oldID: String, revokeAt: Date, new: TokenRecord, event: TokenEvent) async throws
    func setExpiry(tokenID: String, expiresAt: Date?, event: TokenEvent) async throws
    /// Revokes one token; false when it was already revoked.
    func revoke(tokenID: String, at: Date, event: TokenEvent) async throws -> Bool
    /// Marks the expiry warning of a token as given and records `event`; false when it had been given before.
    func markExpiryWarned(tokenID: String, event: TokenEvent) async throws -> Bool
    /// IdPs with an active token that expires before `before` and was not warned about yet.
    func identityProvidersWithUnwarnedExpiry(before: Date, at: Date) async throws -> [(tenantID: String, idpID: String)]
    func events(tenantID: String, idpID: String?, limit: Int) async throws -> [TokenEvent]
    func record(_ event: TokenEvent) async throws

    // OAuth clients (SQLTokenStore+Clients.swift)
    func insertClient(_ client: ClientRecord, event: TokenEvent) async throws
    func client(id: String) async throws -> ClientRecord?
    func clients(tenantID: String, idpID: String) async throws -> [ClientRecord]
    func rotateClientSecret(clientID: String, newHash: String, previousValidUntil: Date?, at: Date, event: TokenEvent) async throws
    func revokeClient(clientID: String, at: Date, event: TokenEvent) async throws -> Bool
    func markClientUsed(clientID: String, at: Date) async throws

    // Signing keys (SQLTokenStore+SigningKeys.swift)
    /// Unretired keys and keys retired after `retiredAfter`, newest first.
    func signingKeys(retiredAfter: Date) async throws -> [SigningKeyRecord]
    /// Retires the current key(s) at `at`, inserts `new`, deletes keys retired before `purgeBefore`.
    func rotateSigningKey(to new: SigningKeyRecord, at: Date, purgeBefore: Date, event: TokenEvent?) async throws

    // Tenant API keys (SQLTokenStore+ApiKeys.swift)
    /// Inserts the key with its event unless the tenant already has `limit` unrevoked keys; false when it has.
    func insertApiKey(_ key: ApiKeyRecord, limit: Int, event: TokenEvent) async throws -> Bool
    /// The tenant's unrevoked keys, oldest first.
    func apiKeys(tenantID: String) async throws -> [ApiKeyRecord]
    func apiKey(id: String) async throws -> ApiKeyRecord?
    func apiKey(prefix: String) async throws -> ApiKeyRecord?
    /// Revokes one key with its event; false when it was already revoked.
    func revokeApiKey(id: String, at: Date, event: TokenEvent) async throws -> Bool
    /// Revokes every key of a tenant (when it is deleted); returns how many.
    func revokeApiKeys(tenantID: String, at: Date, actor: String) async throws -> Int
    /// Notes a successful use; skipped when the last note is recent.
    func markApiKeyUsed(id: String, at: Date) async throws

    // Admin console sessions (SQLTokenStore+ConsoleSessions.swift)
    /// Inserts a session; deletes every session that expired before `at` first.
    func insertConsoleSession(_ session: ConsoleSessionRecord, at: Date) async throws
    func consoleSession(idHash: String) async throws -> ConsoleSessionRecord?
    func touchConsoleSession(idHash: String, at: Date) async throws
    func deleteConsoleSession(idHash: String) async throws
}

/// A console session's row: ``ConsoleSession`` plus its key and idle timeout.
struct ConsoleSessionRecord: Sendable, Hashable {
    var idHash: String
    var session: ConsoleSession
    var idleSeconds: Int
}

/// A tenant API key: metadata plus the hash of its secret.
struct ApiKeyRecord: Sendable, Hashable {
    var tenantID: String
    var metadata: ApiKeyMetadata
    var secretHash: String
    var revokedAt: Date?
}

/// An OAuth client: metadata plus the hashes of its secret (and of the previous one during a grace period).
struct ClientRecord: Sendable, Hashable {
    var metadata: OAuthClientMetadata
    var secretHash: String
    var previousSecretHash: String?
}

/// A JWT signing key. The private key (PEM) never leaves the token service.
struct SigningKeyRecord: Sendable, Hashable {
    var kid: String
    var algorithm: String
    var privateKeyPEM: String
    var createdAt: Date
    var retiredAt: Date?
}
