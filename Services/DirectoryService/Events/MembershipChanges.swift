import InternalAPI

/// The net membership change of one write, however it got there: a PATCH may remove and add the same member, and a
/// replace deletes every row before inserting the new list. A member there before and after is no change; one that
/// came or went is one event.
struct MembershipChanges: Sendable {
    private struct Entry {
        var wasMember: Bool
        var isMember: Bool
        var row: MemberRow
    }
    private var entries: [String: Entry] = [:]

    /// Rows the write deleted.
    mutating func removed(_ rows: [MemberRow]) {
        for row in rows {
            if entries[row.value] == nil {
                entries[row.value] = Entry(wasMember: true, isMember: false, row: row)
            } else {
                entries[row.value]?.isMember = false
            }
        }
    }

    /// Rows the write inserted.
    mutating func added(_ rows: [MemberRow]) {
        for row in rows {
            if entries[row.value] == nil {
                entries[row.value] = Entry(wasMember: false, isMember: true, row: row)
            } else {
                entries[row.value]?.isMember = true
                entries[row.value]?.row = row
            }
        }
    }

    /// `group.member_removed` for each member that left, then `group.member_added` for each that joined, by member id.
    func events(group: GroupReference, idpID: String) -> [PendingChangeEvent] {
        let sorted = entries.sorted { $0.key < $1.key }.map(\.value)
        let left = sorted.filter { $0.wasMember && !$0.isMember }.map(\.row)
        let joined = sorted.filter { !$0.wasMember && $0.isMember }.map(\.row)
        return ChangeEvents.members(.groupMemberRemoved, left, group: group, idpID: idpID)
            + ChangeEvents.members(.groupMemberAdded, joined, group: group, idpID: idpID)
    }
}
