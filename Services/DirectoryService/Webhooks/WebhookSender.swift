import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Webhooks

/// Sends one signed delivery (Standard Webhooks) and says how it went. Connections are kept alive per host;
/// redirects are not followed (a 3xx is a failure); the whole exchange is bounded by the timeout; at most 4 KB of a
/// response body is read.
struct WebhookSender: Sendable {
    static let responseBodyCap = 4_096

    let client: HTTPClient
    let timeout: Duration

    /// A client for deliveries: no redirects, keep-alive, no decompression. A refused connection fails the attempt
    /// at once (the retry schedule tries again), instead of being retried until the timeout: an endpoint that is down
    /// shows "connection refused" in its delivery log, not 10 s and "timed out".
    static func makeClient(timeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(Int64(timeout.seconds)), read: .seconds(Int64(timeout.seconds)))
        configuration.connectionPool.idleTimeout = .seconds(60)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    struct Outcome: Sendable {
        var statusCode: Int?
        var retryAfter: Double?
        var latencyMs: Int
        var error: String?
        var succeeded: Bool { error == nil }
        var gone: Bool { statusCode == 410 }
    }

    func send(url: String, id: String, body: [UInt8], secrets: [WebhookSecret]) async -> Outcome {
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Provisio-Webhooks/1")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: WebhookSignature.header(id: id, timestamp: timestamp, body: body, secrets: secrets))
        request.body = .bytes(ByteBuffer(bytes: body))
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).seconds * 1_000) }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout.seconds * 1_000)))
            var excerpt = ByteBuffer()
            for try await part in response.body {
                if excerpt.readableBytes < Self.responseBodyCap {
                    var part = part
                    if let slice = part.readSlice(length: min(part.readableBytes, Self.responseBodyCap - excerpt.readableBytes)) {
                        excerpt.writeImmutableBuffer(slice)
                    }
                } else {
                    break
                }
            }
            let code = Int(response.status.code)
            var outcome = Outcome(statusCode: code, retryAfter: nil, latencyMs: elapsed(), error: nil)
            if !(200..<300).contains(code) {
                outcome.retryAfter = RetrySchedule.retryAfterSeconds(response.headers.first(name: "retry-after"))
                let text = String(decoding: excerpt.readableBytesView.prefix(200), as: UTF8.self)
                outcome.error =
                    (300..<400).contains(code)
                    ? "HTTP \(code): redirects are not followed" : "HTTP \(code)" + (text.isEmpty ? "" : ": \(text)")
            }
            return outcome
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return Outcome(statusCode: nil, retryAfter: nil, latencyMs: elapsed(), error: "timed out after \(Int(timeout.seconds)) s")
        } catch {
            return Outcome(statusCode: nil, retryAfter: nil, latencyMs: elapsed(), error: "request failed: \(String(describing: error).prefix(200))")
        }
    }
}
