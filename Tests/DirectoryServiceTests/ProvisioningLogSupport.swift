import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import Persistence
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// The engines the provisioning log's tests run on: SQLite always, PostgreSQL in the test script's PostgreSQL pass.
enum LogEngine: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    static var available: [LogEngine] {
        let server = ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"] ?? ""
        return server.isEmpty ? [.sqlite] : [.sqlite, .postgres]
    }

    var description: String { rawValue }
}

/// The directory's router with the provisioning log's routes (as `buildApplication` registers them) on a fresh
/// database of `engine`, and the log's store on the same database (for retention and direct inserts).
func withLogDirectory(
    _ engine: LogEngine,
    _ test: @Sendable (any TestClientProtocol, ProvisioningLogStore) async throws -> Void
) async throws {
    switch engine {
    case .sqlite:
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        do {
            try await runLogDirectory(on: storage, test)
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()
    case .postgres:
        let server = try #require(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"])
        let url = server + "/provisio_plog_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresStorage(url: url, logger: .discarding).withRunning { storage in
            try await storage.prepare()
            try await runLogDirectory(on: storage, test)
        }
    }
}

private func runLogDirectory(
    on storage: some SQLStorage,
    _ test: @Sendable (any TestClientProtocol, ProvisioningLogStore) async throws -> Void
) async throws {
    try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
    let router = buildRouter(store: SQLDirectoryStore(storage: storage), engine: storage.engine, configuration: Fixture.configuration)
    let log = ProvisioningLogStore(storage: storage)
    ProvisioningLogController(store: log)
        .register(on: router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: Fixture.internalKey)))
    try await Application(router: router).test(.router) { client in try await test(client, log) }
}

/// Entries as a gateway would send them.
enum LogEntries {
    /// `2026-12-07T10:00:00.000Z` plus `second` seconds.
    static func time(_ second: Int) -> String {
        Timestamp.string(from: Date(timeIntervalSince1970: 1_796_637_600 + TimeInterval(second)))
    }

    static func entry(
        _ number: Int,
        tenant: String = "acme",
        idp: String = "okta",
        second: Int? = nil,
        operation: ProvisioningOperation = .create,
        status: ProvisioningStatus = .success,
        userName: String? = nil,
        detail: String? = nil
    ) -> ProvisioningLogEntry {
        ProvisioningLogEntry(
            id: "entry-\(tenant)-\(number)",
            time: time(second ?? number),
            requestID: "request-\(number)",
            tenantID: tenant,
            idpID: idp,
            method: operation == .update ? "PATCH" : "POST",
            path: "/scim/v2/\(tenant)/\(idp)/Users",
            operation: operation,
            resourceType: "User",
            resourceID: status == .failure ? nil : "user-\(number)",
            externalID: "ext-\(number)",
            displayName: userName ?? "user\(number)@example.com",
            status: status,
            httpStatus: status == .failure ? 400 : 201,
            scimType: status == .failure ? "invalidValue" : nil,
            detail: detail ?? (status == .failure ? "Attribute 'userName' is required." : nil),
            changedAttributes: status == .success ? ["userName", "active"] : [],
            requestBody: "{\"userName\":\"user\(number)@example.com\",\"password\":\"[redacted]\"}",
            responseBody: status == .failure ? "{\"status\":\"400\"}" : nil
        )
    }
}

extension TestClientProtocol {
    func record(_ entries: [ProvisioningLogEntry], reads: [ProvisioningReadCount] = []) async throws -> TestResponse {
        let body = String(decoding: JSONCoding.encode(ProvisioningLogBatch(entries: entries, reads: reads)), as: UTF8.self)
        return try await call(.post, "/internal/v1/provisioning-log", rawBody: body)
    }

    /// A tenant with the IdPs `okta` (Okta) and `entra` (Entra ID).
    func seedLogTenant(_ tenant: String = "acme") async throws {
        try await createTenant(tenant)
        try await createIdentityProvider(tenant: tenant, "okta", providerType: "Okta")
        try await createIdentityProvider(tenant: tenant, "entra", providerType: "Azure")
    }

    func logPage(_ tenant: String = "acme", _ query: String = "") async throws -> (ids: [String], next: String?, body: JSONValue) {
        let response = try await call(.get, "/internal/v1/tenants/\(tenant)/provisioning-log" + (query.isEmpty ? "" : "?" + query))
        #expect(response.status == .ok, "\(query): \(response.text)")
        let body = try response.json
        let ids = body["entries"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        return (ids, body["next"]?.stringValue, body)
    }
}
