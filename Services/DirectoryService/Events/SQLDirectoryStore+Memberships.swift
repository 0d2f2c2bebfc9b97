import Foundation
import InternalAPI
import SQLKit
import ScimCore

/// One membership row with its group's name: what a `group.member_removed` event says when a member goes away.
struct Membership: Sendable, Hashable {
    var group: GroupReference
    var member: MemberRow
}

extension SQLDirectoryStore {
    /// The groups `memberID` is a direct member of, read before its memberships are deleted.
    static func memberships(of memberID: String, in database: any SQLDatabase) async throws -> [Membership] {
        try await database.raw(
            """
            SELECT m.group_id, g.display_name, m.member_type, m.display FROM group_members m JOIN groups g ON g.id = m.group_id
            WHERE m.member_id = \(bind: memberID) ORDER BY m.group_id
            """
        ).all().map { row in
            Membership(
                group: GroupReference(
                    id: try row.decode(column: "group_id", as: String.self),
                    displayName: try row.decode(column: "display_name", as: String.self)
                ),
                member: MemberRow(
                    value: memberID,
                    type: try row.decode(column: "member_type", as: String.self),
                    display: try row.decode(column: "display", as: String?.self)
                )
            )
        }
    }
}

extension ChangeEvents {
    /// `group.member_removed` for each membership of a member that is being deleted.
    static func removals(_ memberships: [Membership], idpID: String) -> [PendingChangeEvent] {
        memberships.flatMap { membership in members(.groupMemberRemoved, [membership.member], group: membership.group, idpID: idpID) }
    }
}
