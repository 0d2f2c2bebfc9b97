import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// `POST /scim/v2/{tenant}/{idp}/Bulk` (RFC 7644 §3.7): operations run through the same code as their own routes;
/// `bulkId:` references resolve to the ids created earlier in the request (an operation waits for the one it
/// references, so order in the request does not matter; a cycle is 409); `failOnErrors` stops after that many errors.
struct BulkController {
    let resources: ScimResources
    let http: ScimHTTP

    func register(on group: RouterGroup<ScimRequestContext>) {
        group.post("Bulk", use: bulk)
    }

    struct Operation {
        var index: Int
        var method: String
        var path: String
        var bulkID: String?
        var version: String?
        var data: JSONValue?
    }

    @Sendable func bulk(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let limits = resources.capabilities.bulk
        let body = try await JSONCoding.body(of: request, context: context)
        guard body.count <= limits.maxPayloadSize else {
            throw ScimError.payloadTooLarge("The bulk request is \(body.count) bytes; the maximum is \(limits.maxPayloadSize).")
        }
        let message: JSONValue
        do {
            message = try JSONValue.decode(body)
        } catch {
            ProvisioningRecord.note { $0.body = .notJSON(byteCount: body.count) }
            throw error
        }
        ProvisioningRecord.note { $0.body = .json(message) }
        guard let list = message[caseInsensitive: "Operations"]?.arrayValue else {
            throw ScimError.invalidSyntax("A bulk request needs an 'Operations' array.")
        }
        guard list.count <= limits.maxOperations else {
            throw ScimError.payloadTooLarge("The bulk request has \(list.count) operations; the maximum is \(limits.maxOperations).")
        }
        let failOnErrors = try Self.failOnErrors(in: message)
        var pending = try list.enumerated().map { index, element in try Self.operation(element, index: index) }
        var resolved: [String: String] = [:]
        var results: [Int: JSONValue] = [:]
        var errors = 0

        while !pending.isEmpty {
            let ready = pending.filter { Self.references(of: $0).allSatisfy { resolved[$0] != nil } }
            guard !ready.isEmpty else {
                for operation in pending {
                    let error = ScimError.conflict("The operation references a bulkId that is never created or that forms a cycle.")
                    results[operation.index] = Self.result(operation, status: 409, error: error)
                    Self.log(operation, notes: ProvisioningRecord.Notes(body: operation.data.map { .json($0) }), status: 409, error: error)
                }
                break
            }
            pending.removeAll { operation in ready.contains { $0.index == operation.index } }
            for operation in ready {
                if let failOnErrors, failOnErrors > 0, errors >= failOnErrors { break }
                let operation = Self.resolving(operation, with: resolved)
                // Each operation is an entry of the provisioning log, noted in a record of its own.
                let record = ProvisioningRecord()
                record.note { $0.body = operation.data.map { .json($0) } }
                do {
                    let result = try await ProvisioningRecord.$current.withValue(record) {
                        try await execute(operation, principal: principal, resolved: &resolved, context: context)
                    }
                    results[operation.index] = result
                    Self.log(operation, notes: record.notes, status: Int(result[caseInsensitive: "status"]?.stringValue ?? "") ?? 200, error: nil)
                } catch let error as ScimError {
                    errors += 1
                    results[operation.index] = Self.result(operation, status: error.status, error: error)
                    Self.log(operation, notes: record.notes, status: error.status, error: error)
                }
            }
            if let failOnErrors, failOnErrors > 0, errors >= failOnErrors { break }
        }
        let ordered = results.keys.sorted().compactMap { results[$0] }
        return JSONCoding.scimResponse(["schemas": [.string(ScimSchemaURN.bulkResponse)], "Operations": .array(ordered)])
    }

    private func execute(
        _ operation: Operation,
        principal: ScimPrincipal,
        resolved: inout [String: String],
        context: ScimRequestContext
    ) async throws -> JSONValue {
        let (kind, id) = try Self.target(of: operation.path)
        let ifMatch = try operation.version.map { tag throws(ScimError) in
            guard let version = ETag.version(from: tag) else { throw ScimError.invalidVersion("version '\(tag)' is not an entity tag.") }
            return version
        }
        let logger = context.logger
        // Only the version and location reach the Bulk response: the directory renders no more than the id.
        let rendering = http.rendering(principal, ScimHTTP.versionOnly)
        switch (operation.method, id) {
        case ("POST", nil):
            let created = try await resources.create(kind, principal, resource: try Self.data(operation), rendering, logger: logger)
            if let bulkID = operation.bulkID, let id = created.createdID { resolved[bulkID] = id }
            return Self.result(operation, status: 201, location: created.location, version: created.version)
        case ("PUT", let id?):
            let replaced = try await resources.replace(
                kind,
                principal,
                id: id,
                resource: try Self.data(operation),
                ifMatch: ifMatch,
                rendering,
                logger: logger
            )
            return Self.result(operation, status: 200, location: http.location(principal, kind, id), version: replaced.version)
        case ("PATCH", let id?):
            let patched = try await resources.patch(
                kind,
                principal,
                id: id,
                patch: try Self.data(operation),
                ifMatch: ifMatch,
                rendering,
                logger: logger
            )
            return Self.result(operation, status: 200, location: http.location(principal, kind, id), version: patched.version)
        case ("DELETE", let id?):
            try await resources.delete(kind, principal, id: id, ifMatch: ifMatch, logger: logger)
            return Self.result(operation, status: 204, location: http.location(principal, kind, id), version: nil)
        default:
            throw ScimError.invalidSyntax("Bulk method '\(operation.method)' does not apply to path '\(operation.path)'.")
        }
    }

