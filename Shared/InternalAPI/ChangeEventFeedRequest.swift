import Foundation
import ScimCore

/// A page request of the change-event feed (`GET /api/v1/tenants/{tenant}/events?after=&types=&idp=&limit=`), read
/// from its query and checked before anything is scanned. The cursor is the text of a sequence number, opaque to
/// clients; `after=latest` asks for "from now on".
package struct ChangeEventFeedRequest: Sendable, Hashable {
    package enum Start: Sendable, Hashable {
        /// No `after`: the oldest event still retained.
        case oldest
        /// `after=latest`: no events, a cursor at the newest event.
        case latest
        /// After this sequence number.
        case after(Int64)
    }

    package var start: Start
    /// Empty: every type.
    package var types: Set<ChangeEventType>
    package var idpID: String?
    package var limit: Int

    package static let defaultLimit = 100
    package static let maximumLimit = 1000
    /// The longest a query may be before it is looked at.
    static let maximumQueryLength = 4096

    package init(start: Start = .oldest, types: Set<ChangeEventType> = [], idpID: String? = nil, limit: Int = defaultLimit) {
        self.start = start
        self.types = types
        self.idpID = idpID
        self.limit = limit
    }

    /// Reads `after`, `types`, `idp` and `limit` from a decoded query; anything malformed is a 400 naming it.
    package init(parameters: [(name: String, value: String)]) throws(ScimError) {
        self.init()
        guard parameters.count <= 16 else { throw ScimError.invalidValue("Too many query parameters.") }
        for (name, value) in parameters {
            guard value.utf8.count <= Self.maximumQueryLength else { throw ScimError.invalidValue("The query parameter '\(name)' is too long.") }
            switch name {
            case "after": start = try Self.start(value)
            case "types": types = try Self.types(value)
            case "idp":
                guard !value.isEmpty, value.utf8.count <= 200 else { throw ScimError.invalidValue("'idp' must name an identity provider.") }
                idpID = value
            case "limit":
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw ScimError.invalidValue("'limit' must be a whole number from 1 to \(Self.maximumLimit).")
                }
                limit = number
            default:
                throw ScimError.invalidValue("Unknown query parameter '\(name)': the feed takes after, types, idp and limit.")
            }
        }
    }

    private static func start(_ value: String) throws(ScimError) -> Start {
        if value == "latest" { return .latest }
        guard value.utf8.count <= 19, let sequence = Int64(value), sequence >= 0 else {
            throw ScimError.invalidValue("'after' must be a cursor from a previous page's 'next', or 'latest'.")
        }
        return .after(sequence)
    }

    private static func types(_ value: String) throws(ScimError) -> Set<ChangeEventType> {
        let names = value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count <= ChangeEventType.allCases.count * 2 else { throw ScimError.invalidValue("'types' names too many types.") }
        var types: Set<ChangeEventType> = []
        for name in names {
            guard let type = ChangeEventType(rawValue: name) else {
                let known = ChangeEventType.allCases.map(\.rawValue).joined(separator: ", ")
                throw ScimError.invalidValue("Unknown event type '\(name)' in 'types'; the types are \(known).")
            }
            types.insert(type)
        }
        return types
    }

    /// The cursor text of a sequence number.
    package static func cursor(_ sequence: Int64) -> String { String(sequence) }
}
