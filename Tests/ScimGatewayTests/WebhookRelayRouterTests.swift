import Foundation
import HTTPTypes
import HummingbirdTesting
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

@Suite("Gateway: /api/v1/tenants/{tenant}/webhooks relayed to the real directory", .timeLimit(.minutes(1)))
struct WebhookRelayRouterTests {
    private static let base = "/api/v1/tenants/acme/webhooks"

    @Test func theWebhookLifecycleThroughTheGateway() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.application(.post, Self.base, json: ["url": "https://93.184.216.34/hook", "types": ["user.created"]])
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "no-store")
            #expect(created.headers[.contentType]?.hasPrefix("application/json") == true)
            let id = try #require(try created.json["id"]?.stringValue)
            #expect(try created.json["secret"]?.stringValue?.hasPrefix("whsec_") == true)

            let listed = try await client.application(.get, Self.base)
            #expect(listed.status == .ok)
            #expect(try listed.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
            #expect(try await client.application(.get, "\(Self.base)/\(id)").json["types"] == ["user.created"])

            let patched = try await client.application(.patch, "\(Self.base)/\(id)", json: ["enabled": false])
            #expect(patched.status == .ok)
            #expect(try patched.json["enabled"] == false)

            let rotated = try await client.application(.post, "\(Self.base)/\(id)/rotate-secret")
            #expect(rotated.status == .ok)
            #expect(rotated.headers[.cacheControl] == "no-store")
            #expect(try rotated.json["secret"] != created.json["secret"])

            let replayed = try await client.application(.post, "\(Self.base)/\(id)/replay", json: ["after": "0"])
            #expect(replayed.status == .accepted)
            #expect(try replayed.json["delivery"]?["deliveredThrough"] == "0")

            let deliveries = try await client.application(.get, "\(Self.base)/\(id)/deliveries?limit=5")
            #expect(deliveries.status == .ok)
            #expect(try deliveries.json["data"] == [])

            let deleted = try await client.application(.delete, "\(Self.base)/\(id)")
            #expect(deleted.status == .noContent)
            try await client.application(.get, "\(Self.base)/\(id)").expectScimError(404)
        }
    }

    @Test func refusalsAreTheDirectorysSCIMErrors() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.application(.post, Self.base, json: ["url": "gopher://x"]).expectScimError(400, scimType: "invalidValue")
            try await client.application(.post, Self.base, json: ["url": "https://93.184.216.34/", "types": ["nope"]]).expectScimError(
                400,
                scimType: "invalidValue"
            )
            let ssrf = try await client.application(.post, Self.base, json: ["url": "http://169.254.169.254/"])
            try ssrf.expectScimError(400, scimType: "invalidValue")
            try await client.application(.post, Self.base, rawBody: "{").expectScimError(400, scimType: "invalidSyntax")
            try await client.application(.get, "/api/v1/tenants/nobody/webhooks").expectScimError(404)
            try await client.application(.get, "\(Self.base)/missing").expectScimError(404)
            try await client.application(.post, "\(Self.base)/missing/replay", json: ["after": "1"]).expectScimError(404)
            let unauthenticated = try await client.request(.get, Self.base)
            try unauthenticated.expectScimError(401)
        }
    }
}

extension TestClientProtocol {
    /// A request to the application API with the root admin key (until tenant keys exist).
    func application(_ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil, rawBody: String? = nil) async throws -> TestResponse {
        try await request(method, uri, bearer: Fixture.adminKey, json: json, rawBody: rawBody, contentType: "application/json")
    }
}
