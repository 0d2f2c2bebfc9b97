import InternalAPI
import ScimCore

/// What a SCIM write did, in the provisioning log's words: its ``ProvisioningOperation`` and the names an admin
/// searches by (`externalId`, a user's `userName` or a group's `displayName`), read from the request itself.
package struct ProvisioningClassification: Sendable, Hashable {
    package var operation: ProvisioningOperation
    package var externalID: String?
    package var displayName: String?

    package init(operation: ProvisioningOperation, externalID: String? = nil, displayName: String? = nil) {
        self.operation = operation
        self.externalID = externalID
        self.displayName = displayName
    }
}

/// Classifies a SCIM request from its method, resource type and body (and, when the directory said, the attributes
/// the write changed). Pure; walks at most ``maximumOperations`` PATCH operations.
package enum ProvisioningClassifier {
    package static let maximumOperations = 1_000
    /// Longest name kept from a body (`userName`, `displayName`, `externalId`).
    package static let maximumNameLength = 256

    /// - Parameters:
    ///   - method: `POST`, `PUT`, `PATCH`, `DELETE`, `GET`.
    ///   - resourceType: `User` or `Group` (nil for other paths).
    ///   - changedAttributes: what the directory reported the write changed (nil when unknown): a PUT or PATCH of
    ///     `active: true` is `reactivate` only when `active` changed, `active: false` is `deactivate` unless the
    ///     directory said `active` did not change.
    package static func classify(
        method: String,
        resourceType: String?,
        body: JSONValue?,
        changedAttributes: [String]? = nil
    ) -> ProvisioningClassification {
        let names = names(in: body, resourceType: resourceType, isPatch: method == "PATCH")
        return ProvisioningClassification(
            operation: operation(method: method, resourceType: resourceType, body: body, changedAttributes: changedAttributes),
            externalID: names.externalID,
            displayName: names.displayName
        )
    }

    static func operation(method: String, resourceType: String?, body: JSONValue?, changedAttributes: [String]?) -> ProvisioningOperation {
        switch method {
        case "POST": return .create
        case "DELETE": return .delete
        case "GET", "HEAD": return .read
        case "PUT":
            guard resourceType == "User", let active = body?[caseInsensitive: "active"]?.boolValue else { return .replace }
            return activity(setting: active, changedAttributes: changedAttributes) ?? .replace
        case "PATCH":
            let operations = Array((body?[caseInsensitive: "Operations"]?.arrayValue ?? []).prefix(maximumOperations))
            if resourceType == "Group", let membership = membershipChange(operations) { return membership }
            if resourceType == "User", let active = activeValue(in: operations) {
                return activity(setting: active, changedAttributes: changedAttributes) ?? .update
            }
            return .update
        default: return .update
        }
    }

    /// `deactivate` / `reactivate` for a write that sets `active`, or nil when it is an ordinary update.
    private static func activity(setting active: Bool, changedAttributes: [String]?) -> ProvisioningOperation? {
        let activeChanged = changedAttributes.map { $0.contains { $0.lowercased() == "active" } }
        if !active { return activeChanged == false ? nil : .deactivate }
        return activeChanged == true ? .reactivate : nil
    }

    /// The last value a PATCH gives `active` (`"path": "active"`, or a value object holding `active`), if any.
    static func activeValue(in operations: [JSONValue]) -> Bool? {
        var found: Bool?
        for operation in operations {
            guard operation[caseInsensitive: "op"]?.stringValue?.lowercased() != "remove" else { continue }
            let value = operation[caseInsensitive: "value"]
            if let path = operation[caseInsensitive: "path"]?.stringValue {
                guard attributeName(of: path) == "active" else { continue }
                // Entra sends booleans as strings ("False").
                found = value?.boolValue ?? value?.stringValue.flatMap { Bool($0.lowercased()) } ?? found
            } else if let active = value?[caseInsensitive: "active"] {
                found = active.boolValue ?? active.stringValue.flatMap { Bool($0.lowercased()) } ?? found
            }
        }
        return found
    }

    /// `member_add` when every operation adds members, `member_remove` when every one removes members, else nil.
    static func membershipChange(_ operations: [JSONValue]) -> ProvisioningOperation? {
        var kinds = Set<String>()
        for operation in operations {
            guard let op = operation[caseInsensitive: "op"]?.stringValue?.lowercased() else { return nil }
            let path = operation[caseInsensitive: "path"]?.stringValue
            let touchesMembers: Bool
            if let path {
                touchesMembers = attributeName(of: path) == "members"
            } else {
                let value = operation[caseInsensitive: "value"]?.objectValue ?? [:]
                touchesMembers = !value.isEmpty && value.keys.allSatisfy { $0.lowercased() == "members" }
            }
            guard touchesMembers, op == "add" || op == "remove" else { return nil }
            kinds.insert(op)
        }
        guard kinds.count == 1, let kind = kinds.first else { return nil }
        return kind == "add" ? .memberAdd : .memberRemove
    }

    /// The top-level attribute a PATCH path names, lowercased: `members[value eq "x"]` → `members`,
    /// `urn:ietf:params:scim:schemas:core:2.0:User:active` → `active`, `name.givenName` → `name`.
    static func attributeName(of path: String) -> String {
        var name = Substring(path.prefix(PatchPathLimit.length))
        if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
        // A schema URN prefix ends with the resource type's name and a colon: keep what follows the last colon.
        if let colon = name.lastIndex(of: ":") { name = name[name.index(after: colon)...] }
        if let dot = name.firstIndex(of: ".") { name = name[..<dot] }
        return name.trimmingCharacters(in: " ").lowercased()
    }

    /// `externalId` and `userName`/`displayName`, from the resource (POST, PUT) or from a PATCH's operations.
    static func names(in body: JSONValue?, resourceType: String?, isPatch: Bool) -> (externalID: String?, displayName: String?) {
        guard let body else { return (nil, nil) }
        let nameKey = resourceType == "Group" ? "displayName" : "userName"
        func text(_ value: JSONValue?) -> String? {
            guard let text = value?.stringValue, !text.isEmpty else { return nil }
            return String(text.prefix(maximumNameLength))
        }
        guard isPatch else { return (text(body[caseInsensitive: "externalId"]), text(body[caseInsensitive: nameKey])) }
        var externalID: String?
        var displayName: String?
        for operation in (body[caseInsensitive: "Operations"]?.arrayValue ?? []).prefix(maximumOperations) {
            let value = operation[caseInsensitive: "value"]
            if let path = operation[caseInsensitive: "path"]?.stringValue {
                switch attributeName(of: path) {
                case "externalid": externalID = text(value) ?? externalID
                case nameKey.lowercased(): displayName = text(value) ?? displayName
                default: break
                }
            } else {
                externalID = text(value?[caseInsensitive: "externalId"]) ?? externalID
                displayName = text(value?[caseInsensitive: nameKey]) ?? displayName
            }
        }
        return (externalID, displayName)
    }
}

/// How much of a PATCH path the classifier reads (paths longer than this are refused by the PATCH engine anyway).
enum PatchPathLimit {
    static let length = 4_096
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
