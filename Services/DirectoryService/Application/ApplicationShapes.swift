import Foundation
import InternalAPI
import Persistence
import ScimCore

/// The application API's resources (`/api/v1/tenants/{tenant}/…`, README "Application API"): one place renders
/// them, for the read API's answers and for the `data` of change events, so a client that applies events sees what
/// a read shows.
enum ApplicationShapes {
    /// `id`, `idp`, `userName`, `externalId`, `active`, `identity` (typed, as mapped), `scim` (the resource as stored,
    /// with its `id`), `groups` (`id`, `displayName`), `createdAt`, `updatedAt`, `version`.
    static func user(_ user: UserRecord, groups: [GroupReference]) -> JSONValue {
        var scim = user.resource.objectValue ?? [:]
        scim["id"] = .string(user.id)
        return .object([
            "id": .string(user.id),
            "idp": .string(user.idpID),
            "userName": .string(user.userName),
            "externalId": user.externalID.map(JSONValue.string) ?? .null,
            "active": .bool(user.active),
            "identity": .object(user.identity),
            "scim": .object(scim),
            "groups": .array(groups.map(groupReference)),
            "createdAt": .string(user.created),
            "updatedAt": .string(user.lastModified),
            "version": .number(Double(user.version)),
        ])
    }

    /// `id`, `idp`, `displayName`, `externalId`, `description` (when the resource has one), `memberCount`, `scim`
    /// (the resource as stored, without members), `createdAt`, `updatedAt`, `version`.
    static func group(_ group: GroupRecord, memberCount: Int) -> JSONValue {
        var scim = group.resource.objectValue ?? [:]
        scim["id"] = .string(group.id)
        scim["members"] = nil
        var members: [String: JSONValue] = [
            "id": .string(group.id),
            "idp": .string(group.idpID),
            "displayName": .string(group.displayName),
            "externalId": group.externalID.map(JSONValue.string) ?? .null,
            "memberCount": .number(Double(memberCount)),
            "scim": .object(scim),
            "createdAt": .string(group.created),
            "updatedAt": .string(group.lastModified),
            "version": .number(Double(group.version)),
        ]
        members["description"] = scim["description"] ?? .null
        return .object(members)
    }

    static func groupReference(_ reference: GroupReference) -> JSONValue {
        ["id": .string(reference.id), "displayName": .string(reference.displayName)]
    }

    /// A member of a group: `id`, `type` (`User` or `Group`), `display`.
    static func member(_ row: MemberRow) -> JSONValue {
        ["id": .string(row.value), "type": .string(row.type), "display": row.display.map(JSONValue.string) ?? .null]
    }

    /// `id`, `name`, `description`, `providerType`, `createdAt`, `updatedAt`.
    static func identityProvider(_ idp: IdentityProvider) -> JSONValue {
        [
            "id": .string(idp.id),
            "name": .string(idp.name),
            "description": .string(idp.description),
            "providerType": .string(idp.providerType.rawValue),
            "createdAt": .string(Timestamp.string(from: idp.createdAt)),
            "updatedAt": .string(Timestamp.string(from: idp.updatedAt)),
        ]
    }

    /// A page of the application API: `{"data": [...], "next": cursor or null}`.
    static func page(_ data: [JSONValue], next: String?) -> JSONValue {
        ["data": .array(data), "next": next.map(JSONValue.string) ?? .null]
    }
}
