import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ScimCore
import ServiceKit

/// Records what each SCIM request did (README "Provisioning log"), outside ``ScimAuthMiddleware`` so that failed
/// authentications (401, 429) are recorded too. Writes (POST, PUT, PATCH, DELETE) and failures become events for
/// ``ProvisioningLogShipper``, a Bulk request's operations one each; successful reads are only counted. The request
/// pays for a ``ProvisioningRecord`` and, when it is logged, one append under a lock: never for the directory.
struct ProvisioningLogMiddleware: RouterMiddleware {
    typealias Context = ScimAuthenticationContext
    let log: ProvisioningLogShipper

    func handle(
        _ request: Request,
        context: ScimAuthenticationContext,
        next: (Request, ScimAuthenticationContext) async throws -> Response
    ) async throws -> Response {
        let record = ProvisioningRecord()
        let arrived = Date()
        do {
            let response = try await ProvisioningRecord.$current.withValue(record) { try await next(request, context) }
            finish(request, context, record, arrived: arrived, status: Int(response.status.code), error: nil)
            return response
        } catch {
            let answered = Self.scimError(for: error, maxUploadSize: context.maxUploadSize)
            finish(request, context, record, arrived: arrived, status: answered.status, error: answered)
            throw error
        }
    }

    private func finish(
        _ request: Request,
        _ context: ScimAuthenticationContext,
        _ record: ProvisioningRecord,
        arrived: Date,
        status: Int,
        error: ScimError?
    ) {
        let tenantID = context.parameters.get("tenant") ?? ""
        let idpID = context.parameters.get("idp") ?? ""
        let method = request.method.rawValue
        let path = request.uri.path
        let isRead = request.method == .get || request.method == .head || (request.method == .post && path.hasSuffix("/.search"))
        if status < 400, isRead {
            log.countRead(tenantID: tenantID, idpID: idpID, at: arrived)
            return
        }
        let notes = record.notes
        let base = ProvisioningEvent(
            time: arrived,
            requestID: context.requestID,
            tenantID: tenantID,
            idpID: idpID,
            method: method,
            path: path,
            notes: notes,
            httpStatus: status,
            error: error ?? notes.error
        )
        if status < 400, path.hasSuffix("/Bulk") {
            // Each operation is an entry of its own, with its own outcome.
            log.record(
                notes.bulkOperations.map { operation in
                    var event = base
                    event.method = operation.method
                    event.path = operation.path
                    event.notes = operation.notes
                    event.httpStatus = operation.httpStatus
                    event.error = operation.error
                    return event
                }
            )
            return
        }
        var event = base
        if status >= 400, !notes.authenticated {
            event.isAuthenticationFailure = true
            event.tokenPrefix = BearerCredential.from(request).flatMap(Self.tokenPrefix)
        }
        event.isBulkRequest = path.hasSuffix("/Bulk")
        log.record([event])
    }

    /// How a token is named in the log: its first 8 characters (`pvs_` and the start of its public prefix), and
    /// nothing of a token too short to spare them.
    static func tokenPrefix(_ token: String) -> String? {
        token.count >= 24 ? String(token.prefix(8)) + "…" : nil
    }

    /// The SCIM error the client gets for `error` (as ``ScimErrorMiddleware`` answers it, which runs outside).
    static func scimError(for error: any Error, maxUploadSize: Int) -> ScimError {
        switch error {
        case let error as ScimError: error
        case let error as HTTPError: ScimError(status: Int(error.status.code), detail: error.body ?? error.status.reasonPhrase)
        case is NIOTooManyBytesError: ScimError.payloadTooLarge("The request body is larger than \(maxUploadSize) bytes.")
        case is CancellationError: ScimError.unavailable("The request was cancelled; try again.")
        case let error as any HTTPResponseError: ScimError(status: Int(error.status.code), detail: error.status.reasonPhrase)
        default: ScimError.internalError("The server could not complete the request.")
        }
    }
}
