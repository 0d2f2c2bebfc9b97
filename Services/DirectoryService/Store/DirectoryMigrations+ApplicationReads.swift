import Foundation
import Persistence

extension DirectoryMigrations {
    /// The read API's indexes (README "Application API: reading the directory"): its lists are tenant-wide unless
    /// `idp` narrows them. Every index on `users` makes each user write dearer (the 100,000-user sync's budget), so
    /// users get only what migration 1 cannot serve: by creation (the default order), by last change
    /// (`updatedSince`, which pages in that order), and the inactive users in creation order (partial: only an
    /// inactive user's writes pay for it; `active=true`, nearly every user, walks the creation order). A user name
    /// or an external id is searched in migration 1's IdP-led indexes once per identity provider of the tenant
    /// (`idp_id IN (…)`), an email in `user_emails_value` with the tenant checked on the row. Groups (few writes):
    /// by creation and by display name.
    static let v6 = Migration(version: 6, name: "application-read-indexes") { _ in
        [
            "CREATE INDEX users_tenant_listing ON users (tenant_id, created, id)",
            "CREATE INDEX users_tenant_modified ON users (tenant_id, last_modified, id)",
            "CREATE INDEX users_tenant_inactive ON users (tenant_id, created, id) WHERE NOT active",
            "CREATE INDEX groups_tenant_listing ON groups (tenant_id, created, id)",
            "CREATE INDEX groups_tenant_display_name ON groups (tenant_id, display_name_lower)",
        ]
    }
}
