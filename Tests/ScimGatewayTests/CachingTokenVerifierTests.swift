import Foundation
import InternalAPI
import Logging
import ServiceTestSupport
import Synchronization
import Testing

@testable import ScimGateway

@Suite("The gateway's cache of token verifications")
struct CachingTokenVerifierTests {
    /// A token issued for acme/okta and a verifier in front of the token service that issued it.
    private func issued(ttl: Duration) -> (FakeTokenClient, String, CachingTokenVerifier, TokenFingerprint) {
        let tokens = FakeTokenClient()
        let token = tokens.issue(tenantID: "acme", idpID: "okta")
        return (tokens, token, CachingTokenVerifier(tokens: tokens, ttl: ttl), TokenFingerprint(token))
    }

    @Test("An expired verification is renewed by one request while the others go on with it")
    func oneRenewalAtATime() async throws {
        let (tokens, token, verifier, key) = issued(ttl: .milliseconds(50))
        _ = try await verifier.verify(token, fingerprint: key, logger: .discarding)
        // Long enough that the reads below all happen while the renewal is under way, however slowly they run.
        tokens.state.withLock { $0.verifyDelay = .seconds(2) }
        try await Task.sleep(for: .milliseconds(100))

        let renewing = Task { try await verifier.verify(token, fingerprint: key, logger: .discarding) }
        try await waitUntil { tokens.verifyCalls.count == 2 }  // the renewal is under way
        for _ in 0..<20 {
            #expect(try await verifier.verify(token, fingerprint: key, logger: .discarding).tenantID == "acme")
        }
        #expect(tokens.verifyCalls.count == 2, "one renewal, whatever came meanwhile")
        _ = try await renewing.value
    }

    @Test("A token revoked while its verification was cached stops working once the renewal says so")
    func revokedAtRenewal() async throws {
        let (tokens, token, verifier, key) = issued(ttl: .milliseconds(20))
        _ = try await verifier.verify(token, fingerprint: key, logger: .discarding)
        try await tokens.revokeAll(tenantID: "acme", idpID: nil, logger: .discarding)
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: (any Error).self) { try await verifier.verify(token, fingerprint: key, logger: .discarding) }
        await #expect(throws: (any Error).self) { try await verifier.verify(token, fingerprint: key, logger: .discarding) }
        #expect(tokens.verifyCalls.count == 3, "a failed renewal is not remembered")
    }

    @Test("A token past its own expiry is never answered from the cache")
    func expiredTokenIsVerifiedAgain() async throws {
        let tokens = FakeTokenClient()
        let token = "pvs_expiring_secret"
        tokens.state.withLock {
            $0.tokens[token] = TokenVerification(tenantID: "acme", idpID: "okta", tokenID: "t1", expiresAt: Date().addingTimeInterval(1))
        }
        let verifier = CachingTokenVerifier(tokens: tokens, ttl: .seconds(3600))
        let key = TokenFingerprint(token)
        _ = try await verifier.verify(token, fingerprint: key, logger: .discarding)
        _ = try await verifier.verify(token, fingerprint: key, logger: .discarding)
        #expect(tokens.verifyCalls.count == 1)
        try await Task.sleep(for: .milliseconds(1_100))
        _ = try await verifier.verify(token, fingerprint: key, logger: .discarding)
        #expect(tokens.verifyCalls.count == 2)
    }

    @Test("A verification that started before an invalidation is not cached")
    func invalidationWinsOverAVerificationUnderWay() async throws {
        let (tokens, token, verifier, key) = issued(ttl: .seconds(3600))
        tokens.state.withLock { $0.verifyDelay = .milliseconds(200) }
        let early = Task { try await verifier.verify(token, fingerprint: key, logger: .discarding) }
        try await waitUntil { tokens.verifyCalls.count == 1 }  // the verification is under way
        let tokenID = try #require(tokens.state.withLock { $0.tokens[token]?.tokenID })
        verifier.invalidate(tokenID: tokenID)
        _ = try await early.value
        tokens.state.withLock { $0.verifyDelay = .zero }
        _ = try await verifier.verify(token, fingerprint: key, logger: .discarding)
        #expect(tokens.verifyCalls.count == 2)
    }
}
