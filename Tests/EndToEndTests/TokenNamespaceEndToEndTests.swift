import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// Credentials through the real stack: every SCIM route refuses another namespace's token exactly like garbage,
/// the OAuth client-credentials grant works end to end with its RFC 6749 errors, and no secret reaches a log.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct TokenNamespaceEndToEndTests {
    /// Every SCIM route of the gateway with every method it serves.
    static let routes: [(HTTPMethod, String)] = [
        (.GET, "/Users"), (.POST, "/Users"), (.GET, "/Users/x"), (.PUT, "/Users/x"), (.PATCH, "/Users/x"), (.DELETE, "/Users/x"),
        (.POST, "/Users/.search"),
        (.GET, "/Groups"), (.POST, "/Groups"), (.GET, "/Groups/x"), (.PUT, "/Groups/x"), (.PATCH, "/Groups/x"), (.DELETE, "/Groups/x"),
        (.POST, "/Groups/.search"),
        (.POST, "/Bulk"), (.POST, "/.search"),
        (.GET, "/ServiceProviderConfig"), (.GET, "/Schemas"), (.GET, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"),
        (.GET, "/ResourceTypes"), (.GET, "/ResourceTypes/User"),
    ]

    @Test func everyScimRouteRefusesOtherNamespacesTokensLikeGarbageAndOAuthWorks() async throws {
        // The walk fails ~90 authentications from one address: the limiter allows 150 here, then must answer 429.
        try await withStack(environment: ["AUTH_FAILURE_LIMIT": "150", "AUTH_FAILURE_WINDOW": "600"]) { demo, stack in
            let base = String(demo.scimBaseURL.dropLast("/scim/v2/demo/default".count))
            func admin(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> HTTP.Answer {
                try await HTTP.send(method, demo.adminURL + path, bearer: demo.adminKey, json: body)
            }
            #expect(try await admin(.POST, "/tenants/demo/idps", ["id": "second", "name": "Second"]).status == 201)
            #expect(try await admin(.POST, "/tenants", ["id": "other", "name": "Other"]).status == 201)
            #expect(try await admin(.POST, "/tenants/other/idps", ["id": "default", "name": "Default"]).status == 201)
            let secondToken = try #require(try await admin(.POST, "/tenants/demo/idps/second/tokens", ["validDays": 30]).json["token"] as? String)
            let otherToken = try #require(try await admin(.POST, "/tenants/other/idps/default/tokens", ["noExpiry": true]).json["token"] as? String)

            // OAuth: a client of the other tenant, a JWT for it.
            let client = try await admin(.POST, "/tenants/other/idps/default/clients")
            #expect(client.status == 201, "\(client.text)")
            let clientID = try #require(client.json["clientID"] as? String)
            let clientSecret = try #require(client.json["clientSecret"] as? String)
            #expect(client.json["tokenURL"] as? String == base + "/oauth/v2/other/token")
            let tokenURL = base + "/oauth/v2/other/token"
            let basic = "Basic " + Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
            let granted = try await form(tokenURL, "grant_type=client_credentials", authorization: basic)
            #expect(granted.status == 200, "\(granted.text)")
            #expect(granted.headers.first(name: "Cache-Control") == "no-store")
            let jwt = try #require(granted.json["access_token"] as? String)
            let viaBody = try await form(tokenURL, "grant_type=client_credentials&client_id=\(clientID)&client_secret=\(clientSecret)&scope=scim")
            #expect(viaBody.status == 200, "\(viaBody.text)")
            let otherBase = base + "/scim/v2/other/default"
            #expect(try await HTTP.send(.GET, otherBase + "/Users", bearer: jwt).status == 200)
            let jwks = try await HTTP.send(.GET, base + "/oauth/v2/other/jwks.json")
            #expect(((jwks.json["keys"] as? [[String: Any]])?.first?["kty"] as? String) == "EC")
            #expect(!jwks.text.contains("\"d\""))

            // RFC 6749 §5.2 errors.
            let wrongBasic = try await form(
                tokenURL,
                "grant_type=client_credentials",
                authorization: "Basic " + Data("\(clientID):nope".utf8).base64EncodedString()
            )
            #expect(wrongBasic.status == 401)
            #expect(wrongBasic.json["error"] as? String == "invalid_client")
            #expect(wrongBasic.headers.first(name: "WWW-Authenticate")?.hasPrefix("Basic") == true)
            let wrongBody = try await form(tokenURL, "grant_type=client_credentials&client_id=\(clientID)&client_secret=nope")
            #expect(wrongBody.json["error"] as? String == "invalid_client")
            #expect(try await form(tokenURL, "grant_type=password", authorization: basic).json["error"] as? String == "unsupported_grant_type")
            #expect(try await form(tokenURL, "", authorization: basic).json["error"] as? String == "invalid_request")
            #expect(
                try await form(tokenURL, "grant_type=client_credentials&grant_type=client_credentials", authorization: basic).json["error"] as? String
                    == "invalid_request"
            )
            #expect(
                try await form(tokenURL, "grant_type=client_credentials&client_secret=\(clientSecret)", authorization: basic).json["error"] as? String
                    == "invalid_request"
            )
            #expect(
                try await form(tokenURL, "grant_type=client_credentials&scope=admin", authorization: basic).json["error"] as? String
                    == "invalid_scope"
            )
            #expect(
                try await form(base + "/oauth/v2/demo/token", "grant_type=client_credentials", authorization: basic).json["error"] as? String
                    == "invalid_client"
            )

            // The route walk: every foreign credential gets the garbage answer at every route of the demo IdP.
            let garbageToken = "pvs_aaaaaaaaaa_" + String(repeating: "x", count: 43)
            for (method, path) in Self.routes {
                let body: [String: Any]? = method == .POST || method == .PUT || method == .PATCH ? ["schemas": []] : nil
                let garbage = try await HTTP.send(method, demo.scimBaseURL + path, bearer: garbageToken, json: body)
                #expect(garbage.status == 401, "\(method) \(path)")
                for token in [secondToken, otherToken, jwt] {
                    let answer = try await HTTP.send(method, demo.scimBaseURL + path, bearer: token, json: body)
                    #expect(answer.status == 401, "\(method) \(path)")
                    #expect(answer.headers.first(name: "Content-Type") == "application/scim+json", "\(method) \(path)")
                    #expect(answer.headers.first(name: "WWW-Authenticate") != nil, "\(method) \(path)")
                    #expect(answer.body == garbage.body, "\(method) \(path): \(answer.text)")
                }
            }
            // A non-existent tenant or IdP answers the same.
            for url in [base + "/scim/v2/nope/default/Users", base + "/scim/v2/demo/nope/Users"] {
                let answer = try await HTTP.send(.GET, url, bearer: demo.token)
                #expect(answer.status == 401)
                #expect(answer.json["detail"] as? String == "The bearer token is not valid.")
            }
            // The demo token still works, and keeps working once this address is blocked; garbage gets 429.
            #expect(try await HTTP.scim(demo, .GET, "/Users").status == 200)
            var blocked: HTTP.Answer?
            for _ in 0..<200 {
                let answer = try await HTTP.send(.GET, demo.scimBaseURL + "/Users", bearer: garbageToken)
                if answer.status == 429 {
                    blocked = answer
                    break
                }
            }
            let refusal = try #require(blocked, "no 429 after repeated failures")
            #expect(Int(refusal.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
            #expect(refusal.json["status"] as? String == "429")
            #expect(try await HTTP.scim(demo, .GET, "/Users").status == 200)

            // Logs: no client secret, no JWT, no bearer token.
            _ = try await stack.stop()
            let logs = try FileManager.default.contentsOfDirectory(
                at: stack.dataDirectory.appendingPathComponent("logs"),
                includingPropertiesForKeys: nil
            )
            .map { try String(contentsOf: $0, encoding: .utf8) }.joined()
            #expect(!logs.isEmpty)
            for secret in [clientSecret, jwt, secondToken, otherToken, demo.token, demo.adminKey] {
                #expect(!logs.contains(secret))
            }
        }
    }

    private func form(_ url: String, _ body: String, authorization: String? = nil) async throws -> HTTP.Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return HTTP.Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
    }
}
