/// The event types an endpoint may subscribe to (README "Change events").
package enum WebhookEventTypes {
    package static let all: [String] = [
        "user.created", "user.updated", "user.deactivated", "user.reactivated", "user.deleted",
        "group.created", "group.updated", "group.deleted", "group.member_added", "group.member_removed",
        "idp.created", "idp.deleted",
    ]
    /// The type of the event `POST …/webhooks/{id}/test` sends; not subscribable, always delivered.
    package static let test = "webhook.test"
}
