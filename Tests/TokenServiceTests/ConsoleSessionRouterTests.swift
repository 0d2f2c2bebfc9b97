import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import TokenService

/// The admin console's sessions (`/internal/v1/console-sessions`): created, read (with the idle and absolute
/// timeouts), deleted, and ended when a tenant key is revoked.
@Suite("Token service: console sessions through the router, SQL store on in-memory SQLite", .timeLimit(.minutes(1)))
struct ConsoleSessionRouterTests {
    static let sessions = "/internal/v1/console-sessions"
    static let hash = String(repeating: "ab", count: 32)

    static func create(
        _ client: any TestClientProtocol,
        hash: String = hash,
        principal: JSONValue = [:],
        idle: Int = 1800,
        absolute: Int = 43_200
    ) async throws -> TestResponse {
        try await client.call(
            .post,
            sessions,
            json: [
                "idHash": .string(hash), "principal": principal, "idleSeconds": .number(Double(idle)), "absoluteSeconds": .number(Double(absolute)),
            ]
        )
    }

    static func read(_ client: any TestClientProtocol, hash: String = hash) async throws -> TestResponse {
        try await client.call(.post, "\(sessions)/\(hash)/read")
    }

    @Test func aRootSessionIsCreatedReadAndDeleted() async throws {
        try await withTokenService { client in
            let created = try await Self.create(client)
            #expect(created.status == .created, "\(created.text)")
            let read = try await Self.read(client)
            #expect(read.status == .ok)
            #expect(try read.json["principal"]?["apiKeyID"]?.stringValue == nil)
            #expect(try await client.call(.delete, "\(Self.sessions)/\(Self.hash)").status == .noContent)
            #expect(try await Self.read(client).status == .notFound)
        }
    }

    @Test func theIdleTimeoutEndsASessionThatActivityKeepsAlive() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            _ = try await Self.create(client, idle: 600, absolute: 3600)
            clock.advance(by: 500)
            #expect(try await Self.read(client).status == .ok)  // noted: the idle time starts again
            clock.advance(by: 500)
            #expect(try await Self.read(client).status == .ok)
            clock.advance(by: 601)
            #expect(try await Self.read(client).status == .notFound)
            #expect(try await Self.read(client).status == .notFound)  // deleted
        }
    }

    @Test func theAbsoluteTimeoutEndsEvenAnActiveSession() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            _ = try await Self.create(client, idle: 600, absolute: 1000)
            for _ in 0..<3 {
                clock.advance(by: 300)
                #expect(try await Self.read(client).status == .ok)
            }
            clock.advance(by: 200)
            #expect(try await Self.read(client).status == .notFound)
        }
    }

    @Test func aTenantKeysSessionEndsWhenTheKeyIsRevoked() async throws {
        try await withTokenService { client in
            let created = try await client.call(.post, "/internal/v1/tenants/acme/api-keys", json: ["name": "ops", "role": "viewer"])
            let keyID = try #require(try created.json["metadata"]?["id"]?.stringValue)
            let principal: JSONValue = ["tenantID": "acme", "apiKeyID": .string(keyID), "role": "viewer"]
            #expect(
                try await Self.create(client, principal: ["tenantID": "acme", "apiKeyID": .string(keyID), "role": "admin"]).status == .unauthorized
            )
            #expect(try await Self.create(client, principal: principal).status == .created)
            #expect(try await Self.read(client).status == .ok)
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/api-keys/\(keyID)").status == .noContent)
            #expect(try await Self.read(client).status == .notFound)
        }
    }

    @Test func malformedRequestsAre400() async throws {
        try await withTokenService { client in
            let badHash = try await Self.create(client, hash: "not-a-hash")
            #expect(badHash.status == .badRequest)
            let shortIdle = try await Self.create(client, idle: 5)
            #expect(shortIdle.status == .badRequest)
            let longAbsolute = try await Self.create(client, absolute: 10_000_000)
            #expect(longAbsolute.status == .badRequest)
            let shortRead = try await Self.read(client, hash: "short")
            #expect(shortRead.status == .notFound)
        }
    }
}
