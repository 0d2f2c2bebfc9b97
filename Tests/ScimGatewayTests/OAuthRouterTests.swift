import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// `POST /oauth/v2/{tenant}/token` (client-credentials grant, RFC 6749 §4.4) and `GET /oauth/v2/{tenant}/jwks.json`
/// on the fake token service, which accepts `FakeTokenClient.clientID`/`clientSecret` of tenant "acme" only.
@Suite("SCIM gateway: OAuth token endpoint and JWKS", .timeLimit(.minutes(1)))
struct OAuthRouterTests {
    static let tokenURI = "/oauth/v2/acme/token"
    static let form = "application/x-www-form-urlencoded"

    /// `Authorization: Basic base64(id:secret)` (RFC 6749 §2.3.1).
    static func basic(_ id: String = FakeTokenClient.clientID, _ secret: String = FakeTokenClient.clientSecret) -> String {
        "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
    }

    /// A token request: the form body as sent, with `Authorization` when given.
    static func token(
        _ client: any TestClientProtocol,
        _ body: String,
        authorization: String? = nil,
        contentType: String = form,
        uri: String = tokenURI
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let authorization { headers[.authorization] = authorization }
        return try await client.send(.post, uri, headers: headers, rawBody: body, contentType: contentType)
    }

    /// Checks an RFC 6749 §5.2 error answer: status, JSON with exactly `error` and `error_description`, not cacheable,
    /// and `WWW-Authenticate: Basic` only where asked.
    static func expectOAuthError(
        _ response: TestResponse,
        _ error: String,
        status: HTTPResponse.Status = .badRequest,
        basicChallenge: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json;charset=UTF-8", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("Pragma")!] == "no-cache", sourceLocation: sourceLocation)
        let body = try response.json
        #expect(body.objectValue.map { Set($0.keys) } == ["error", "error_description"], sourceLocation: sourceLocation)
        #expect(body["error"] == .string(error), sourceLocation: sourceLocation)
        #expect(body["error_description"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        if basicChallenge {
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic ") == true, sourceLocation: sourceLocation)
        } else {
            #expect(response.headers[.wwwAuthenticate] == nil, sourceLocation: sourceLocation)
        }
    }

    /// Checks a successful token answer (RFC 6749 §5.1) and returns the access token.
    static func expectAccessToken(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(response.status == .ok, "body: \(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("Pragma")!] == "no-cache", sourceLocation: sourceLocation)
        let body = try response.json
        #expect(body["token_type"] == "Bearer", sourceLocation: sourceLocation)
        #expect(body["expires_in"] == 3600, sourceLocation: sourceLocation)
        #expect(body["scope"] == "scim", sourceLocation: sourceLocation)
        return try #require(body["access_token"]?.stringValue, sourceLocation: sourceLocation)
    }

    // MARK: Granted

    @Test func basicClientAuthenticationGrantsATokenThatOpensTheIdPsSCIMURL() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await Self.token(client, "grant_type=client_credentials&scope=scim", authorization: Self.basic())
            let accessToken = try Self.expectAccessToken(response)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users/nope", bearer: accessToken).status == .notFound)
        }
    }

    @Test func formClientAuthenticationGrantsAToken() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let id = FakeTokenClient.clientID
            let secret = FakeTokenClient.clientSecret
            let response = try await Self.token(
                client,
                "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)",
                contentType: "application/x-www-form-urlencoded; charset=UTF-8"
            )
            _ = try Self.expectAccessToken(response)
        }
    }

    @Test func basicWithTheSameClientIDInTheBodyIsAccepted() async throws {
        try await Gateway().run { client in
            let response = try await Self.token(
                client,
                "grant_type=client_credentials&client_id=\(FakeTokenClient.clientID)",
                authorization: Self.basic()
            )
            _ = try Self.expectAccessToken(response)
        }
    }

    // MARK: RFC 6749 §5.2 errors

    @Test func aBodyThatIsNotFormDataIsInvalidRequest() async throws {
        try await Gateway().run { client in
            try Self.expectOAuthError(
                try await Self.token(client, #"{"grant_type": "client_credentials"}"#, authorization: Self.basic(), contentType: "application/json"),
                "invalid_request"
            )
            try Self.expectOAuthError(try await Self.token(client, "grant_type=%zz", authorization: Self.basic()), "invalid_request")
        }
    }

    @Test func aRepeatedParameterIsInvalidRequest() async throws {
        try await Gateway().run { client in
            let response = try await Self.token(client, "grant_type=client_credentials&scope=scim&scope=scim", authorization: Self.basic())
            try Self.expectOAuthError(response, "invalid_request")
            #expect(try response.json["error_description"]?.stringValue?.contains("scope") == true)
        }
    }

    @Test func aMissingGrantTypeIsInvalidRequestAndAnotherGrantIsUnsupported() async throws {
        try await Gateway().run { client in
            try Self.expectOAuthError(try await Self.token(client, "scope=scim", authorization: Self.basic()), "invalid_request")
            try Self.expectOAuthError(try await Self.token(client, "grant_type=", authorization: Self.basic()), "invalid_request")
            try Self.expectOAuthError(
                try await Self.token(client, "grant_type=password&username=a&password=b", authorization: Self.basic()),
                "unsupported_grant_type"
            )
        }
    }

    @Test func twoClientAuthenticationMethodsOrTwoClientIDsAreInvalidRequest() async throws {
        try await Gateway().run { client in
            let both = try await Self.token(
                client,
                "grant_type=client_credentials&client_secret=\(FakeTokenClient.clientSecret)",
                authorization: Self.basic()
            )
            try Self.expectOAuthError(both, "invalid_request")
            let otherID = try await Self.token(client, "grant_type=client_credentials&client_id=pvc_someone_else", authorization: Self.basic())
            try Self.expectOAuthError(otherID, "invalid_request")
        }
    }

    @Test(arguments: ["Basic", "Basic !!!not-base64", "Basic " + Data("no-colon".utf8).base64EncodedString()])
    func malformedBasicIsInvalidClientWithABasicChallenge(authorization: String) async throws {
        try await Gateway().run { client in
            let response = try await Self.token(client, "grant_type=client_credentials", authorization: authorization)
            try Self.expectOAuthError(response, "invalid_client", status: .unauthorized, basicChallenge: true)
        }
    }

    @Test func noClientAuthenticationIsInvalidClient() async throws {
        try await Gateway().run { client in
            try Self.expectOAuthError(
                try await Self.token(client, "grant_type=client_credentials"),
                "invalid_client",
                status: .unauthorized,
                basicChallenge: true
            )
            try Self.expectOAuthError(
                try await Self.token(client, "grant_type=client_credentials&client_id=\(FakeTokenClient.clientID)"),
                "invalid_client",
                status: .unauthorized,
                basicChallenge: true
            )
        }
    }

    @Test func aWrongSecretWithBasicIs401WithABasicChallenge() async throws {
        try await Gateway().run { client in
            let response = try await Self.token(client, "grant_type=client_credentials", authorization: Self.basic(FakeTokenClient.clientID, "wrong"))
            try Self.expectOAuthError(response, "invalid_client", status: .unauthorized, basicChallenge: true)
            #expect(response.headers[.wwwAuthenticate] == #"Basic realm="provisio", charset="UTF-8""#)
        }
    }

    @Test func aWrongSecretInTheBodyIs400WithoutAChallenge() async throws {
        try await Gateway().run { client in
            let response = try await Self.token(
                client,
                "grant_type=client_credentials&client_id=\(FakeTokenClient.clientID)&client_secret=wrong"
            )
            try Self.expectOAuthError(response, "invalid_client")
        }
    }

    @Test func theRightClientAtAnotherTenantIsInvalidClient() async throws {
        try await Gateway().run { client in
            let response = try await Self.token(client, "grant_type=client_credentials", authorization: Self.basic(), uri: "/oauth/v2/beta/token")
            try Self.expectOAuthError(response, "invalid_client", status: .unauthorized, basicChallenge: true)
        }
    }

    @Test func anUnknownScopeIsInvalidScope() async throws {
        try await Gateway().run { client in
            let response = try await Self.token(client, "grant_type=client_credentials&scope=admin", authorization: Self.basic())
            try Self.expectOAuthError(response, "invalid_scope")
            #expect(try response.json["error_description"] == "The only scope is 'scim'.")
        }
    }

    // MARK: JWKS

    @Test func jwksRelaysTheTokenServicesPublicKeysAndIsCacheable() async throws {
        try await Gateway().run { client in
            let response = try await client.request(.get, "/oauth/v2/acme/jwks.json")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "public, max-age=300")
            #expect(
                try response.json == [
                    "keys": [["kty": "EC", "crv": "P-256", "x": "x", "y": "y", "kid": "k-fake", "use": "sig", "alg": "ES256"]]
                ]
            )
            // Service-wide: every tenant's URL serves the same set.
            #expect(try await client.request(.get, "/oauth/v2/beta/jwks.json").json == response.json)
        }
    }
}
