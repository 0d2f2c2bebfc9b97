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
        from resource: JSONValue,
        identity: [String: JSONValue],
        tenantID: String,
        idpID: String,
        id: String,
        now: String
    ) throws(ScimError) -> UserRecord {
        guard case .object(var members) = SchemaRegistry.standard.canonicalize(resource, resourceType: ScimResourceType.user.name) else {
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
            id: id,
            tenantID: tenantID,
            idpID: idpID,
            userName: userName,
            externalID: cleaned["externalId"]?.stringValue,
            displayName: cleaned["displayName"]?.stringValue,
            active: active,
            emails: emails(of: cleaned),
            resource: .object(members),
            identity: identity,
            version: 1,
            created: now,
            lastModified: now
        )
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
                value: value,
                type: element["type"]?.stringValue,
                primary: primary?.boolValue ?? (primary?.stringValue?.lowercased() == "true")
            )
        }
    }

    /// The SCIM representation: the stored document plus `id`, `groups` and `meta` (``RenderedAnswer`` adds `meta.location`).
    static func representation(of record: UserRecord) -> StoredResource {
        representation(
            id: record.id,
            document: record.resource,
            groups: record.groups,
            version: record.version,
            created: record.created,
            lastModified: record.lastModified
        )
    }

    /// The same for a user whose document is still stored text: parsed here (``UserTextRendering`` avoids it where it can).
    static func representation(of user: StoredUserText) throws(ScimError) -> StoredResource {
        let document: JSONValue
        do {
            document = try JSONValue.decode(user.resourceText)
        } catch {
            throw ScimError.internalError("Stored JSON is unreadable.")
        }
        return representation(
            id: user.id,
            document: document,
            groups: user.groups,
            version: user.version,
            created: user.created,
            lastModified: user.lastModified
        )
    }

    private static func representation(
        id: String,
        document: JSONValue,
        groups: [GroupReference],
        version: Int,
        created: String,
        lastModified: String
    ) -> StoredResource {
        guard case .object(var members) = document else {
            return StoredResource(id: id, version: version, resource: document)
        }
        members["id"] = .string(id)
        if members["schemas"] == nil {
            members["schemas"] = defaultSchemas
        }
        if !groups.isEmpty {
            members["groups"] = groupsValue(groups)
        }
        members["meta"] = .object(meta(created: created, lastModified: lastModified, version: version))
        return StoredResource(id: id, version: version, resource: .object(members))
    }

    /// `schemas` of a document stored without it.
    static let defaultSchemas: JSONValue = [.string(ScimResourceType.user.schema)]

    /// `groups`: the user's direct groups.
    static func groupsValue(_ groups: [GroupReference]) -> JSONValue {
        .array(groups.map { ["value": .string($0.id), "display": .string($0.displayName), "type": "direct"] })
    }

    /// `meta` without `location` (the renderer adds it).
    static func meta(created: String, lastModified: String, version: Int) -> [String: JSONValue] {
        [
            "resourceType": .string(ScimResourceType.user.name),
            "created": .string(created),
            "lastModified": .string(lastModified),
            "version": .string(ETag.weak(version)),
        ]
    }
}

extension JSONValue {
    /// An object member by its exact (canonical) name.
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}
