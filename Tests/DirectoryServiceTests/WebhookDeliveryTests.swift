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

@Suite("Directory: webhook delivery to a real receiver", .timeLimit(.minutes(2)))
struct WebhookDeliveryTests {
    @Test func deliversEveryEventInOrderSignedWithTheStoredBody() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, secret) = try await client.createWebhook(url: base + "/hook")
                let ids = try await outbox.append(tenant: "acme", count: 120)
                try await eventually { receiver.received.count >= 120 }
                #expect(receiver.receivedIDs == ids)
                let now = Int64(Date().timeIntervalSince1970)
                for (index, request) in receiver.received.enumerated() {
                    #expect(request.isSigned(by: secret))
                    #expect(request.signature.split(separator: " ").count == 1)
                    #expect(request.contentType == "application/json")
                    #expect(abs((Int64(request.timestamp) ?? 0) - now) < 120)
                    #expect(request.body.contains(#""sequence":"\#(index + 1)""#))
                }
                // The cursor is written back (batched, at least once a second after the last event).
                try await eventually { try await client.webhook(id)["delivery"]?["deliveredThrough"] == "120" }
                let log = try await client.deliveries(id)
                // Sampled: at most a few successes per cursor save (once a second), so fewer rows than events even on a
                // loaded machine where the 120 deliveries span several saves.
                #expect(!log.isEmpty && log.count < 120, "successes are sampled into the log, not one row each")
                #expect(log.first?["succeeded"] == true && log.first?["statusCode"] == 200)
            }
        }
    }

    @Test func anEndpointCreatedLaterStartsAfterTheNewestEvent() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                try await client.createTenant("acme")
                try await outbox.append(tenant: "acme", count: 3)
                _ = try await client.createWebhook(url: base + "/hook")
                let ids = try await outbox.append(tenant: "acme", count: 2)
                try await eventually { receiver.received.count >= 2 }
                try await Task.sleep(for: .milliseconds(200))
                #expect(receiver.receivedIDs == ids)
            }
        }
    }

    @Test func failuresAreRetriedWithTheSameWebhookIdAndOrderIsKept() async throws {
        let receiver = WebhookReceiver { index in index < 2 ? .init(status: .serviceUnavailable) : .init() }
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                let ids = try await outbox.append(tenant: "acme", count: 3)
                try await eventually { receiver.received.count >= 5 }
                #expect(receiver.receivedIDs == [ids[0], ids[0], ids[0], ids[1], ids[2]])
                let timestamps = receiver.received.map(\.id)
                #expect(timestamps.count == 5)
                let failures = try await client.deliveries(id).filter { $0["succeeded"] == false }
                #expect(failures.count == 2)
                #expect(failures.allSatisfy { $0["statusCode"] == 503 && $0["eventId"] == .string(ids[0]) })
                try await eventually { try await client.webhook(id)["delivery"]?["attemptCount"] == 0 }
            }
        }
    }

    @Test func retryAfterDecidesWhenTheNextAttemptComes() async throws {
        let receiver = WebhookReceiver { index in index == 0 ? .init(status: .tooManyRequests, headers: [.retryAfter: "1"]) : .init() }
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                _ = try await client.createWebhook(url: base + "/hook")
                try await outbox.append(tenant: "acme", count: 1)
                try await eventually { receiver.received.count >= 2 }
                let gap = receiver.received[1].at - receiver.received[0].at
                #expect(gap >= .milliseconds(950), "Retry-After: 1 instead of the schedule's 0.2 s (waited \(gap))")
                #expect(receiver.received[0].id == receiver.received[1].id)
            }
        }
    }

    @Test func goneDisablesTheEndpointAndTheActivityLogSaysSo() async throws {
        let receiver = WebhookReceiver { _ in .init(status: .gone) }
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                try await outbox.append(tenant: "acme", count: 2)
                try await eventually { try await client.webhook(id)["enabled"] == false }
                #expect(try await client.webhook(id)["disabledReason"]?.stringValue?.contains("410") == true)
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.received.count == 1, "nothing more goes to a disabled endpoint")
                let activity = try await client.call(.get, "/internal/v1/tenants/acme/activity").json.arrayValue ?? []
                #expect(activity.contains { $0["action"] == "webhook.disabled" && $0["resourceID"] == .string(id) })
                // The entry names the receiver by its origin: a path or query may hold the receiver's own secret.
                let detail = activity.first { $0["action"] == "webhook.disabled" }?["detail"]?.stringValue ?? ""
                #expect(detail.contains("http://127.0.0.1:") && !detail.contains("/hook"), "\(detail)")

                // Enabled again, it resumes with the event it stopped at.
                let enabled = try await client.call(.patch, "/internal/v1/tenants/acme/webhooks/\(id)", json: ["enabled": true])
                #expect(enabled.status == .ok)
                #expect(try enabled.json["enabled"] == true)
            }
        }
    }

    @Test func anEndpointFailingLongerThanTheDisablingPeriodIsDisabled() async throws {
        let receiver = WebhookReceiver { _ in .init(status: .internalServerError) }
        try await receiver.run { base in
            try await WebhookDirectory { $0.disableAfter = .seconds(2) }.run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                try await outbox.append(tenant: "acme", count: 1)
                try await eventually { try await client.webhook(id)["enabled"] == false }
                // Retried before it was disabled; how many times depends on the machine's pace (a loaded CI host
                // stretches the 0.2/0.2/0.4 s schedule, and the 2 s period is wall-clock time).
                #expect(receiver.received.count >= 2)
                #expect(Set(receiver.receivedIDs).count == 1)
                let reason = try await client.webhook(id)["disabledReason"]?.stringValue ?? ""
                #expect(reason.contains("failing since"))
                let activity = try await client.call(.get, "/internal/v1/tenants/acme/activity").json.arrayValue ?? []
                #expect(activity.contains { $0["action"] == "webhook.disabled" })
            }
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/redirect")
                try await outbox.append(tenant: "acme", count: 1)
                try await eventually { try await client.deliveries(id).count >= 2 }
                #expect(receiver.received.isEmpty, "the redirect's target never got the event")
                #expect(receiver.redirects >= 2)
                let first = try await client.deliveries(id).last
                #expect(first?["statusCode"] == 302)
                #expect(first?["error"]?.stringValue?.contains("redirect") == true)
            }
        }
    }

    @Test func aRotatedSecretSignsBesideTheNewOneDuringItsGracePeriod() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, old) = try await client.createWebhook(url: base + "/hook")
                let rotated = try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/rotate-secret")
                #expect(rotated.status == .ok)
                #expect(rotated.headers[.cacheControl] == "no-store")
                let newText = try #require(try rotated.json["secret"]?.stringValue)
                let new = try #require(WebhookSecret(text: newText))
                #expect(new != old)
                #expect(try rotated.json["previousSecretExpiresAt"]?.stringValue != nil)
                try await outbox.append(tenant: "acme", count: 1)
                try await eventually { receiver.received.count >= 1 }
                let request = receiver.received[0]
                let parts = request.signature.split(separator: " ").map(String.init)
                #expect(parts.count == 2)
                let timestamp = try #require(Int64(request.timestamp))
                #expect(parts[0] == WebhookSignature.sign(id: request.id, timestamp: timestamp, body: Array(request.body.utf8), secret: new))
                #expect(parts[1] == WebhookSignature.sign(id: request.id, timestamp: timestamp, body: Array(request.body.utf8), secret: old))
            }
        }
    }

    @Test func replayDeliversAgainFromACursorWithTheSameIds() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                let ids = try await outbox.append(tenant: "acme", count: 5)
                try await eventually { receiver.received.count >= 5 }
                try await eventually { try await client.webhook(id)["delivery"]?["deliveredThrough"] == "5" }
                let replay = try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/replay", json: ["after": "2"])
                #expect(replay.status == .accepted)
                try await eventually { receiver.received.count >= 8 }
                #expect(Array(receiver.receivedIDs.suffix(3)) == Array(ids.suffix(3)))

                for bad in ["-1", "abc", "", "99999999999999999999", "6"] as [JSONValue] {
                    try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/replay", json: ["after": bad]).expectScimError(
                        400,
                        scimType: "invalidValue"
                    )
                }
                // Retention removed events 1…3: a replay from before them would skip what is gone, so it is 410.
                try await outbox.storage.write { database in
                    try await database.raw("UPDATE change_event_sequences SET pruned_through = 3 WHERE tenant_id = 'acme'").run()
                }
                let gone = try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/replay", json: ["after": "2"])
                try gone.expectScimError(410)
                #expect(gone.detail?.contains("/api/v1/tenants/acme/users") == true)
                #expect(try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/replay", json: ["after": "3"]).status == .accepted)
            }
        }
    }

    @Test func filtersByTypeAndIdentityProvider() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                try await client.createTenant("acme")
                let created = try await client.call(
                    .post,
                    "/internal/v1/tenants/acme/webhooks",
                    json: ["url": .string(base + "/hook"), "types": ["user.deleted"], "idps": ["entra"]]
                )
                #expect(created.status == .created)
                try await outbox.append(tenant: "acme", count: 2, type: "user.created", idp: "entra")
                try await outbox.append(tenant: "acme", count: 2, type: "user.deleted", idp: "okta")
                let wanted = try await outbox.append(tenant: "acme", count: 1, type: "user.deleted", idp: "entra")
                try await eventually { receiver.received.count >= 1 }
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.receivedIDs == wanted)
            }
        }
    }

    @Test func theTestEventGoesThroughTheSignedPathAndIsLogged() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, _ in
                let (id, secret) = try await client.createWebhook(url: base + "/hook")
                let answer = try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/test")
                #expect(answer.status == .ok)
                #expect(try answer.json["delivered"] == true)
                #expect(try answer.json["statusCode"] == 200)
                let request = try #require(receiver.received.first)
                #expect(request.isSigned(by: secret))
                #expect(request.id == (try answer.json["eventId"]?.stringValue))
                #expect(request.body.contains(#""type":"webhook.test""#))
                let log = try await client.deliveries(id)
                #expect(log.first?["eventType"] == "webhook.test")
            }
        }
    }

    /// An endpoint where nothing listens fails the attempt at once, "connection refused", instead of holding the
    /// endpoint's one delivery in flight until the 10 s timeout (the retry schedule tries again).
    @Test func aRefusedConnectionFailsTheAttemptAtOnce() async throws {
        try await WebhookDirectory().run { client, _ in
            let (id, _) = try await client.createWebhook(url: "http://127.0.0.1:1/hook")
            let started = ContinuousClock.now
            let answer = try await client.call(.post, "/internal/v1/tenants/acme/webhooks/\(id)/test")
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(answer.status == .ok)
            #expect(try answer.json["delivered"] == false)
            let error = try #require(try answer.json["error"]?.stringValue)
            #expect(error.lowercased().contains("refused"), "\(error)")
        }
    }

    @Test func theDeliveryLogIsBoundedAndPagedNewestFirst() async throws {
        let receiver = WebhookReceiver { _ in .init(status: .badRequest) }
        try await receiver.run { base in
            try await WebhookDirectory {
                $0.deliveryLogSize = 6
                $0.schedule = RetrySchedule(delays: [0.02], maximumRetryAfter: 1)
            }.run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                try await outbox.append(tenant: "acme", count: 1)
                try await eventually { receiver.received.count >= 12 }
                let all = try await client.deliveries(id, query: "?limit=100")
                #expect(all.count <= 7)
                let page = try await client.call(.get, "/internal/v1/tenants/acme/webhooks/\(id)/deliveries?limit=2").json
                let first = page["data"]?.arrayValue ?? []
                #expect(first.count == 2)
                let next = try #require(page["next"]?.stringValue)
                let second = try await client.deliveries(id, query: "?limit=2&before=\(next)")
                #expect(second.count == 2)
                let ids = (first + second).compactMap { $0["id"]?.stringValue }.compactMap(Int.init)
                #expect(ids == ids.sorted(by: >) && Set(ids).count == 4)
                try await client.call(.get, "/internal/v1/tenants/acme/webhooks/\(id)/deliveries?before=x").expectScimError(
                    400,
                    scimType: "invalidValue"
                )
            }
        }
    }

    /// Two directory replicas on one PostgreSQL database share the work through their leases: one endpoint's events
    /// arrive once each and in order, whichever replica delivers them.
    @Test(.enabled(if: WebhookDirectory.postgresServer != nil))
    func twoReplicasDeliverEachEventOnceAndInOrder() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().runReplicas(2) { clients, outbox in
                try await clients[0].createTenant("acme")
                var endpoints: [String] = []
                for index in 0..<3 {
                    endpoints.append(try await clients[index % 2].createWebhook(url: base + "/hook?endpoint=\(index)").id)
                }
                var appended: [String] = []
                for _ in 0..<10 { appended += try await outbox.append(tenant: "acme", count: 100) }
                let ids = appended
                try await eventually(seconds: 60) { receiver.received.count >= 3 * ids.count }
                try await Task.sleep(for: .milliseconds(500))
                let received = receiver.received
                #expect(received.count == 3 * ids.count, "no event twice")
                for index in 0..<3 {
                    #expect(received.filter { $0.query == "endpoint=\(index)" }.map(\.id) == ids, "endpoint \(index): each event once, in order")
                }
                for id in endpoints {
                    try await eventually { try await clients[0].webhook(id)["delivery"]?["deliveredThrough"] == .string(String(ids.count)) }
                }
            }
        }
    }

    /// Throughput to one loopback endpoint (the issue's budget is ~200,000 events in 60 s in a release build; a debug
    /// build with the receiver in the same process is slower, so this holds it to a floor and prints the rate).
    @Test func oneEndpointReceivesTwentyThousandEventsAtThousandsPerSecond() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await WebhookDirectory().run { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                let total = 20_000
                for _ in 0..<(total / 2_000) { try await outbox.append(tenant: "acme", count: 2_000) }
                let started = ContinuousClock.now
                try await eventually(seconds: 90) { receiver.received.count >= total }
                let elapsed = ContinuousClock.now - started
                let rate = Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                print("webhook throughput: \(total) events in \(elapsed), \(Int(rate))/s")
                #expect(receiver.received.count == total)
                #expect(rate > 250, "\(Int(rate)) deliveries/s")
                try await eventually { try await client.webhook(id)["delivery"]?["deliveredThrough"] == .string(String(total)) }
            }
        }
    }

    /// An endpoint whose host resolves to a private address by the time of delivery (stored while it did not: here
    /// written straight into the table) is refused at delivery too: a failed attempt, nothing sent.
    @Test func theAddressIsCheckedAgainAtDelivery() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let directory = WebhookDirectory { $0.allowPrivateNetworks = false }
            let sealed = try directory.settings.secrets.seal(WebhookSecret.generate())
            try await directory.run { client, outbox in
                try await client.createTenant("acme")
                try await outbox.storage.write { database in
                    try await database.raw(
                        """
                        INSERT INTO webhook_endpoints (id, tenant_id, url, types, idps, enabled, secret, created_at, updated_at, delivered_through)
                        VALUES ('rebound', 'acme', \(bind: base + "/hook"), '[]', '[]', \(bind: true), \(bind: sealed),
                                '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 0)
                        """
                    ).run()
                }
                try await outbox.append(tenant: "acme", count: 1)
                try await eventually { try await !client.deliveries("rebound").isEmpty }
                let attempt = try #require(try await client.deliveries("rebound").first)
                #expect(attempt["succeeded"] == false)
                #expect(attempt["error"]?.stringValue?.contains("loopback") == true)
                #expect(receiver.received.isEmpty)
            }
        }
    }

    /// The delivery state is in the database: a directory stopped while a retry is pending resumes it when it starts
    /// again, with the same webhook-id, and goes on in order.
    @Test func aRestartedDirectoryResumesAPendingRetry() async throws {
        let receiver = WebhookReceiver { index in index == 0 ? .init(status: .serviceUnavailable, headers: [.retryAfter: "2"]) : .init() }
        let database = try WebhookDirectory.Database.make()
        defer { database.remove() }
        try await receiver.run { base in
            let ids = (1...3).map { "evt_acme_\($0)" }  // Outbox.append's ids
            try await WebhookDirectory().run(on: database) { client, outbox in
                let (id, _) = try await client.createWebhook(url: base + "/hook")
                #expect(try await outbox.append(tenant: "acme", count: 3) == ids)
                try await eventually { try await client.webhook(id)["delivery"]?["attemptCount"] == 1 }
                #expect(receiver.received.count == 1)
            }
            #expect(receiver.received.count == 1, "stopped before the retry was due")
            try await WebhookDirectory().run(on: database) { _, _ in
                try await eventually { receiver.received.count >= 4 }
            }
            #expect(receiver.receivedIDs == [ids[0]] + ids)
        }
    }
}
