import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import NIOCore
import NIOFoundationCompat
import ScimCore
import ServiceClients
import ServiceKit

/// The provisioning log on the admin API (README "Provisioning log"), for the root key and the tenant's `admin` and
/// `viewer` keys (``TenantKeyAuthMiddleware``):
///
/// - `GET /admin/v1/tenants/{tenant}/provisioning-log?idp=&status=&operation=&since=&until=&q=&cursor=&limit=`: a
///   page, newest first, as the directory rendered it; the query is read and bounded here first (400 without a call).
/// - `…&format=csv` or `format=json`: the whole filtered log as a download (``ProvisioningLogDownload``).
/// - `GET /admin/v1/tenants/{tenant}/provisioning-log/{id}`: one entry with its redacted request and error bodies.
struct ProvisioningLogAdminController {
    let directory: any DirectoryClient

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/provisioning-log", use: list)
        group.get("tenants/:tenant/provisioning-log/:id", use: entry)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let query = try ProvisioningLogQuery(rawQuery: request.uri.query, allowsFormat: true)
        if let format = query.format {
            return try await ProvisioningLogDownload(directory: directory, tenantID: tenantID, query: query, format: format)
                .response(logger: context.logger)
        }
        return Self.json(try await directory.provisioningLog(tenantID: tenantID, query: query.rawQuery, logger: context.logger))
    }

    @Sendable func entry(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try ApplicationNoQuery.check(request.uri.query)
        let tenantID = try context.parameters.require("tenant")
        let id = try context.parameters.require("id")
        guard id.utf8.count <= 128 else { throw ScimError.notFound("Provisioning log entry '\(id.prefix(128))' not found.") }
        return Self.json(try await directory.provisioningLogEntry(tenantID: tenantID, id: id, logger: context.logger))
    }

    private static func json(_ body: Data) -> Response {
        Response(status: .ok, headers: [.contentType: MediaType.json], body: .init(byteBuffer: ByteBuffer(data: body)))
    }
}
