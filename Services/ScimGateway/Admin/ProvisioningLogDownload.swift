import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import Logging
import NIOCore
import NIOFoundationCompat
import ScimCore
import ServiceClients
import ServiceKit

/// A download of a tenant's provisioning log (`?format=csv` or `?format=json`), filtered like a page: streamed page
/// by page from the directory (500 entries at a time, never the whole log in memory), at most ``maximumRows``
/// entries (retention bounds it too). The first page is fetched before the answer starts, so an unknown tenant or a
/// bad cursor is still its own 4xx; a failure after that ends the stream early, which the client sees as a
/// truncated body. CSV: a header row, quoting and formula neutralization (``ProvisioningLogCSV``); JSON: one array.
struct ProvisioningLogDownload {
    static let maximumRows = 1_000_000
    let directory: any DirectoryClient
    let tenantID: String
    let query: ProvisioningLogQuery
    let format: ProvisioningLogQuery.Format

    func response(logger: Logger) async throws -> Response {
        var pages = query
        pages.format = nil
        pages.limit = ProvisioningLogQuery.maximumLimit
        let first = try await page(pages, logger: logger)
        let firstQuery = pages
        let directory = directory
        let tenantID = tenantID
        let format = format
        let body = ResponseBody { writer in
            var page = first
            var query = firstQuery
            var rows = 0
            var opened = false
            try await writer.write(Self.opening(format))
            while true {
                var chunk = ""
                for view in page.entries.prefix(Self.maximumRows - rows) {
                    chunk += Self.row(view, format: format, first: !opened)
                    opened = true
                    rows += 1
                }
                if !chunk.isEmpty { try await writer.write(ByteBuffer(string: chunk)) }
                guard rows < Self.maximumRows, let next = page.next else { break }
                query.cursor = try ProvisioningLogCursor(token: next)
                do {
                    page = try await Self.decodedPage(directory, tenantID: tenantID, query: query, logger: logger)
                } catch {
                    logger.warning("Provisioning log download ended early", metadata: ["error": "\(error)"])
                    throw error
                }
            }
            if format == .json { try await writer.write(ByteBuffer(string: "]\n")) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers(), body: body)
    }

    private func page(_ query: ProvisioningLogQuery, logger: Logger) async throws -> ProvisioningLogPage {
        try await Self.decodedPage(directory, tenantID: tenantID, query: query, logger: logger)
    }

    static func decodedPage(
        _ directory: any DirectoryClient,
        tenantID: String,
        query: ProvisioningLogQuery,
        logger: Logger
    ) async throws -> ProvisioningLogPage {
        let data = try await directory.provisioningLog(tenantID: tenantID, query: query.rawQuery, logger: logger)
        do {
            return try JSONCoding.decoder().decode(ProvisioningLogPage.self, from: data)
        } catch {
            throw ScimError.internalError("The directory sent a provisioning log page that could not be read.")
        }
    }

    private static func opening(_ format: ProvisioningLogQuery.Format) -> ByteBuffer {
        ByteBuffer(string: format == .csv ? ProvisioningLogCSV.header : "[")
    }

    private static func row(_ view: ProvisioningLogView, format: ProvisioningLogQuery.Format, first: Bool) -> String {
        switch format {
        case .csv: return ProvisioningLogCSV.row(view.entry)
        case .json: return (first ? "\n" : ",\n") + String(decoding: JSONCoding.encode(view), as: UTF8.self)
        }
    }

    private func headers() -> HTTPFields {
        let stamp = Date.ISO8601FormatStyle().format(Date()).filter { $0 != "-" && $0 != ":" }
        var safeTenant = ""
        for scalar in tenantID.unicodeScalars.prefix(64)
        where scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_") {
            safeTenant.unicodeScalars.append(scalar)
        }
        let name = "provisioning-log-\(safeTenant.isEmpty ? "tenant" : safeTenant)-\(stamp).\(format.rawValue)"
        return [
            .contentType: format == .csv ? "text/csv; charset=utf-8" : MediaType.json,
            .contentDisposition: "attachment; filename=\"\(name)\"",
            .cacheControl: "no-store",
        ]
    }
}
