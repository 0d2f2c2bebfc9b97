import Foundation
import Logging
import NIOHTTP1

/// The directory's webhook API, which the gateway serves as `/api/v1/tenants/{tenant}/webhooks…`: the bytes of
/// request and answer pass through unchanged (the directory validates and shapes them).
extension HTTPDirectoryClient {
    /// `subpath`: what follows `…/webhooks` (empty, `/{id}`, `/{id}/test`, …), its segments already percent-encoded,
    /// with its query. A refusal comes back as the directory's `ScimError`.
    package func webhooks(_ method: HTTPMethod, tenantID: String, subpath: String, body: Data?, logger: Logger) async throws -> Data {
        try await client.sendRaw(method, "/internal/v1/tenants/\(pathSegment(tenantID))/webhooks" + subpath, body: body, logger: logger)
    }
}
