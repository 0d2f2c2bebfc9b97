import Foundation
import Hummingbird
import InternalAPI
import Logging
import NIOCore
import ScimCore
import ServiceKit

/// The provisioning log's internal API (README "Provisioning log"):
///
/// - `POST /internal/v1/provisioning-log`: a gateway's ``ProvisioningLogBatch``, stored in one transaction → 204;
///   400 on a batch out of bounds. Entries of a tenant or IdP that does not exist (any more) are dropped.
/// - `GET /internal/v1/tenants/{t}/provisioning-log?…` (``ProvisioningLogQuery``): a page, newest first.
/// - `GET /internal/v1/tenants/{t}/provisioning-log/{id}`: one entry with its bodies (404 in any other tenant).
/// - `GET /internal/v1/tenants/{t}/provisioning-summary[?idp=]`: the per-IdP summaries (``ProvisioningSummaries``).
struct ProvisioningLogController {
    let store: ProvisioningLogStore

    /// The largest batch body read: 500 entries with their bodies, detail and path at their bounds, JSON-escaped, fit.
    static let maximumBatchBytes = 32 * 1024 * 1024

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("provisioning-log", use: record)
        group.get("tenants/:tenant/provisioning-log", use: page)
        group.get("tenants/:tenant/provisioning-log/:id", use: entry)
        group.get("tenants/:tenant/provisioning-summary", use: summaries)
    }

    @Sendable func record(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let data: Data
        do {
            data = Data(try await request.body.collect(upTo: Self.maximumBatchBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ScimError.payloadTooLarge("A provisioning log batch is at most \(Self.maximumBatchBytes) bytes.")
        }
        let batch = try ValidatedProvisioningBatch(try Self.decode(data))
        let (types, stored) = try await store.record(batch)
        ProvisioningMetrics.record(stored, types: types)
        return Response(status: .noContent)
    }

    @Sendable func page(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let query = try ProvisioningLogQuery(rawQuery: request.uri.query)
        guard let page = try await store.page(tenantID: tenantID, query: query) else {
            throw ScimError.notFound("Tenant '\(tenantID.prefix(128))' not found.")
        }
        return JSONCoding.response(page)
    }

    @Sendable func entry(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try context.parameters.require("id")
        let notFound = ScimError.notFound("Provisioning log entry '\(id.prefix(128))' not found.")
        guard id.utf8.count <= 128 else { throw notFound }
        guard let entry = try await store.entry(tenantID: tenantID, id: id) else { throw notFound }
        return JSONCoding.response(ProvisioningLogView(entry: entry, includesBodies: true))
    }

    @Sendable func summaries(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = request.uri.queryParameters.get("idp").map { String($0.prefix(128)) }
        guard let summaries = try await store.summaries(tenantID: tenantID, idpID: idpID) else {
            throw ScimError.notFound("Tenant '\(tenantID.prefix(128))' not found.")
        }
        return JSONCoding.response(ProvisioningSummaries(idps: summaries))
    }

    /// The batch, decoded once by the bounded ``JSONReader`` (ProvisioningLog+JSON.swift: Foundation's decoder was a
    /// tenth of the directory's CPU in a sync). A `\u0000`, which PostgreSQL text cannot hold, is refused first by a
    /// scan of the bytes.
    private static func decode(_ data: Data) throws -> ProvisioningLogBatch {
        guard !data.isEmpty else { throw ScimError.invalidSyntax("The request needs a JSON body.") }
        guard !containsEscapedNull(data) else { throw ScimError.invalidValue("A provisioning log batch must not contain \\u0000.") }
        return try ProvisioningLogBatch.decode(data)
    }

    /// Whether `data` holds the escape `\u0000` (a backslash escaped as `\\` starts none).
    static func containsEscapedNull(_ data: Data) -> Bool {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Bool in
            var index = 0
            let count = bytes.count
            while index < count {
                guard bytes[index] == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                guard index + 1 < count else { return false }
                if bytes[index + 1] == UInt8(ascii: "u"), index + 5 < count, bytes[index + 2] == UInt8(ascii: "0"),
                    bytes[index + 3] == UInt8(ascii: "0"), bytes[index + 4] == UInt8(ascii: "0"), bytes[index + 5] == UInt8(ascii: "0")
                {
                    return true
                }
                index += 2  // an escape pair: `\\` is a backslash, whatever follows it
            }
            return false
        }
    }
}
