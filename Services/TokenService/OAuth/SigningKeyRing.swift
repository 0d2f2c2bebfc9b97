import Crypto
import Foundation
import InternalAPI
import JWTKit
import Logging
import ServiceKit
import Synchronization

/// The ES256 keys that sign access tokens, loaded from the store and kept in memory for a short time (so a
/// rotation on one token-service replica reaches the others within `refreshInterval`). The private keys stay
/// in this process and its database; only public parameters leave it (JWKS).
final class SigningKeyRing<Store: TokenStore>: Sendable {
    struct Loaded: Sendable {
        var keys: JWTKeyCollection
        var activeKid: String
        var published: [PublicJWK]
        var records: [SigningKeyRecord]
        var loadedAt: ContinuousClock.Instant
    }

    static var algorithm: String { "ES256" }
    private let store: Store
    private let clock: any TokenClock
    /// How long a retired key still verifies (and is published): the longest an access token it signed lives.
    private let retiredKeyLifetime: TimeInterval
    private let refreshInterval: Duration
    private let cache = Mutex<Loaded?>(nil)

    init(store: Store, clock: any TokenClock, retiredKeyLifetime: TimeInterval, refreshInterval: Duration = .seconds(30)) {
        self.store = store
        self.clock = clock
        self.retiredKeyLifetime = retiredKeyLifetime
        self.refreshInterval = refreshInterval
    }

    /// The keys, with an active one: creates the first key when the store has none.
    func current() async throws -> Loaded {
        if let loaded = cache.withLock({ $0 }), ContinuousClock.now < loaded.loadedAt.advanced(by: refreshInterval) { return loaded }
        var records = try await store.signingKeys(retiredAfter: clock.now().addingTimeInterval(-retiredKeyLifetime))
        if !records.contains(where: { $0.retiredAt == nil }) {
            try await rotate(actor: nil)
            records = try await store.signingKeys(retiredAfter: clock.now().addingTimeInterval(-retiredKeyLifetime))
        }
        let loaded = try await Self.load(records)
        cache.withLock { $0 = loaded }
        return loaded
    }

    /// Makes a new key the signing key; the previous one keeps verifying until its tokens have expired.
    /// `actor` nil is the automatic first key, which records no event.
    @discardableResult
    func rotate(actor: String?) async throws -> SigningKeyRecord {
        let now = clock.now()
        let key = ES256PrivateKey()
        let kid = "k-" + String(hexString(SHA256.hash(data: Data(key.publicKey.pemRepresentation.utf8))).prefix(16))
        let record = SigningKeyRecord(kid: kid, algorithm: Self.algorithm, privateKeyPEM: key.pemRepresentation, createdAt: now, retiredAt: nil)
        let event = actor.map {
            TokenEvent(tenantID: "*", idpID: "*", subjectID: kid, action: "signing-key.rotated", actor: $0, occurredAt: now, detail: "kid=\(kid)")
        }
        try await store.rotateSigningKey(to: record, at: now, purgeBefore: now.addingTimeInterval(-retiredKeyLifetime), event: event)
        cache.withLock { $0 = nil }
        return record
    }

    func metadata() async throws -> [SigningKeyMetadata] {
        try await current().records.map {
            SigningKeyMetadata(kid: $0.kid, algorithm: $0.algorithm, createdAt: $0.createdAt, retiredAt: $0.retiredAt, active: $0.retiredAt == nil)
        }
    }

    private static func load(_ records: [SigningKeyRecord]) async throws -> Loaded {
        let keys = JWTKeyCollection()
        var published: [PublicJWK] = []
        for record in records {
            let key = try ES256PrivateKey(pem: record.privateKeyPEM)
            await keys.add(ecdsa: key, kid: JWKIdentifier(string: record.kid))
            if let parameters = key.parameters {
                published.append(PublicJWK(x: parameters.x, y: parameters.y, kid: record.kid))
            }
        }
        guard let active = records.first(where: { $0.retiredAt == nil }) else {
            throw SigningKeyError.noActiveKey
        }
        return Loaded(keys: keys, activeKid: active.kid, published: published, records: records, loadedAt: .now)
    }
}

enum SigningKeyError: Error {
    case noActiveKey
}
