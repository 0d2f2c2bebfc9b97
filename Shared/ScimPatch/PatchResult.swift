import ScimCore
import ScimFilter

/// A group member as a PATCH names it: `{"value": "<id>", "type": "User", "display": "…", "$ref": …}`.
/// `$ref` is not kept: the member's location follows from its id.
package struct MemberReference: Sendable, Hashable {
    package var value: String
    package var type: String?
    package var display: String?

    package init(value: String, type: String? = nil, display: String? = nil) {
        self.value = value
        self.type = type
        self.display = display
    }
}

/// A change to a group's membership rows. Group resources reach the engine without `members`: every operation
/// on `members` becomes one of these instead of touching the JSON (IDP-WIRE §2.1 items 8–9, §2.2 item 7).
package enum MembershipChange: Sendable, Hashable {
    /// Add these members (idempotent: adding a present member is not an error).
    case add([MemberReference])
    /// Remove the members with these ids (Entra's `remove path=members value=[{value}]`, or `members[value eq "x"]`).
    case remove([String])
    /// Remove the members matching this filter, evaluated against `{value, type, display, $ref}` elements.
    case removeMatching(FilterExpression)
    /// `remove path=members` without a value: clear the group.
    case removeAll
    /// `replace path=members`: the group's members become exactly these.
    case replaceAll([MemberReference])
}

/// What ``PatchEngine/apply(_:to:)`` produced.
package struct PatchResult: Sendable, Hashable {
    /// The patched resource (without `members` for groups).
    package var resource: JSONValue
    /// Membership changes in request order; empty for users.
    package var membershipChanges: [MembershipChange]
    /// Whether anything changed: the resource JSON differs from the input, or there is a membership change
    /// (whose effect on the rows the engine cannot know; treat it as a change).
    package var changed: Bool

    package init(resource: JSONValue, membershipChanges: [MembershipChange], changed: Bool) {
        self.resource = resource
        self.membershipChanges = membershipChanges
        self.changed = changed
    }
}
