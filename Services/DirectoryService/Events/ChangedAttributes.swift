import InternalAPI
import ScimCore

/// A SCIM write's result with the top-level SCIM attributes it changed, for the provisioning log (the gateway gets
/// them in ``ProvisioningHeaders/changedAttributes``): empty when the write changed nothing.
struct Written<Record: Sendable>: Sendable {
    var record: Record
    var changedAttributes: [String]
}

extension ChangeEvents {
    /// The top-level SCIM attributes a write's events say it changed, sorted: what differs between an update's
    /// `previous` and its `data` (their `scim` documents), `members` for membership events, every attribute of a
    /// created resource. Read from the events the write appends anyway, so nothing is compared twice.
    static func changedAttributes(_ events: [PendingChangeEvent]) -> [String] {
        var names = Set<String>()
        for event in events {
            switch event.type {
            case .userCreated, .groupCreated:
                names.formUnion(scimAttributes(event.data[caseInsensitive: "scim"]))
            case .userUpdated, .userDeactivated, .userReactivated, .groupUpdated:
                let before = event.previous?[caseInsensitive: "scim"]?.objectValue
                let after = event.data[caseInsensitive: "scim"]?.objectValue ?? [:]
                if let before {
                    for key in Set(before.keys).union(after.keys) where !ignored.contains(key) && before[key] != after[key] {
                        names.insert(key)
                    }
                }
                if event.previous?[caseInsensitive: "groups"] != nil { names.insert("groups") }
            case .groupMemberAdded, .groupMemberRemoved:
                names.insert("members")
            default:
                break
            }
        }
        return names.sorted()
    }

    /// What a delete changed: the resource itself (`id`), and the memberships that went with it (`members` of a
    /// group, `groups` of a user).
    static func deletedAttributes(_ type: ScimResourceType, membershipsRemoved: Bool) -> [String] {
        guard membershipsRemoved else { return ["id"] }
        return type == .group ? ["id", "members"] : ["groups", "id"]
    }

    /// Every attribute of a created resource (as the client sent it).
    static func createdAttributes(_ resource: JSONValue) -> [String] {
        scimAttributes(resource).sorted()
    }

    /// Attributes that are no change by themselves (the server's own).
    private static let ignored: Set<String> = ["id", "meta"]

    private static func scimAttributes(_ document: JSONValue?) -> [String] {
        (document?.objectValue ?? [:]).keys.filter { !ignored.contains($0) && $0 != "schemas" }
    }
}
