import Foundation
import ScimCore

/// What the application may change of a group an IdP manages (README "Externally managed groups"):
/// `{"displayName"?, "description"?}`, checked before anything is read. A `null` description removes it.
struct GroupEdit: Sendable, Hashable {
    var displayName: String?
    /// `.some(nil)`: remove the description.
    var description: String??

    static let maximumLength = 1024

    init(displayName: String? = nil, description: String?? = nil) {
        self.displayName = displayName
        self.description = description
    }

    init(json: JSONValue) throws(ScimError) {
        guard case .object(let members) = json else { throw ScimError.invalidSyntax("The body must be a JSON object.") }
        guard !members.isEmpty else { throw ScimError.invalidValue("Give a displayName, a description or both.") }
        for key in members.keys where key != "displayName" && key != "description" {
            throw ScimError.invalidValue("Only displayName and description of a group can be changed here, not '\(key)'.")
        }
        switch members["displayName"] {
        case nil: break
        case .string(let text)?:
            let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.utf8.count <= Self.maximumLength else {
                throw ScimError.invalidValue("displayName must be a non-empty string of at most \(Self.maximumLength) bytes.")
            }
            displayName = name
        default: throw ScimError.invalidValue("displayName must be a string.")
        }
        switch members["description"] {
        case nil: break
        case .null?: description = .some(nil)
        case .string(let text)?:
            guard text.utf8.count <= Self.maximumLength else {
                throw ScimError.invalidValue("description must be at most \(Self.maximumLength) bytes.")
            }
            description = .some(text)
        default: throw ScimError.invalidValue("description must be a string or null.")
        }
    }

    /// The group's stored document with the edit applied.
    func applied(to resource: JSONValue) -> JSONValue {
        var members = resource.objectValue ?? [:]
        if let displayName { members["displayName"] = .string(displayName) }
        if let description { members["description"] = description.map(JSONValue.string) }
        return .object(members)
    }
}
