import Foundation
import NIOHTTP1
import Testing

/// Webhooks through the real executables, checked by an independent verifier (Python `standardwebhooks`).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct WebhookEndToEndTests {
    /// The gateway's base URL and the demo tenant, from the demo's SCIM base URL (`…/scim/v2/{tenant}/{idp}`).
    static func webhooksURL(_ demo: DemoFile) throws -> String {
        guard let range = demo.scimBaseURL.range(of: "/scim/v2/") else { throw StackError("unexpected SCIM base URL") }
        let tenant = demo.scimBaseURL[range.upperBound...].split(separator: "/").first.map(String.init) ?? ""
        return String(demo.scimBaseURL[..<range.lowerBound]) + "/api/v1/tenants/\(tenant)/webhooks"
    }

    static func register(_ demo: DemoFile, _ receiver: PythonWebhookReceiver, types: [String]? = nil) async throws -> (id: String, secret: String) {
        var body: [String: Any] = ["url": receiver.url]
        if let types { body["types"] = types }
        let created = try await HTTP.send(.POST, try webhooksURL(demo), bearer: demo.adminKey, json: body)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        let secret = try #require(created.json["secret"] as? String)
        try receiver.trust([secret])
        return (id, secret)
    }

    static func waitFor(_ timeout: Duration = .seconds(90), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    @Test func theTestEventArrivesSignedAndVerifiesWithStandardWebhooks() async throws {
        let receiver = try await PythonWebhookReceiver()
        defer { receiver.stop() }
        try await withStack { demo, _ in
            let (id, secret) = try await Self.register(demo, receiver)
            let test = try await HTTP.send(.POST, try Self.webhooksURL(demo) + "/\(id)/test", bearer: demo.adminKey)
            #expect(test.status == 200, "\(test.text)")
            #expect(test.json["delivered"] as? Bool == true, "\(test.text)")
            let record = try #require(receiver.records.first)
            #expect(record.verified)
            #expect(record.id == test.json["eventId"] as? String)
            #expect(record.type == "webhook.test")
            #expect(record.contentType == "application/json")

            // After a rotation both secrets sign, and the verifier accepts either.
            let rotated = try await HTTP.send(.POST, try Self.webhooksURL(demo) + "/\(id)/rotate-secret", bearer: demo.adminKey)
            let newSecret = try #require(rotated.json["secret"] as? String)
            try receiver.trust([newSecret])
            _ = try await HTTP.send(.POST, try Self.webhooksURL(demo) + "/\(id)/test", bearer: demo.adminKey)
            try receiver.trust([secret])
            _ = try await HTTP.send(.POST, try Self.webhooksURL(demo) + "/\(id)/test", bearer: demo.adminKey)
            let records = receiver.records
            #expect(records.count == 3)
            #expect(records.dropFirst().allSatisfy { $0.verified && $0.signatures == 2 })

            let log = try await HTTP.send(.GET, try Self.webhooksURL(demo) + "/\(id)/deliveries", bearer: demo.adminKey)
            #expect((log.json["data"] as? [[String: Any]])?.count == 3)
        }
    }

    // MARK: Needs the directory's writes to fill change_events (the events work of issue 21 §3)

    @Test func provisionedUsersArriveAsSignedEventsInOrder() async throws {
        let receiver = try await PythonWebhookReceiver()
        defer { receiver.stop() }
        try await withStack { demo, _ in
            _ = try await Self.register(demo, receiver, types: ["user.created"])
            for index in 0..<20 {
                let created = try await HTTP.scim(demo, .POST, "/Users", json: SupervisionEndToEndTests.user("hook\(index)@example.com"))
                #expect(created.status == 201)
            }
            try await Self.waitFor { receiver.records.count >= 20 }
            let records = receiver.records
            #expect(records.count == 20)
            #expect(records.allSatisfy { $0.verified && $0.type == "user.created" })
            let userNames = records.compactMap { record in
                (try? JSONSerialization.jsonObject(with: Data(record.body.utf8)) as? [String: Any])
                    .flatMap { ($0["data"] as? [String: Any])?["userName"] as? String }
            }
            #expect(userNames == (0..<20).map { "hook\($0)@example.com" })
        }
    }

    /// 300 events at 50 ms each take 15 s to deliver: the kill comes after the first 30, in the middle.
    @Test func aDirectoryKilledMidDeliveryLosesNoEvent() async throws {
        let receiver = try await PythonWebhookReceiver(delayMs: 50)
        defer { receiver.stop() }
        try await withStack { demo, stack in
            _ = try await Self.register(demo, receiver, types: ["user.created"])
            let count = 300
            for index in 0..<count {
                let created = try await SupervisionEndToEndTests.createEventually(demo, "kill\(index)@example.com")
                #expect(created.status == 201)
            }
            try await Self.waitFor { receiver.records.count >= 30 }
            let directory = try #require(stack.servicePID("DirectoryService"))
            try await ServiceProcess.killAndWait(directory)
            _ = try await stack.waitForRestart(of: "DirectoryService", replacing: directory)
            try await Self.waitFor(.seconds(180)) { Set(receiver.records.map(\.id)).count >= count }
            let records = receiver.records
            #expect(Set(records.map(\.id)).count == count, "every event arrived")
            #expect(records.allSatisfy { $0.verified })
            // Redeliveries after the kill carry the webhook-id of the first delivery: ids may repeat, but the ids seen
            // are exactly one per user, and their first arrivals are in the order the users were created.
            let userNames = records.compactMap { record in
                (try? JSONSerialization.jsonObject(with: Data(record.body.utf8)) as? [String: Any])
                    .flatMap { ($0["data"] as? [String: Any])?["userName"] as? String }
            }
            let firstArrivals = userNames.reduce(into: [String]()) { seen, name in if seen.last != name && !seen.contains(name) { seen.append(name) }
            }
            #expect(firstArrivals == (0..<count).map { "kill\($0)@example.com" })
        }
    }
}
