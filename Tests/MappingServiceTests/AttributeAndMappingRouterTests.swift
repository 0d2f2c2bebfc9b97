import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import Logging
import NIOCore
import Persistence
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import MappingService

/// Runs `test` against a fresh mapping service whose directory is `directory`.
func withMappingService(
    directory: FakeDirectory,
    databaseURL: String = "sqlite::memory:",
    _ test: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let configuration = ServiceConfiguration(serviceName: "mapping", port: 0, internalKey: Fixture.internalKey, databaseURL: databaseURL)
    let app = try await buildApplication(configuration: configuration, logger: Fixture.logger, directory: directory)
    try await app.test(.router) { client in try await test(client) }
}

@Suite("Mapping service: identity attributes, mapping rules, re-apply jobs", .timeLimit(.minutes(1)))
struct AttributeAndMappingRouterTests {
    static let custom = "urn:ietf:params:scim:schemas:extension:custom:2.0:User"
    static let base = "/internal/v1/tenants/acme"

    static let oktaUser: JSONValue = [
        "schemas": [.string(ScimSchemaURN.user), .string(custom)],
        "userName": "kim@example.com", "active": true,
        "name": ["givenName": "Kim", "familyName": "Lee"],
        "emails": [["primary": true, "value": "kim@example.com", "type": "work"]],
        .init(stringLiteral: custom): ["costCenter": "42", "contractor": "True", "roles": ["a", "b"], "hired": "2024-02-01T00:00:00Z"],
    ]

    /// Adds the custom attributes of the Okta examples and maps them for `idp`.
    static func configureOkta(_ client: any TestClientProtocol, idp: String = "okta") async throws {
        try await client.register(idp: idp, providerType: "Okta")
        for (name, type, multi) in [
            ("Cost Center", "number", false), ("Contractor", "boolean", false), ("Roles", "string", true), ("Hired", "date", false),
        ] {
            let created = try await client.call(
                .post,
                "\(base)/attributes",
                json: ["name": .string(name), "type": .string(type), "multiValued": .bool(multi)]
            )
            #expect(created.status == .created, "\(created.text)")
        }
        for (name, attr) in [("Cost Center", "costCenter"), ("Contractor", "contractor"), ("Roles", "roles"), ("Hired", "hired")] {
            let set = try await client.call(
                .put,
                "\(base)/idps/\(idp)/mappings/\(name.replacingOccurrences(of: " ", with: "%20"))",
                json: ["scimPath": .string("\(custom):\(attr)")]
            )
            #expect(set.status == .ok, "\(set.text)")
        }
    }

    // MARK: Identity attributes

