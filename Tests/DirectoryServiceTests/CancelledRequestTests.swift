import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
import Testing

/// Every service's error middleware (ServiceKit): a request whose task was cancelled is a quiet 503 with a SCIM body,
/// not the logged 500 of an unexpected error.
@Suite struct CancelledRequestTests {
    @Test func aCancelledRequestIsA503WithAScimBody() async throws {
        let router = ServiceApplication.makeRouter()
        router.get("cancelled") { _, _ -> String in throw CancellationError() }
        let app = Application(router: router, logger: .discarding)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/cancelled", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(body?["status"] as? String == "503")
            #expect(body?["schemas"] as? [String] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
        }
    }
}
