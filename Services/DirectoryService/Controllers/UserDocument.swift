import Foundation
import InternalAPI
import Persistence
import ScimCore

/// Turns a user resource from an IdP into a stored record, and a record back into the SCIM representation.
enum UserDocument {
    /// Attributes a client may send but the directory never stores from input: server-assigned (`id`, `meta`),
    /// derived (`groups`) or secret (`password`, never stored at all).
    static let ignoredOnWrite: Set<String> = ["id", "meta", "groups", "password"]

    static func record(
        from resource: JSONValue, identity: [String: JSONValue], tenantID: String, idpID: String, id: String, now: String
    ) throws(ScimError) -> UserRecord {
        guard case .object(var members) = SchemaRegistry.standard.canonicalize(resource, resourceType: "User") else {
            throw ScimError.invalidSyntax("A user must be a JSON object.")
        }
        for key in members.keys where ignoredOnWrite.contains(key.lowercased()) {
            members.removeValue(forKey: key)
        }
        let cleaned = JSONValue.object(members)
        guard let userName = cleaned["userName"]?.stringValue?.trimmingSpaces(), !userName.isEmpty else {
            throw ScimError.invalidValue("The required attribute 'userName' is missing or empty.")
        }
        let active = try active(of: cleaned)
        members["active"] = .bool(active)
        return UserRecord(
            id: id, tenantID: tenantID, idpID: idpID, userName: userName,
            externalID: cleaned["externalId"]?.stringValue,
            displayName: cleaned["displayName"]?.stringValue,
            active: active,
            emails: emails(of: cleaned),
            resource: .object(members), identity: identity, version: 1, created: now, lastModified: now)
    }

    /// `active` as a boolean; Entra sends "True"/"False" strings. Absent means active.
    static func active(of resource: JSONValue) throws(ScimError) -> Bool {
        switch resource["active"] {
        case nil, .null?: return true
        case .bool(let value)?: return value
        case .string(let text)? where text.lowercased() == "true": return true
        case .string(let text)? where text.lowercased() == "false": return false
        default: throw ScimError.invalidValue("The attribute 'active' must be a boolean.")
        }
    }

    static func emails(of resource: JSONValue) -> [UserRecord.EmailRow] {
        guard let elements = resource["emails"]?.arrayValue else { return [] }
        return elements.compactMap { element in
            guard let value = element["value"]?.stringValue, !value.isEmpty else { return nil }
            let primary = element["primary"]
            return .init(
                value: value, type: element["type"]?.stringValue,
                primary: primary?.boolValue ?? (primary?.stringValue?.lowercased() == "true"))
        }
    }

    /// The SCIM representation: the stored document plus `id`, `groups` and `meta` (the gateway adds `meta.location`).
    static func representation(of record: UserRecord) -> StoredResource {
        guard case .object(var members) = record.resource else {
            return StoredResource(id: record.id, version: record.version, resource: record.resource)
        }
        members["id"] = .string(record.id)
        if members["schemas"] == nil {
            members["schemas"] = [.string(ScimSchemaURN.user)]
        }
        if !record.groups.isEmpty {
            members["groups"] = .array(record.groups.map { ["value": .string($0.id), "display": .string($0.displayName), "type": "direct"] })
        }
        members["meta"] = [
            "resourceType": "User",
            "created": .string(record.created),
            "lastModified": .string(record.lastModified),
            "version": .string(ETag.weak(record.version)),
        ]
        return StoredResource(id: record.id, version: record.version, resource: .object(members))
    }
}

extension JSONValue {
    /// An object member by its exact (canonical) name.
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}
