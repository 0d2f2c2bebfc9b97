/// The types of change events (README "Change events"): what the feed and webhooks carry. The raw values are the
/// `type` of each event, a contract with the applications that read them.
package enum ChangeEventType: String, CaseIterable, Sendable, Hashable {
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case userDeactivated = "user.deactivated"
    case userReactivated = "user.reactivated"
    case userDeleted = "user.deleted"
    case groupCreated = "group.created"
    case groupUpdated = "group.updated"
    case groupDeleted = "group.deleted"
    case groupMemberAdded = "group.member_added"
    case groupMemberRemoved = "group.member_removed"
    case idpCreated = "idp.created"
    case idpDeleted = "idp.deleted"
}