    @Test func customAttributesAreListedAfterTheBuiltInsAndDuplicatesAndBadTypesAreRefused() async throws {
        try await withMappingService(directory: FakeDirectory()) { client in
            let created = try await client.call(
                .post,
                "\(Self.base)/attributes",
                json: ["name": "Cost Center", "description": "Finance code", "type": "Number"]
            )
            #expect(created.status == .created)
            #expect(try created.json["type"] == "number")
            #expect(try created.json["builtIn"] == false)

            try await client.call(.post, "\(Self.base)/attributes", json: ["name": "cost center", "type": "string"]).expectScimError(
                409,
                scimType: "uniqueness"
            )
            try await client.call(.post, "\(Self.base)/attributes", json: ["name": "EMAIL", "type": "string"]).expectScimError(
                409,
                scimType: "uniqueness"
            )
            let badType = try await client.call(.post, "\(Self.base)/attributes", json: ["name": "Level", "type": "integer"])
            try badType.expectScimError(400, scimType: "invalidValue")
            #expect(badType.detail?.contains("integer") == true)
            try await client.call(.post, "\(Self.base)/attributes", json: ["name": "  ", "type": "string"]).expectScimError(
                400,
                scimType: "invalidValue"
            )

            let list = try await client.call(.get, "\(Self.base)/attributes")
            let names = try list.json.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == ["Status", "Email", "First Name", "Last Name", "Username", "Mobile", "Phone", "Cost Center"])
            // Another tenant does not see it.
            #expect(try await client.call(.get, "/internal/v1/tenants/other/attributes").json.arrayValue?.count == 7)
        }
    }

    @Test func builtInsCannotBeChangedOrDeletedAndAMappedAttributeCannotBeDeleted() async throws {
        let directory = FakeDirectory()
        try await withMappingService(directory: directory) { client in
            try await client.call(.delete, "\(Self.base)/attributes/Email").expectScimError(400, scimType: "mutability")
            try await client.call(.patch, "\(Self.base)/attributes/Status", json: ["mandatory": false]).expectScimError(400, scimType: "mutability")
            try await client.call(.delete, "\(Self.base)/attributes/Nope").expectScimError(404)

            try await Self.configureOkta(client)
            let refused = try await client.call(.delete, "\(Self.base)/attributes/Cost%20Center")
            try refused.expectScimError(409)
            #expect(refused.detail?.contains("okta") == true)
            #expect(refused.detail?.contains("\(Self.custom):costCenter") == true)

            #expect(try await client.call(.delete, "\(Self.base)/idps/okta/mappings/Cost%20Center").status == .noContent)
            #expect(try await client.call(.delete, "\(Self.base)/attributes/cost%20center").status == .noContent)
            let patched = try await client.call(.patch, "\(Self.base)/attributes/Roles", json: ["description": "App roles"])
            #expect(try patched.json["description"] == "App roles")
            // Every change is in the activity log, with its actor.
            let actions = directory.events.map(\.action)
            #expect(actions.filter { $0 == "attribute.created" }.count == 4)
            #expect(actions.contains("mapping.removed") && actions.contains("attribute.deleted") && actions.contains("attribute.updated"))
            #expect(directory.events.allSatisfy { $0.actor == "admin" })
        }
    }

    // MARK: Mapping rules

    @Test func mappingPathsAreValidatedAndTheViewsSplitMappedFromUnmapped() async throws {
        try await withMappingService(directory: FakeDirectory()) { client in
            try await client.register(idp: "entra", providerType: "Azure")
            _ = try await client.call(.post, "\(Self.base)/attributes", json: ["name": "Department", "type": "string"])
            var view = try await client.call(.get, "\(Self.base)/idps/entra/mappings/view").json
            #expect(view["customized"] == false)
            #expect(view["mapped"]?.arrayValue?.count == 7)
            #expect(view["unmapped"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Department"])

            let base = "\(Self.base)/idps/entra/mappings"
            try await client.call(.put, "\(base)/Department", json: ["scimPath": "emails[type eq"]).expectScimError(400, scimType: "invalidPath")
            try await client.call(.put, "\(base)/Department", json: ["scimPath": "name"]).expectScimError(400, scimType: "invalidPath")
            try await client.call(.put, "\(base)/Nope", json: ["scimPath": "title"]).expectScimError(404)
            try await client.call(.put, "/internal/v1/tenants/acme/idps/ghost/mappings/Department", json: ["scimPath": "title"]).expectScimError(404)

            let set = try await client.call(
                .put,
                "\(base)/Department",
                json: ["scimPath": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"]
            )
            #expect(set.status == .ok, "\(set.text)")
            view = try set.json
            #expect(view["customized"] == true)
            #expect(view["unmapped"]?.arrayValue?.isEmpty == true)
            // An Entra app extension URN, typed by the admin.
            #expect(
                try await client.call(.put, "\(base)/Mobile", json: ["scimPath": "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:mobile"])
                    .status == .ok
            )

            let mandatory = try await client.call(.delete, "\(base)/Email")
            try mandatory.expectScimError(400, scimType: "invalidValue")
            #expect(mandatory.detail?.contains("Email") == true)
            #expect(try await client.call(.delete, "\(base)/Phone").status == .noContent)
            try await client.call(.delete, "\(base)/Phone").expectScimError(404)
            view = try await client.call(.get, "\(base)/view").json
            #expect(view["unmapped"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Phone"])
        }
    }

    @Test func providerTypeChangeReseedsUntouchedDefaultsButKeepsCustomisedMappings() async throws {
        try await withMappingService(directory: FakeDirectory()) { client in
            try await client.register(idp: "a", providerType: "Okta")
            try await client.register(idp: "b", providerType: "Okta")
            #expect(try await client.mappings(idp: "a")["Email"] == "emails.value")
            _ = try await client.call(.put, "\(Self.base)/idps/b/mappings/Mobile", json: ["scimPath": "phoneNumbers[type eq \"cell\"].value"])

            try await client.register(idp: "a", providerType: "Azure")
            try await client.register(idp: "b", providerType: "Azure")
            #expect(try await client.mappings(idp: "a")["Email"] == "emails[type eq \"work\"].value")
            let b = try await client.call(.get, "\(Self.base)/idps/b/mappings/view").json
            #expect(b["providerType"] == "Azure")
            #expect(try await client.mappings(idp: "b")["Email"] == "emails.value")
            #expect(try await client.mappings(idp: "b")["Mobile"] == "phoneNumbers[type eq \"cell\"].value")
        }
    }

    // MARK: Validation at provisioning time (the rules as served, applied by the engine the gateway maps with)

    @Test func oktaCustomAttributesAreTypedAndTrueStringBecomesABoolean() async throws {
        try await withMappingService(directory: FakeDirectory()) { client in
            try await Self.configureOkta(client)
            let identity = try await client.map(idp: "okta", Self.oktaUser).get()
            #expect(identity["Cost Center"] == 42)
            #expect(identity["Contractor"] == true)
            #expect(identity["Roles"] == ["a", "b"])
            #expect(identity["Hired"]?.stringValue?.hasPrefix("2024-02-01T00:00:00") == true)
        }
    }

    @Test func typeMismatchAndMultiValuedViolationsAreInvalidValueNamingTheAttribute() async throws {
        try await withMappingService(directory: FakeDirectory()) { client in
            try await Self.configureOkta(client)
            var members = Self.oktaUser.objectValue ?? [:]
            members[Self.custom] = ["costCenter": "forty-two", "contractor": ["yes", "no"], "hired": "yesterday"]
            let refusal = try #require(try await client.map(idp: "okta", .object(members)).refusal)
            #expect(refusal.scimType == .invalidValue)
            let detail = refusal.detail
            #expect(detail.contains("Cost Center") && detail.contains("number"))
            #expect(detail.contains("Contractor") && detail.contains("single-valued"))
            #expect(detail.contains("Hired") && detail.contains("date"))
        }
    }

    // MARK: Re-apply jobs

    static func storedUser(_ id: String, email: String, costCenter: String?) -> StoredResource {
        var members = oktaUser.objectValue ?? [:]
        members["id"] = .string(id)
        members["emails"] = [["primary": true, "value": .string(email)]]
        members[custom] = costCenter.map { ["costCenter": .string($0)] } ?? nil
        return StoredResource(id: id, version: 1, resource: .object(members))
    }

    static func waitForJob(_ client: any TestClientProtocol, idp: String, id: String) async throws -> JSONValue {
        for _ in 0..<200 {
            let job = try await client.call(.get, "\(base)/idps/\(idp)/reapply/\(id)").json
            if job["state"] == "completed" || job["state"] == "failed" { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ScimError(status: 500, detail: "job \(id) did not finish")
    }

    @Test func reapplyJobRemapsEveryUserInBatchesAndCountsRefusals() async throws {
        var users = (1...250).map { Self.storedUser("u\($0)", email: "u\($0)@example.com", costCenter: String($0)) }
        users.append(Self.storedUser("bad", email: "bad@example.com", costCenter: "n/a"))
        let directory = FakeDirectory(users: users)
        try await withMappingService(directory: directory) { client in
            try await Self.configureOkta(client)
            let started = try await client.call(.post, "\(Self.base)/idps/okta/reapply", json: ["actor": "admin"])
            #expect(started.status == .accepted, "\(started.text)")
            let id = try #require(try started.json["id"]?.stringValue)
            let job = try await Self.waitForJob(client, idp: "okta", id: id)
            #expect(job["state"] == "completed")
            #expect(job["total"] == 251)
            #expect(job["done"] == 250)
            #expect(job["failed"] == 1)
            #expect(job["detail"]?.stringValue?.contains("bad") == true)
            #expect(directory.pagesServed == 3)  // batches of 100
            #expect(directory.identities["u7"]?["Cost Center"] == 7)
            #expect(directory.identities["bad"] == nil)
            // The completion event is forwarded (best effort) just after the job's final state is saved: wait for it.
            for _ in 0..<100 where !directory.events.map(\.action).contains("reapply.completed") {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(directory.events.map(\.action).contains("reapply.completed"))
            try await client.call(.get, "\(Self.base)/idps/okta/reapply/nope").expectScimError(404)
            try await client.call(.post, "\(Self.base)/idps/ghost/reapply", json: [:]).expectScimError(404)
        }
    }

    @Test func unfinishedJobIsResumedFromItsCursorAtStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = "sqlite://\(folder.path)/mapping.sqlite"
        let users = (1...150).map { Self.storedUser("u\($0)", email: "u\($0)@example.com", costCenter: String($0)) }

        // A first run configures the IdP, then "crashes" in the middle of a job: a running row with a cursor.
        try await withMappingService(directory: FakeDirectory(), databaseURL: url) { client in try await Self.configureOkta(client) }
        let storage = try await DatabaseLocation(databaseURL: url, dataDirectory: folder.path, fileName: "mapping.sqlite").open(
            logger: Fixture.logger
        )
        let store = SQLMappingStore(storage: storage)
        let now = Timestamp.now()
        let job = ReapplyJob(
            id: "job-1",
            tenantID: "acme",
            idpID: "okta",
            state: .pending,
            total: 150,
            done: 0,
            failed: 0,
            detail: nil,
            actor: "admin",
            createdAt: now,
            updatedAt: now
        )
        try await store.insertJob(
            job,
            event: MappingEvent(tenantID: "acme", idpID: "okta", actor: "admin", action: "reapply.started", subject: "job-1")
        )
        var running = ReapplyJobRecord(job: job, cursor: "100")
        running.job.state = .running
        running.job.done = 100
        try await store.updateJob(running)
        await storage.close()

        let directory = FakeDirectory(users: users)
        try await withMappingService(directory: directory, databaseURL: url) { client in
            let finished = try await Self.waitForJob(client, idp: "okta", id: "job-1")
            #expect(finished["state"] == "completed")
            #expect(finished["done"] == 150)
            #expect(directory.pagesServed == 1)
            #expect(directory.identities.count == 50)
            #expect(directory.identities["u101"]?["Cost Center"] == 101)
        }
    }

    /// Several mapping replicas on one database: one runner holds a job's lease, renews it, and another takes the job
    /// over only once the lease has run out.
    @Test func aJobLeasedByAnotherRunnerIsLeftAloneUntilItsLeaseRunsOut() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: Fixture.logger)
        _ = try await Migrator(MappingMigrations.all).migrate(storage, logger: Fixture.logger)
        let store = SQLMappingStore(storage: storage)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func at(_ seconds: TimeInterval) -> String { Timestamp.string(from: start.addingTimeInterval(seconds)) }
        let job = ReapplyJob(
            id: "job-1",
            tenantID: "acme",
            idpID: "okta",
            state: .pending,
            total: 0,
            done: 0,
            failed: 0,
            detail: nil,
            actor: "admin",
            createdAt: at(0),
            updatedAt: at(0)
        )
        try await store.insertJob(
            job,
            event: MappingEvent(tenantID: "acme", idpID: "okta", actor: "admin", action: "reapply.started", subject: "job-1")
        )

        #expect(try await store.claimJob(id: "job-1", owner: "a", until: at(60), now: at(0)))
        #expect(try await !store.claimJob(id: "job-1", owner: "b", until: at(70), now: at(10)))
        #expect(try await store.claimJob(id: "job-1", owner: "a", until: at(80), now: at(20)))  // renewal
        #expect(try await !store.claimJob(id: "job-1", owner: "b", until: at(130), now: at(70)))
        #expect(try await store.claimJob(id: "job-1", owner: "b", until: at(141), now: at(81)))  // a's lease ran out
        #expect(try await !store.claimJob(id: "job-1", owner: "a", until: at(150), now: at(90)))

        var finished = ReapplyJobRecord(job: job, cursor: nil)
        finished.job.state = .completed
        try await store.updateJob(finished)
        #expect(try await !store.claimJob(id: "job-1", owner: "b", until: at(200), now: at(100)))  // nothing left to run
        await storage.close()
    }

    /// A replica that stopped mid-job leaves a lease that runs out; another runner's periodic sweep takes the job over,
    /// and leaves alone a job whose lease is still live.
    @Test func aRunnersSweepTakesOverAJobWhoseLeaseRanOutAndNoOther() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: Fixture.logger)
        _ = try await Migrator(MappingMigrations.all).migrate(storage, logger: Fixture.logger)
        let store = SQLMappingStore(storage: storage)
        let directory = FakeDirectory(users: (1...3).map { Self.storedUser("u\($0)", email: "u\($0)@example.com", costCenter: nil) })
        let runner = ReapplyRunner(store: store, directory: directory, sweepInterval: .milliseconds(100), logger: Fixture.logger)
        let running = Task { try await runner.run() }
        try await Task.sleep(for: .milliseconds(300))  // past the sweep at start, which found nothing

        let now = Date()
        for (id, owner, leaseEnd) in [("abandoned", "stopped-replica", -1.0), ("held", "live-replica", 600.0)] {
            let job = ReapplyJob(
                id: id,
                tenantID: "acme",
                idpID: "okta",
                state: .running,
                total: 3,
                done: 0,
                failed: 0,
                detail: nil,
                actor: "admin",
                createdAt: Timestamp.string(from: now),
                updatedAt: Timestamp.string(from: now)
            )
            try await store.insertJob(
                job,
                event: MappingEvent(tenantID: "acme", idpID: "okta", actor: "admin", action: "reapply.started", subject: id)
            )
            #expect(
                try await store.claimJob(
                    id: id,
                    owner: owner,
                    until: Timestamp.string(from: now.addingTimeInterval(leaseEnd)),
                    now: Timestamp.string(from: now.addingTimeInterval(-120))
                )
            )
        }

        var abandoned: ReapplyJob?
        for _ in 0..<200 {
            abandoned = try await store.job(tenantID: "acme", idpID: "okta", id: "abandoned")?.job
            if abandoned?.isFinished == true { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(abandoned?.state == .completed)
        #expect(abandoned?.done == 3)
        #expect(directory.identities.count == 3)
        let held = try await store.job(tenantID: "acme", idpID: "okta", id: "held")?.job
        #expect(held?.state == .running)
        #expect(held?.done == 0)
        running.cancel()
        _ = await running.result
        await storage.close()
    }
}
