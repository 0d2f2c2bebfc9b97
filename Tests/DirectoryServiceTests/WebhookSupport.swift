import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Persistence
import SQLKit
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing
import Webhooks

@testable import DirectoryService

/// The directory as production builds it, on an SQLite file in a temporary directory, with a second connection to
/// the same file through which a test appends change events (as the directory's write paths do in production).
struct WebhookDirectory {
    var settings: WebhookSettings

    init(configure: (inout WebhookSettings) -> Void = { _ in }) {
        var settings = WebhookSettings(configuration: Fixture.configuration)
        settings.allowPrivateNetworks = true
        settings.pollInterval = .milliseconds(20)
        settings.schedule = RetrySchedule(delays: [0.2, 0.2, 0.4], maximumRetryAfter: 2)
        configure(&settings)
        self.settings = settings
    }

    /// The PostgreSQL server of the test script's PostgreSQL pass (Tests/Postgres/cluster.sh), if any.
    static var postgresServer: String? { ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Runs `test` against the directory: on a fresh SQLite file, or a fresh PostgreSQL database in the PostgreSQL pass.
    func run(on database: Database? = nil, _ test: @Sendable (any TestClientProtocol, Outbox) async throws -> Void) async throws {
        try await runReplicas(1, on: database) { clients, outbox in try await test(clients[0], outbox) }
    }

    /// Where a test's directory keeps its data: a SQLite file in a temporary folder, or a fresh PostgreSQL database in
    /// the PostgreSQL pass. A test that restarts the directory runs it twice on one.
    struct Database: Sendable {
        let folder: String
        let url: String?

        static func make() throws -> Database {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-webhooks-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return Database(folder: folder, url: postgresServer.map { "\($0)/provisio_webhooks_\(UUID().uuidString.prefix(8).lowercased())" })
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// `count` directory replicas on one database (more than one needs PostgreSQL: on SQLite one process delivers);
    /// a fresh database unless one is given.
    func runReplicas(
        _ count: Int,
        on given: Database? = nil,
        _ test: @Sendable ([any TestClientProtocol], Outbox) async throws -> Void
    ) async throws {
        let database = try given ?? Database.make()
        defer { if given == nil { database.remove() } }
        let directory = database.folder
        var configuration = Fixture.configuration
        configuration.databaseURL = database.url
        configuration.dataDirectory = directory
        let databaseURL = configuration.databaseURL
        try await withReplicas(count, configuration: configuration, clients: []) { clients in
            let storage = try await DatabaseLocation(databaseURL: databaseURL, dataDirectory: directory, fileName: "directory.sqlite")
                .open(logger: .discarding)
            try await storage.withRunning { storage in
                try await test(clients, Outbox(storage: storage))
            }
        }
    }

    private func withReplicas(
        _ count: Int,
        configuration: ServiceConfiguration,
        clients: [any TestClientProtocol],
        _ body: @Sendable ([any TestClientProtocol]) async throws -> Void
    ) async throws {
        guard clients.count < count else { return try await body(clients) }
        let app = try await buildApplication(configuration: configuration, webhooks: settings, logger: .discarding)
        try await app.test(.router) { client in
            _ = try await client.call(.get, "/readyz")
            try await withReplicas(count, configuration: configuration, clients: clients + [client], body)
        }
    }
}

/// Appends change events as the outbox holds them (migration 3).
struct Outbox: Sendable {
    let storage: any SQLStorage

    /// Appends `count` events of `type` to the tenant; returns their ids, in order.
    @discardableResult
    func append(tenant: String, count: Int, type: String = "user.created", idp: String? = "okta") async throws -> [String] {
        try await storage.write { database in
            let last =
                try await database.raw("SELECT MAX(sequence) AS s FROM change_events WHERE tenant_id = \(bind: tenant)").first()?
                .decode(column: "s", as: Int64?.self) ?? 0
            var ids: [String] = []
            for sequence in (last + 1)...(last + Int64(count)) {
                let id = "evt_\(tenant)_\(sequence)"
                let body = #"{"id":"\#(id)","type":"\#(type)","tenant":"\#(tenant)","sequence":"\#(sequence)","data":{"n":\#(sequence)}}"#
                try await database.raw(
                    """
                    INSERT INTO change_events (tenant_id, sequence, id, type, idp_id, occurred_at, body)
                    VALUES (\(bind: tenant), \(bind: sequence), \(bind: id), \(bind: type), \(bind: idp), \(bind: Timestamp.now()), \(bind: body))
                    """
                ).run()
                ids.append(id)
            }
            // The tenant's numbering moves with its events, as the directory's outbox moves it.
            try await database.raw(
                "UPDATE change_event_sequences SET last_sequence = \(bind: last + Int64(count)) WHERE tenant_id = \(bind: tenant)"
            ).run()
            return ids
        }
    }
}

extension TestClientProtocol {
    /// Creates a tenant and a webhook to `url`; returns the webhook's id and secret.
    func createWebhook(tenant: String = "acme", url: String, types: [String]? = nil) async throws -> (id: String, secret: WebhookSecret) {
        if try await call(.get, "/internal/v1/tenants/\(tenant)").status == .notFound { try await createTenant(tenant) }
        var json: [String: JSONValue] = ["url": .string(url)]
        if let types { json["types"] = .array(types.map(JSONValue.string)) }
        let created = try await call(.post, "/internal/v1/tenants/\(tenant)/webhooks", json: .object(json))
        #expect(created.status == .created, "\(created.text)")
        let id = try #require(try created.json["id"]?.stringValue)
        let secretText = try #require(try created.json["secret"]?.stringValue)
        let secret = try #require(WebhookSecret(text: secretText))
        return (id, secret)
    }

    func webhook(_ id: String, tenant: String = "acme") async throws -> JSONValue {
        try await call(.get, "/internal/v1/tenants/\(tenant)/webhooks/\(id)").json
    }

    func deliveries(_ id: String, tenant: String = "acme", query: String = "") async throws -> [JSONValue] {
        try await call(.get, "/internal/v1/tenants/\(tenant)/webhooks/\(id)/deliveries\(query)").json["data"]?.arrayValue ?? []
    }
}

extension WebhookReceiver.Received {
    /// Whether `signature` holds a `v1,` entry of `secret` over this request.
    func isSigned(by secret: WebhookSecret) -> Bool {
        guard let timestamp = Int64(timestamp) else { return false }
        let expected = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(body.utf8), secret: secret)
        return signature.split(separator: " ").contains { $0 == expected }
    }
}
