import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page's **Provisioning log** tab: the IdP's SCIM requests, newest first, filtered by status, operation and
/// time (read and bounded by ``ProvisioningLogQuery``, as the admin API reads them), paged by the directory's cursor;
/// one entry's detail with its redacted bodies; and the CSV download (``ProvisioningLogDownload``). Read-only: a
/// viewer sees all of it.
struct ProvisioningLogRoutes {
    let peers: GatewayPeers
    let views: ConsoleViews

    static let pageSize = 50
    /// A query string longer than this is refused before it is read.
    static let maximumQueryLength = 4096

    struct Option {
        var value: String
        var selected: Bool
    }

    struct Row {
        var id: String
        var time: String
        var operation: String
        var request: String
        var resource: String
        var status: String
        var failed: Bool
        var httpStatus: Int
        var detail: String
        var href: String
    }

    struct LogModel {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var statuses: [Option]
        var operations: [Option]
        var since: String
        var until: String
        var rows: [Row]
        var hasRows: Bool
        var next: String?
        var csv: String
    }

    struct EntryModel {
        struct Field {
            var label: String
            var value: String
        }
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var fields: [Field]
        var requestBody: String?
        var responseBody: String?
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp/log", use: list)
        group.get("tenants/:tenant/idps/:idp/log.csv", use: csv)
        group.get("tenants/:tenant/idps/:idp/log/:id", use: entry)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        var query = try Self.query(request.uri.query)
        query.idpID = idp.id
        query.limit = Self.pageSize
        let page = try await ProvisioningLogDownload.decodedPage(peers.directory, tenantID: tenantID, query: query, logger: context.logger)
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let rows = page.entries.map { view in
            let entry = view.entry
            return Row(
                id: entry.id,
                time: ConsoleFormat.timestamp(entry.time, none: ""),
                operation: entry.operation.rawValue,
                request: "\(entry.method) \(entry.path)",
                resource: entry.displayName ?? entry.externalID ?? entry.resourceID ?? "",
                status: entry.status.rawValue,
                failed: entry.status == .failure,
                httpStatus: entry.httpStatus,
                detail: entry.detail ?? "",
                href: "\(base)/log/\(PercentEncoding.encode(entry.id))"
            )
        }
        var filters = query
        filters.idpID = nil
        filters.cursor = nil
        filters.limit = ProvisioningLogQuery.defaultLimit
        let filterQuery = filters.rawQuery
        let model = LogModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Provisioning log"),
            name: idp.name,
            statuses: ProvisioningStatus.allCases.map { Option(value: $0.rawValue, selected: $0 == query.status) },
            operations: ProvisioningOperation.allCases.map { Option(value: $0.rawValue, selected: $0 == query.operation) },
            since: query.since ?? "",
            until: query.until ?? "",
            rows: rows,
            hasRows: !rows.isEmpty,
            next: page.next.map { "\(base)/log?" + (filterQuery.isEmpty ? "" : filterQuery + "&") + "cursor=\(PercentEncoding.encode($0))" },
            csv: "\(base)/log.csv" + (filterQuery.isEmpty ? "" : "?" + filterQuery)
        )
        return views.page(
            "idp-log",
            title: "\(idp.name): provisioning log",
            model: model,
            tenantNav: .init(tenantID: tenantID, current: "Identity providers")
        )
    }

    @Sendable func csv(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        var query = try Self.query(request.uri.query)
        query.idpID = idp.id
        query.cursor = nil
        return try await ProvisioningLogDownload(directory: peers.directory, tenantID: tenantID, query: query, format: .csv)
            .response(logger: context.logger)
    }

    @Sendable func entry(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        let id = try context.parameters.require("id")
        let notFound = ScimError.notFound("Provisioning log entry '\(id.prefix(128))' not found.")
        guard id.utf8.count <= 128 else { throw notFound }
        let data = try await peers.directory.provisioningLogEntry(tenantID: tenantID, id: id, logger: context.logger)
        guard let view = try? JSONCoding.decoder().decode(ProvisioningLogView.self, from: data) else {
            throw ScimError.internalError("The directory sent a provisioning log entry that could not be read.")
        }
        let entry = view.entry
        guard entry.idpID == idp.id else { throw notFound }
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let fields: [(String, String?)] = [
            ("Time", ConsoleFormat.timestamp(entry.time, none: "")), ("Request", "\(entry.method) \(entry.path)"),
            ("Request id", entry.requestID), ("Operation", entry.operation.rawValue), ("Status", entry.status.rawValue),
            ("HTTP status", String(entry.httpStatus)), ("SCIM type", entry.scimType), ("Detail", entry.detail),
            ("Resource", entry.resourceType.map { "\($0) \(entry.resourceID ?? "")" }), ("External id", entry.externalID),
            ("Name", entry.displayName),
            ("Changed attributes", entry.changedAttributes.isEmpty ? nil : entry.changedAttributes.joined(separator: ", ")),
            ("Token", entry.tokenPrefix.map { "\($0)…" }),
        ]
        let model = EntryModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Provisioning log"),
            name: idp.name,
            fields: fields.compactMap { label, value in value.map { EntryModel.Field(label: label, value: $0) } },
            requestBody: entry.requestBody,
            responseBody: entry.responseBody
        )
        return views.page(
            "idp-log-entry",
            title: "\(idp.name): provisioning log entry",
            model: model,
            tenantNav: .init(tenantID: tenantID, current: "Identity providers")
        )
    }

    /// The signed-in user may read this tenant; the IdP exists (404 otherwise).
    private func target(_ context: ServiceRequestContext) async throws -> (String, IdentityProvider) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .get)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        return (tenantID, idp)
    }

    /// The filter form's query, without its empty fields (an unchosen filter), read as the admin API reads it.
    static func query(_ raw: String?) throws -> ProvisioningLogQuery {
        guard let raw, !raw.isEmpty else { return ProvisioningLogQuery() }
        guard raw.utf8.count <= maximumQueryLength else { throw ScimError.invalidValue("The filter is too long.") }
        let kept = raw.split(separator: "&").prefix(16).filter { !$0.hasSuffix("=") && $0.contains("=") }
        return try ProvisioningLogQuery(rawQuery: kept.joined(separator: "&"))
    }
}
