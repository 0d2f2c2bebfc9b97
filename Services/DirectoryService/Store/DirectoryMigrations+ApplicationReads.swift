import Foundation
import Persistence

extension DirectoryMigrations {
    /// The read API's indexes (README "Application API: reading the directory"): its lists are tenant-wide unless
    /// `idp` narrows them, so each filter needs an index led by the tenant — the IdP-scoped ones of migration 1 serve
    /// SCIM and `idp=`. Users: by creation (the default order), by last change (`updatedSince`, which pages in
    /// that order), by `active` in creation order (a page of inactive users does not walk the active ones), by
    /// user name, by external id; emails by tenant and address; groups by creation and by display name.
    static let v6 = Migration(version: 6, name: "application-read-indexes") { _ in
        [
            "CREATE INDEX users_tenant_listing ON users (tenant_id, created, id)",
            "CREATE INDEX users_tenant_modified ON users (tenant_id, last_modified, id)",
            "CREATE INDEX users_tenant_active ON users (tenant_id, active, created, id)",
            "CREATE INDEX users_tenant_user_name ON users (tenant_id, user_name_lower)",
            "CREATE INDEX users_tenant_external_id ON users (tenant_id, external_id)",
            "CREATE INDEX user_emails_tenant_value ON user_emails (tenant_id, value_lower, user_id)",
            "CREATE INDEX groups_tenant_listing ON groups (tenant_id, created, id)",
            "CREATE INDEX groups_tenant_display_name ON groups (tenant_id, display_name_lower)",
        ]
    }
}