    /// Adds an operation's outcome to the Bulk request's provisioning record.
    private static func log(_ operation: Operation, notes: ProvisioningRecord.Notes, status: Int, error: ScimError?) {
        ProvisioningRecord.note { request in
            request.bulkOperations.append(
                ProvisioningRecord.BulkOperation(method: operation.method, path: operation.path, notes: notes, httpStatus: status, error: error)
            )
        }
    }

    // MARK: Parsing

    static func operation(_ element: JSONValue, index: Int) throws(ScimError) -> Operation {
        guard let method = element[caseInsensitive: "method"]?.stringValue?.uppercased(), ["POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw ScimError.invalidSyntax("Bulk operation \(index + 1) needs a method of POST, PUT, PATCH or DELETE.")
        }
        guard let path = element[caseInsensitive: "path"]?.stringValue else {
            throw ScimError.invalidSyntax("Bulk operation \(index + 1) needs a path.")
        }
        let bulkID = element[caseInsensitive: "bulkId"]?.stringValue
        if method == "POST", bulkID == nil {
            throw ScimError.invalidSyntax("Bulk operation \(index + 1) is a POST and needs a bulkId.")
        }
        return Operation(
            index: index,
            method: method,
            path: path,
            bulkID: bulkID,
            version: element[caseInsensitive: "version"]?.stringValue,
            data: element[caseInsensitive: "data"]
        )
    }

    /// `/Users` or `/Groups/{id}`.
    static func target(of path: String) throws(ScimError) -> (ScimResourceType, String?) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard (1...2).contains(parts.count), let kind = ScimResourceType(endpoint: parts[0]) else {
            throw ScimError.invalidPath("Bulk path '\(path)' is not /Users, /Groups or one of their resources.")
        }
        return (kind, parts.count == 2 ? parts[1] : nil)
    }

    static func data(_ operation: Operation) throws(ScimError) -> JSONValue {
        guard let data = operation.data else { throw ScimError.invalidSyntax("Bulk operation \(operation.index + 1) needs data.") }
        return data
    }

    /// `failOnErrors` (RFC 7644 §3.7.3): an integer; absent or null means no limit, and so does zero or less. A value
    /// that is not an integer is `invalidValue`; one beyond `Int`'s range saturates instead of trapping.
    static func failOnErrors(in message: JSONValue) throws(ScimError) -> Int? {
        guard let raw = message[caseInsensitive: "failOnErrors"], !raw.isNull else { return nil }
        guard case .number(let number) = raw, number.isFinite, number.rounded() == number else {
            throw .invalidValue("failOnErrors must be an integer.")
        }
        if number >= 9.0e18 { return Int.max }
        if number <= -9.0e18 { return Int.min }
        return Int(number)
    }

    /// The bulkIds an operation refers to, in its path and anywhere in its data.
    static func references(of operation: Operation) -> Set<String> {
        var found = Set<String>()
        func scan(_ text: String) {
            if text.hasPrefix("bulkId:") { found.insert(String(text.dropFirst("bulkId:".count))) }
        }
        func walk(_ value: JSONValue) {
            switch value {
            case .string(let text): scan(text)
            case .array(let items): items.forEach(walk)
            case .object(let members): members.values.forEach(walk)
            default: break
            }
        }
        for segment in operation.path.split(separator: "/") { scan(String(segment)) }
        operation.data.map(walk)
        return found
    }

    static func resolving(_ operation: Operation, with resolved: [String: String]) -> Operation {
        func substitute(_ text: String) -> String {
            guard text.hasPrefix("bulkId:"), let id = resolved[String(text.dropFirst("bulkId:".count))] else { return text }
            return id
        }
        func walk(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text): .string(substitute(text))
            case .array(let items): .array(items.map(walk))
            case .object(let members): .object(members.mapValues(walk))
            default: value
            }
        }
        var copy = operation
        copy.path = operation.path.split(separator: "/", omittingEmptySubsequences: false).map { substitute(String($0)) }.joined(separator: "/")
        copy.data = operation.data.map(walk)
        return copy
    }

    static func result(_ operation: Operation, status: Int, location: String? = nil, version: Int? = nil, error: ScimError? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["method": .string(operation.method), "status": .string(String(status))]
        if let bulkID = operation.bulkID { object["bulkId"] = .string(bulkID) }
        if let location { object["location"] = .string(location) }
        if let version { object["version"] = .string(ETag.weak(version)) }
        if let error, let body = try? JSONValue.decode(JSONCoding.encode(ScimErrorBody(error))) { object["response"] = body }
        return .object(object)
    }
}
