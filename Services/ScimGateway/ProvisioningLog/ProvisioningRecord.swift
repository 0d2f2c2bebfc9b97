import Hummingbird
import ScimCore
import ServiceKit
import Synchronization

/// What one SCIM request did, noted while it runs: ``ProvisioningLogMiddleware`` makes one per request and shares
/// it with everything below it as ``current`` (a task-local); handlers note what only they know (the resource, its
/// body, what the directory changed). A Bulk request notes each operation in a record of its own (``bulkOperations``).
final class ProvisioningRecord: Sendable {
    @TaskLocal static var current: ProvisioningRecord?

    /// A request body as it arrived: parsed (the value the handler works on, shared, not copied), or only its size
    /// when it was not JSON.
    enum CapturedBody: Sendable, Hashable {
        case json(JSONValue)
        case notJSON(byteCount: Int)
    }

    struct Notes: Sendable {
        var resourceType: String?
        var resourceID: String?
        var body: CapturedBody?
        /// What the directory said the write changed; nil when it did not say (a read, a failed write).
        var changedAttributes: [String]?
        /// An error answered without being thrown (the failed-authentication limiter's 429).
        var error: ScimError?
        /// Set once the bearer token authenticated this tenant and IdP: a failure before that is an `auth` entry.
        var authenticated = false
        /// A Bulk request's operations, each with its own outcome.
        var bulkOperations: [BulkOperation] = []
    }

    /// One operation of a Bulk request and how it ended.
    struct BulkOperation: Sendable {
        var method: String
        var path: String
        var notes: Notes
        var httpStatus: Int
        var error: ScimError?
    }

    private let state = Mutex(Notes())

    var notes: Notes { state.withLock { $0 } }

    func note(_ change: (inout Notes) -> Void) { state.withLock { change(&$0) } }

    /// Notes on the current request's record; nothing when there is none (an internal caller, a test of a handler).
    static func note(_ change: (inout Notes) -> Void) {
        current?.note(change)
    }

    /// The request body as JSON, as `JSONCoding.jsonValue(of:context:)` reads it (bounded by the context's upload
    /// limit, parsed once), noted on the current record: the value itself, or the size of a body that is not JSON.
    static func jsonBody(of request: Request, context: some RequestContext) async throws -> JSONValue {
        let data = try await JSONCoding.body(of: request, context: context)
        guard !data.isEmpty else { throw ScimError.invalidSyntax("The request needs a JSON body.") }
        do {
            let value = try JSONValue.decode(data)
            note { $0.body = .json(value) }
            return value
        } catch {
            note { $0.body = .notJSON(byteCount: data.count) }
            throw error
        }
    }
}

extension ProvisioningRecord {
    /// Notes the resource a request is about.
    static func note(resource kind: ScimResourceType, id: String) {
        note { notes in
            notes.resourceType = kind.name
            notes.resourceID = id
        }
    }
}
