import Foundation
import ScimCore

/// The three PATCH operations of RFC 7644 §3.5.2.
package enum PatchOperationKind: String, Sendable, Hashable, CaseIterable {
    case add, replace, remove
}

/// One entry of a PATCH request's `Operations` array.
///
/// `value` is `nil` when the operation carries no `value` member; an explicit JSON `null` is `.null`.
package struct PatchOperation: Sendable, Hashable {
    package var kind: PatchOperationKind
    package var path: PatchPath?
    package var value: JSONValue?

    package init(kind: PatchOperationKind, path: PatchPath? = nil, value: JSONValue? = nil) {
        self.kind = kind
        self.path = path
        self.value = value
    }
}

/// A decoded `urn:ietf:params:scim:api:messages:2.0:PatchOp` message.
///
/// Decoding is lenient in the ways identity providers need (IDP-WIRE §2.1 item 4, §2.4): `Operations` and
/// `op` are matched case-insensitively (`"Add"`, `"Replace"`, `"Remove"`), a missing `schemas` is tolerated,
/// and an empty `path` counts as no path. An empty `Operations` array is refused as RFC 7644 §3.5.2 says ("an array
/// of one or more patch operations"), even though Entra's validator sends one. Structural problems are
/// `invalidSyntax`; a malformed `path` is `invalidPath`.
package struct PatchRequest: Sendable, Hashable {
    package var operations: [PatchOperation]

    package init(operations: [PatchOperation]) {
        self.operations = operations
    }

    /// Most operations in one PATCH request.
    package static let maximumOperations = 1_000
    /// Longest `path` of one operation, in UTF-8 bytes (a value filter in it is bounded again by `FilterParser`).
    package static let maximumPathLength = 4_096

    package init(json: JSONValue) throws(ScimError) {
        guard case .object = json else {
            throw ScimError.invalidSyntax("A PATCH request body must be a JSON object.")
        }
        if let schemas = json[caseInsensitive: "schemas"], schemas.arrayValue == nil, !schemas.isNull {
            throw ScimError.invalidSyntax("'schemas' must be an array of URNs.")
        }
        guard let operations = json[caseInsensitive: "Operations"] else {
            throw ScimError.invalidSyntax("A PATCH request needs an 'Operations' array.")
        }
        guard case .array(let entries) = operations else {
            throw ScimError.invalidSyntax("'Operations' must be an array.")
        }
        guard !entries.isEmpty else {
            throw ScimError.invalidSyntax("'Operations' must hold one or more operations (RFC 7644 §3.5.2).")
        }
        guard entries.count <= Self.maximumOperations else {
            throw ScimError.invalidValue("The PATCH request has \(entries.count) operations; at most \(Self.maximumOperations) are accepted.")
        }
        var decoded: [PatchOperation] = []
        decoded.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            decoded.append(try Self.decodeOperation(entry, index: index))
        }
        self.operations = decoded
    }

    private static func decodeOperation(_ entry: JSONValue, index: Int) throws(ScimError) -> PatchOperation {
        guard case .object = entry else {
            throw ScimError.invalidSyntax("Operations[\(index)] must be an object.")
        }
        guard let opName = entry[caseInsensitive: "op"]?.stringValue else {
            throw ScimError.invalidSyntax("Operations[\(index)] needs an 'op' string.")
        }
        let trimmed = opName.trimmingSpaces().lowercased()
        guard let kind = PatchOperationKind(rawValue: trimmed) else {
            throw ScimError.invalidSyntax("Operations[\(index)]: unknown op '\(opName)'; expected add, replace or remove.")
        }
        var path: PatchPath?
        switch entry[caseInsensitive: "path"] {
        case nil, .null?:
            path = nil
        case .string(let text)?:
            guard text.utf8.count <= maximumPathLength else {
                throw ScimError.invalidPath("Operations[\(index)]: the path is longer than \(maximumPathLength) bytes.")
            }
            let text = text.trimmingSpaces()
            path = text.isEmpty ? nil : try PatchPath(parsing: text)
        case _?:
            throw ScimError.invalidPath("Operations[\(index)]: 'path' must be a string.")
        }
        return PatchOperation(kind: kind, path: path, value: entry[caseInsensitive: "value"])
    }
}
