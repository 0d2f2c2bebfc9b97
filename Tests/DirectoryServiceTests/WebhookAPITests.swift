import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import SQLKit
import ScimCore
import ServiceTestSupport
import Testing
import Webhooks

@testable import DirectoryService

@Suite("Directory: the webhook API's validation and lifecycle", .timeLimit(.minutes(1)))
struct WebhookAPITests {
    private static let base = "/internal/v1/tenants/acme/webhooks"

    @Test func createListGetPatchDelete() async throws {
        try await WebhookDirectory().run { client, _ in
            try await client.createTenant("acme")
            let created = try await client.call(
                .post,
                Self.base,
                json: ["url": "https://hooks.example.com/in", "types": ["user.deleted", "user.created", "user.created"]]
            )
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "no-store")
            let id = try #require(try created.json["id"]?.stringValue)
            let secret = try #require(try created.json["secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            #expect(try created.json["types"] == ["user.created", "user.deleted"])
            #expect(try created.json["idps"] == [])
            #expect(try created.json["enabled"] == true)

            let listed = try await client.call(.get, Self.base)
            #expect(try listed.json["data"]?.arrayValue?.count == 1)
            #expect(try listed.json["next"] == .null, "a page always names its next cursor, null on the last (the published contract)")
            #expect(!listed.text.contains(String(secret.dropFirst(6))), "the secret is shown once")
            let fetched = try await client.call(.get, "\(Self.base)/\(id)")
            #expect(try fetched.json["url"] == "https://hooks.example.com/in")
            #expect(try fetched.json["secret"] == nil)

            let patched = try await client.call(
                .patch,
                "\(Self.base)/\(id)",
                json: ["url": "https://other.example.com/x", "types": [], "idps": ["okta"], "enabled": false]
            )
            #expect(patched.status == .ok)
            #expect(try patched.json["url"] == "https://other.example.com/x")
            #expect(try patched.json["types"] == [])
            #expect(try patched.json["idps"] == ["okta"])
            #expect(try patched.json["enabled"] == false)

            #expect(try await client.call(.delete, "\(Self.base)/\(id)").status == .noContent)
            try await client.call(.get, "\(Self.base)/\(id)").expectScimError(404)
            try await client.call(.delete, "\(Self.base)/\(id)").expectScimError(404)
            try await client.call(.get, "/internal/v1/tenants/nobody/webhooks").expectScimError(404)
            try await client.call(.post, "/internal/v1/tenants/nobody/webhooks", json: ["url": "https://hooks.example.com/"]).expectScimError(404)
        }
    }

    @Test(
        arguments: [
            (["url": "ftp://hooks.example.com/"], "invalidValue"), (["url": "https://user:pw@hooks.example.com/"], "invalidValue"),
            (["url": "not a url"], "invalidValue"), (["url": ""], "invalidValue"),
            (["url": .string("https://hooks.example.com/" + String(repeating: "a", count: 2_048))], "invalidValue"),
            (["url": "https://hooks.example.com/", "types": ["user.exploded"]], "invalidValue"),
            (["url": "https://hooks.example.com/", "types": .array(Array(repeating: "user.created", count: 100))], "tooMany"),
            (["url": "https://hooks.example.com/", "idps": [""]], "invalidValue"),
            (["url": "https://hooks.example.com/", "idps": .array((0..<51).map { .string("idp\($0)") })], "tooMany"),
            (["url": 42], "invalidSyntax"), ([:], "invalidSyntax"),
        ] as [(JSONValue, String)]
    )
    func invalidRequestsAreSCIM400s(body: JSONValue, scimType: String) async throws {
        try await WebhookDirectory().run { client, _ in
            try await client.createTenant("acme")
            let answer = try await client.call(.post, Self.base, json: body)
            try answer.expectScimError(400, scimType: scimType)
            #expect(try await client.call(.get, Self.base).json["data"] == [])
        }
    }

    @Test(
        arguments: [
            "http://127.0.0.1/hook", "http://localhost:8080/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data",
            "http://[::1]/", "http://[fd00::1]/", "http://[::ffff:192.168.0.1]/", "http://100.64.1.1/", "http://0.0.0.0/",
        ]
    )
    func privateAddressesAreRefusedUnlessAllowed(url: String) async throws {
        try await WebhookDirectory { $0.allowPrivateNetworks = false }.run { client, _ in
            try await client.createTenant("acme")
            let refused = try await client.call(.post, Self.base, json: ["url": .string(url)])
            try refused.expectScimError(400, scimType: "invalidValue")
            #expect(refused.text.contains("WEBHOOK_ALLOW_PRIVATE_NETWORKS"))
        }
        try await WebhookDirectory { $0.allowPrivateNetworks = true }.run { client, _ in
            try await client.createTenant("acme")
            #expect(try await client.call(.post, Self.base, json: ["url": .string(url)]).status == .created)
        }
    }

    @Test func aPatchToAPrivateAddressIsRefusedToo() async throws {
        try await WebhookDirectory { $0.allowPrivateNetworks = false }.run { client, _ in
            try await client.createTenant("acme")
            let created = try await client.call(.post, Self.base, json: ["url": "http://93.184.216.34/hook"])
            #expect(created.status == .created)
            let id = try #require(try created.json["id"]?.stringValue)
            try await client.call(.patch, "\(Self.base)/\(id)", json: ["url": "http://127.0.0.1/"]).expectScimError(400, scimType: "invalidValue")
            #expect(try await client.webhook(id)["url"] == "http://93.184.216.34/hook")
        }
    }

    @Test func aTenantHasABoundedNumberOfEndpoints() async throws {
        try await WebhookDirectory { $0.maximumEndpointsPerTenant = 3 }.run { client, _ in
            try await client.createTenant("acme")
            for _ in 0..<3 {
                #expect(try await client.call(.post, Self.base, json: ["url": "https://hooks.example.com/"]).status == .created)
            }
            try await client.call(.post, Self.base, json: ["url": "https://hooks.example.com/"]).expectScimError(400, scimType: "tooMany")
        }
    }

    @Test func anotherTenantsWebhookIsNotFound() async throws {
        try await WebhookDirectory().run { client, _ in
            let (id, _) = try await client.createWebhook(tenant: "acme", url: "https://hooks.example.com/")
            try await client.createTenant("beta")
            try await client.call(.get, "/internal/v1/tenants/beta/webhooks/\(id)").expectScimError(404)
            try await client.call(.delete, "/internal/v1/tenants/beta/webhooks/\(id)").expectScimError(404)
            try await client.call(.post, "/internal/v1/tenants/beta/webhooks/\(id)/rotate-secret").expectScimError(404)
            #expect(try await client.webhook(id, tenant: "acme")["id"] == .string(id))
        }
    }

    @Test func secretsAreStoredEncrypted() async throws {
        try await WebhookDirectory().run { client, outbox in
            let (_, secret) = try await client.createWebhook(url: "https://hooks.example.com/")
            let stored = try await outbox.storage.read { database in
                try await database.raw("SELECT secret FROM webhook_endpoints").all().map { try $0.decode(column: "secret", as: String.self) }
            }
            #expect(stored.count == 1)
            #expect(!stored[0].contains(String(secret.text.dropFirst(6))))
        }
    }
}
