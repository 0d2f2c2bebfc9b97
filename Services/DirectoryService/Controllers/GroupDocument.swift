import Foundation
import InternalAPI
import Persistence
import ScimCore
import ScimPatch

/// Turns a group resource into a stored document plus membership references, and back.
enum GroupDocument {
    static let ignoredOnWrite: Set<String> = ["id", "meta", "members"]

    struct Fields {
        var resource: JSONValue
        var displayName: String
        var externalID: String?
    }

    /// The storable document of a group resource: canonicalized, without server-assigned attributes and members.
    static func fields(of resource: JSONValue) throws(ScimError) -> Fields {
        guard case .object(var members) = SchemaRegistry.standard.canonicalize(resource, resourceType: ScimResourceType.group.name) else {
            throw ScimError.invalidSyntax("A group must be a JSON object.")
        }
        for key in members.keys where ignoredOnWrite.contains(key.lowercased()) {
            members.removeValue(forKey: key)
        }
        guard let displayName = members["displayName"]?.stringValue?.trimmingSpaces(), !displayName.isEmpty else {
            throw ScimError.invalidValue("The required attribute 'displayName' is missing or empty.")
        }
        return Fields(resource: .object(members), displayName: displayName, externalID: members["externalId"]?.stringValue)
    }

    /// The `members` of a group resource as references; each needs a non-empty string `value`.
    static func memberReferences(of resource: JSONValue) throws(ScimError) -> [MemberReference] {
        guard let list = resource[caseInsensitive: "members"], !list.isNull else { return [] }
        guard case .array(let elements) = list else { throw ScimError.invalidValue("'members' must be an array.") }
        var references: [MemberReference] = []
        for element in elements {
            guard let value = element[caseInsensitive: "value"]?.stringValue, !value.isEmpty else {
                throw ScimError.invalidValue("Every member needs a non-empty 'value' (the member's id).")
            }
            references.append(
                MemberReference(
                    value: value,
                    type: element[caseInsensitive: "type"]?.stringValue,
                    display: element[caseInsensitive: "display"]?.stringValue
                )
            )
        }
        return references
    }

    static func record(from resource: JSONValue, tenantID: String, idpID: String, id: String, now: String) throws(ScimError) -> GroupRecord {
        let fields = try fields(of: resource)
        return GroupRecord(
            id: id,
            tenantID: tenantID,
            idpID: idpID,
            displayName: fields.displayName,
            externalID: fields.externalID,
            resource: fields.resource,
            version: 1,
            created: now,
            lastModified: now,
            members: nil
        )
    }

    static func representation(of record: GroupRecord) -> StoredResource {
        guard case .object(var members) = record.resource else {
            return StoredResource(id: record.id, version: record.version, resource: record.resource)
        }
        members["id"] = .string(record.id)
        if members["schemas"] == nil {
            members["schemas"] = [.string(ScimResourceType.group.schema)]
        }
        if let rows = record.members {
            members["members"] = .array(
                rows.map { row in
                    var member: [String: JSONValue] = ["value": .string(row.value), "type": .string(row.type)]
                    if let display = row.display { member["display"] = .string(display) }
                    return .object(member)
                }
            )
        }
        members["meta"] = [
            "resourceType": .string(ScimResourceType.group.name),
            "created": .string(record.created),
            "lastModified": .string(record.lastModified),
            "version": .string(ETag.weak(record.version)),
        ]
        return StoredResource(id: record.id, version: record.version, resource: .object(members))
    }
}
