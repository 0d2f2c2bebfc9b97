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
}
