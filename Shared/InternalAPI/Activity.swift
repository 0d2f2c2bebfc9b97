/// One entry of a tenant's activity log as admins read it: who did what, to which resource, when. Never a secret.
package struct ActivityEntry: Codable, Sendable, Hashable {
    /// ISO 8601 UTC.
    package var occurredAt: String
    package var idpID: String?
    package var actor: String
    package var action: String
    package var resourceType: String?
    package var resourceID: String?
    package var detail: String?

    package init(
        occurredAt: String,
        idpID: String?,
        actor: String,
        action: String,
        resourceType: String?,
        resourceID: String?,
        detail: String?
    ) {
        self.occurredAt = occurredAt
        self.idpID = idpID
        self.actor = actor
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.detail = detail
    }
}
