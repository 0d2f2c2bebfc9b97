import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import ScimCore
import ServiceClients
import ServiceKit

/// `/api/v1/tenants/{tenant}/webhooks…` (README "Webhooks"): relayed to the directory, which owns the endpoints,
/// validates requests and delivers. Answers carrying a secret (create, rotate-secret) are `Cache-Control: no-store`.
struct WebhookRelayController {
    let directory: any DirectoryClient

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("webhooks") { try await relay(.POST, "", $0, $1, status: .created, noStore: true) }
        group.get("webhooks") { try await relay(.GET, "", $0, $1) }
        group.get("webhooks/:webhook") { try await relay(.GET, try id($1), $0, $1) }
        group.patch("webhooks/:webhook") { try await relay(.PATCH, try id($1), $0, $1) }
        group.delete("webhooks/:webhook") { try await relay(.DELETE, try id($1), $0, $1, status: .noContent) }
        group.post("webhooks/:webhook/rotate-secret") { try await relay(.POST, try id($1) + "/rotate-secret", $0, $1, noStore: true) }
        group.post("webhooks/:webhook/replay") { try await relay(.POST, try id($1) + "/replay", $0, $1, status: .accepted) }
        group.post("webhooks/:webhook/test") { try await relay(.POST, try id($1) + "/test", $0, $1) }
        group.get("webhooks/:webhook/deliveries") { try await relay(.GET, try id($1) + "/deliveries" + deliveryQuery($0), $0, $1) }
    }

    private func id(_ context: ServiceRequestContext) throws -> String {
        let id = try context.parameters.require("webhook")
        guard id.utf8.count <= 100 else { throw ScimError.notFound("Webhook not found.") }
        return "/" + pathSegment(id)
    }

    /// Only the deliveries page's own parameters go on.
    private func deliveryQuery(_ request: Request) -> String {
        var items: [String] = []
        for name in ["limit", "before"] {
            if let value = request.uri.queryParameters.get(name), value.utf8.count <= 20 { items.append("\(name)=\(pathSegment(value))") }
        }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }

    private func relay(
        _ method: NIOHTTP1.HTTPMethod,
        _ subpath: String,
        _ request: Request,
        _ context: ServiceRequestContext,
        status: HTTPResponse.Status = .ok,
        noStore: Bool = false
    ) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        var body: Data?
        if method == .POST || method == .PATCH {
            let data = try await JSONCoding.body(of: request, context: context)
            body = data.isEmpty ? nil : data
        }
        let answer = try await directory.webhooks(method, tenantID: tenantID, subpath: subpath, body: body, logger: context.logger)
        guard status != .noContent else { return Response(status: .noContent) }
        var headers: HTTPFields = [.contentType: MediaType.json]
        if noStore { headers[.cacheControl] = "no-store" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer)))
    }
}
