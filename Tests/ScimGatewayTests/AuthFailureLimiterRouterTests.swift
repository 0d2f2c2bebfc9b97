import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The failed-authentication limiter through the router (AuthFailureLimiter): a source that failed `limit` times
/// within the window gets 429 with `Retry-After`, except with a token that authenticated earlier; the block ends
/// with the window. `app.test(.router)` has no peer address, so every request comes from the same source. The
/// limiter's clock is the test's (`Gateway.limiterClock`): time passes only when the test advances it.
@Suite("SCIM gateway: failed-authentication limiter", .timeLimit(.minutes(1)))
struct AuthFailureLimiterRouterTests {
    static let users = "/scim/v2/acme/okta/Users"

    /// A gateway that blocks a source after three failures, for a minute.
    static func gateway() -> Gateway { Gateway(authFailureLimit: 3, authFailureWindow: .seconds(60)) }

    static func fail(_ client: any TestClientProtocol, times: Int) async throws {
        for _ in 0..<times {
            try await client.request(.get, users, bearer: "pvs_garbage").expectScimError(401)
        }
    }

    static func expectTooManyRequests(
        _ response: TestResponse,
        retryAfter: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try response.expectScimError(429, sourceLocation: sourceLocation)
        #expect(response.headers[.retryAfter] == retryAfter, sourceLocation: sourceLocation)
    }

    @Test func afterTheThresholdASourceGets429WithRetryAfterAndIsNotVerified() async throws {
        let gateway = Self.gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            try await Self.fail(client, times: 3)
            #expect(gateway.tokens.verifyCalls.count == 3)

            // Garbage, no token, and even a valid token this source never used successfully: 429, without asking the token service.
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "60")
            try Self.expectTooManyRequests(try await client.request(.get, Self.users), retryAfter: "60")
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: token), retryAfter: "60")
            #expect(gateway.tokens.verifyCalls.count == 3)

            // Retry-After counts down with the clock, rounding up.
            gateway.limiterClock.advance(by: .seconds(20))
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "40")
            gateway.limiterClock.advance(by: .milliseconds(39_500))
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "1")
        }
    }

    @Test func belowTheThresholdFailuresAre401() async throws {
        let gateway = Self.gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            try await Self.fail(client, times: 2)
            #expect(try await client.request(.get, "\(Self.users)/nope", bearer: token).status == .notFound)
            try await Self.fail(client, times: 1)
        }
    }

    @Test func aTokenThatAuthenticatedEarlierKeepsWorkingFromABlockedSource() async throws {
        let gateway = Self.gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.request(.get, "\(Self.users)/nope", bearer: token).status == .notFound)

            try await Self.fail(client, times: 3)
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "60")

            let created = try await client.request(.post, Self.users, bearer: token, json: ["userName": "bob@example.com"])
            #expect(created.status == .created)
            #expect(created.headers[.retryAfter] == nil)
            // Still blocked for everything else.
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_other"), retryAfter: "60")
        }
    }

    @Test func theBlockEndsWithTheWindowAndCountingStartsAgain() async throws {
        let gateway = Self.gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await Self.fail(client, times: 3)
            gateway.limiterClock.advance(by: .seconds(59))
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "1")

            gateway.limiterClock.advance(by: .seconds(1))
            // The window is over: failures are 401 again, and it takes the full count to block once more.
            try await Self.fail(client, times: 3)
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "60")
        }
    }

    @Test func failuresSpreadOverMoreThanAWindowDoNotBlock() async throws {
        let gateway = Self.gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await Self.fail(client, times: 2)
            gateway.limiterClock.advance(by: .seconds(61))
            try await Self.fail(client, times: 2)
            try await client.request(.get, Self.users, bearer: "pvs_garbage").expectScimError(401)
        }
    }

    @Test func failedClientAuthenticationsAtTheTokenEndpointCountAndAreRefusedWith429() async throws {
        let gateway = Self.gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let wrong = OAuthRouterTests.basic(FakeTokenClient.clientID, "wrong")
            for _ in 0..<3 {
                let response = try await OAuthRouterTests.token(client, "grant_type=client_credentials", authorization: wrong)
                try OAuthRouterTests.expectOAuthError(response, "invalid_client", status: .unauthorized, basicChallenge: true)
            }
            // Even the right secret is refused now, in the RFC 6749 shape, with Retry-After.
            let blocked = try await OAuthRouterTests.token(client, "grant_type=client_credentials", authorization: OAuthRouterTests.basic())
            try OAuthRouterTests.expectOAuthError(blocked, "invalid_request", status: .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "60")
            // The limiter is shared with the SCIM endpoints.
            try Self.expectTooManyRequests(try await client.request(.get, Self.users, bearer: "pvs_garbage"), retryAfter: "60")

            gateway.limiterClock.advance(by: .seconds(60))
            _ = try OAuthRouterTests.expectAccessToken(
                try await OAuthRouterTests.token(client, "grant_type=client_credentials", authorization: OAuthRouterTests.basic())
            )
        }
    }

    @Test func limitZeroTurnsTheLimiterOff() async throws {
        let gateway = Gateway(authFailureLimit: 0)
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await Self.fail(client, times: 30)
        }
    }
}
